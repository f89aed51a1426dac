import Foundation
import SQLKit
import Testing
import WhatsApp

@testable import HeraldApp

/// A workspace ready for A/B tests: the messaging fixture's account and approved `spring_sale`, other approved wordings,
/// a pending template, an image-header template, a utility template, one without a link, another account's template,
/// a static segment of everyone and a draft campaign.
struct ABTestFixture {
    let app: TestApp
    let messaging: MessagingFixture
    let templates: [String: UUID]
    let otherAccountTemplate: UUID
    let segmentID: String
    let draftCampaignID: String

    static let variables = #""variables":{"1":{"field":"first_name","fallback":"there"},"2":{"text":"20%"}}"#

    static func definition(_ name: String, status: String = "APPROVED", category: String = "MARKETING", header: String? = nil, link: Bool = true)
        -> TemplateDefinition
    {
        var components: [TemplateComponent] = []
        if let header { components.append(.header(format: header)) }
        components.append(TemplateComponent(type: "BODY", text: "Hi {{1}}, \(name) gives you {{2}} off."))
        if link {
            components.append(
                TemplateComponent(type: "BUTTONS", buttons: [TemplateButton(type: "URL", text: "Shop", url: "https://herald.test/r/{{1}}")])
            )
        }
        return TemplateDefinition(id: name, name: name, language: "en_US", category: category, status: status, components: components)
    }

    static func make(_ app: TestApp) async throws -> ABTestFixture {
        let messaging = try await MessagingFixture.make(app, contacts: 2)
        let services = app.services.messaging
        let workspaceID = app.workspace.id
        _ = try await services.templates.replaceAll(
            workspaceID: workspaceID,
            accountID: messaging.account.id,
            templates: [
                MessagingFixture.template, definition("spring_sale_bold"), definition("spring_sale_soft"),
                definition("spring_sale_new", status: "PENDING"),
                definition("spring_banner", header: "IMAGE"), definition("order_news", category: "UTILITY"), definition("spring_plain", link: false),
            ]
        )
        let other = try await services.accounts.create(
            workspaceID: workspaceID,
            .init(
                name: "Second",
                phoneNumberID: "100000000000010",
                wabaID: "200000000000010",
                accessToken: "t",
                appSecret: "s",
                verifyToken: "v",
                apiBaseURL: "http://127.0.0.1:9"
            )
        )
        _ = try await services.templates.replaceAll(workspaceID: workspaceID, accountID: other.id, templates: [definition("other_sale")])
        var templates: [String: UUID] = [:]
        for template in try await services.templates.list(workspaceID: workspaceID) where template.accountID == messaging.account.id {
            templates[template.name] = template.id
        }
        let otherTemplate = try await services.templates.list(workspaceID: workspaceID, accountID: other.id)[0].id
        let segment = try await app.request(
            .post,
            "/api/segments/create",
            json: #"{"name":"Everyone","kind":"static","rules":{"combinator":"and","children":[]}}"#
        )
        #expect(segment.status == .created, "\(segment.text)")
        let draft = try await app.request(
            .post,
            "/api/campaigns",
            json: #"{"name":"Summer draft","template_id":"\#(templates["spring_sale"]!)",\#(variables),"cta_url":"https://shop.example/summer"}"#
        )
        #expect(draft.status == .created, "\(draft.text)")
        return ABTestFixture(
            app: app,
            messaging: messaging,
            templates: templates,
            otherAccountTemplate: otherTemplate,
            segmentID: segment.json["id"].string!,
            draftCampaignID: draft.json["id"].string!
        )
    }

    /// One variation's JSON: the given template with the fixture's variables and link.
    func variation(_ name: String, _ template: String, share: Int? = nil, extra: String = "") -> String {
        let id = templates[template].map(\.uuidString) ?? template
        let share = share.map { #","share":\#($0)"# } ?? ""
        return #"{"name":"\#(name)","template_id":"\#(id)",\#(Self.variables),"cta_url":"https://shop.example/spring"\#(share)\#(extra)}"#
    }

    /// A create body: a new campaign on the segment with the given variations and extra top-level fields.
    func body(_ variations: [String], name: String = "Spring wording", extra: String = "") -> String {
        #"{"name":"\#(name)","account_id":"\#(messaging.account.id)","audience":{"type":"segment","segment_id":"\#(segmentID)"},"#
            + #""variations":[\#(variations.joined(separator: ","))]\#(extra)}"#
    }

    func count(_ table: String) async throws -> Int {
        try await app.database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()!.decode(column: "n", as: Int.self)
        }
    }

    /// Campaigns, tests and variations, to show that a refused request stored nothing.
    func rows() async throws -> [Int] {
        [try await count("campaigns"), try await count("ab_tests"), try await count("ab_test_variations")]
    }
}
