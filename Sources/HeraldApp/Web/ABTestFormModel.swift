import Foundation
import WhatsApp

/// The New A/B test page: campaign name, account, audience, the test's settings with their defaults, and the choices
/// the variation cards offer (approved templates by account, the media library, contact fields) as JSON for
/// `ab-tests.js`, which draws the cards and posts the test to `/api/ab-tests/create`.
struct ABTestFormModel {
    let pages: WebPages
    let access: Access

    /// A template a card can use: its variables, header media kind and whether it has a link button.
    struct TemplateChoice: Encodable {
        let id: String
        let accountId: String
        let label: String
        let vars: [String]
        let media: String
        let cta: Bool
    }

    struct MediaChoice: Encodable {
        let id: String
        let label: String
        let kind: String
        let url: String
    }

    struct FieldChoice: Encodable {
        let value: String
        let label: String
    }

    struct Options: Encodable {
        let templates: [TemplateChoice]
        let media: [MediaChoice]
        let fields: [FieldChoice]
    }

    func values() async throws -> [String: Any] {
        let messaging = pages.services.messaging
        let workspaceID = access.workspaceID
        let accounts = try await messaging.accounts.list(workspaceID: workspaceID)
        let approved = try await messaging.templates.list(workspaceID: workspaceID).filter { $0.status == "APPROVED" }
        let media = try await messaging.media.list(workspaceID: workspaceID)
        let segments = try await pages.services.segments.store.list(workspaceID: workspaceID)
        let options = Options(
            templates: approved.map { t in
                let d = t.definition
                return TemplateChoice(
                    id: t.id.uuidString.lowercased(), accountId: t.accountID.uuidString.lowercased(),
                    label: "\(t.name) (\(t.language), \(t.category.lowercased()))", vars: CampaignFormModel.keys(d),
                    media: CampaignFormModel.hasMediaHeader(d) ? d.headerFormat!.lowercased() : "", cta: d.urlButtonIndex != nil
                )
            },
            media: media.map { MediaChoice(id: $0.id.uuidString.lowercased(), label: "\($0.filename) (\($0.kind))", kind: $0.kind, url: "/media/\($0.publicToken)/\($0.filename)") },
            fields: try await pages.contactFieldOptions(access).map { FieldChoice(value: $0.value, label: $0.label) }
        )
        let withTemplates = Set(approved.map(\.accountID))
        return [
            "accounts": accounts.enumerated().map { index, account -> [String: Any] in
                ["id": account.id.uuidString.lowercased(), "name": account.name, "selected": account.id == (accounts.first { withTemplates.contains($0.id) } ?? accounts.first)?.id]
            },
            "hasTemplates": !approved.isEmpty, "hasSegments": !segments.isEmpty,
            "segments": segments.map { s -> [String: Any] in
                ["id": s.id.uuidString.lowercased(), "name": s.name, "kind": s.kind.rawValue, "count": s.contactCount, "contacts": WebPages.contacts(s.contactCount)]
            },
            "optionsJSON": SegmentBuilderModel.scriptJSON(options), "pageScript": "ab-tests.js",
        ]
    }
}
