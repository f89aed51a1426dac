import Analytics
import Foundation
import Hummingbird

/// The campaign list, a campaign's page with its numbers and actions, and the open alerts above them.
extension WebPages {
    var commands: CampaignCommands { CampaignCommands(services: services.messaging, workspaces: services.workspaces) }
    /// The JSON API's campaign logic (field parsing, results), reused by the pages.
    var campaignAPI: CampaignController { CampaignController(services: services.messaging, workspaces: services.workspaces) }

    @Sendable func campaigns(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        return try await campaignsPage(access: access, values: [:])
    }

    func campaignsPage(access: Access, values extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let currency = try await services.messaging.rates.table(workspaceID: access.workspaceID).currency
        var rows: [[String: Any]] = []
        let campaigns = try await services.messaging.campaigns.list(workspaceID: access.workspaceID)
        let tests = try await abTestStore.tests(workspaceID: access.workspaceID, campaignIDs: campaigns.map(\.id))
        for detail in try await campaignAPI.details(campaigns, workspaceID: access.workspaceID) {
            let (campaign, s) = (detail.campaign, detail.stats)
            rows.append([
                "id": campaign.id.uuidString.lowercased(), "name": campaign.name, "status": campaign.status.rawValue,
                "abTestID": Self.present(tests[campaign.id]?.id.uuidString.lowercased()),
                "template": campaign.templateName ?? "—",
                "audience": campaign.audienceSize.map(String.init) ?? (s.messages > 0 ? "\(s.messages)" : "—"),
                "sent": s.sent, "delivered": s.delivered, "read": s.read, "clicked": s.clicked, "replied": s.replied, "failed": s.failed,
                "cost": Self.cost(micros: s.costMicros, currency),
                "date": Self.display(campaign.completedAt ?? campaign.startedAt ?? campaign.scheduledAt ?? campaign.createdAt),
                "dateLabel": campaign.completedAt != nil
                    ? "finished" : campaign.startedAt != nil ? "started" : campaign.scheduledAt != nil ? "scheduled" : "created",
            ])
        }
        var values: [String: Any] = ["campaigns": rows, "hasCampaigns": !rows.isEmpty]
        values.merge(try await alertValues(access, back: "/campaigns")) { $1 }
        values.merge(extra) { $1 }
        return console.render("campaigns", title: "Campaigns", path: "/campaigns", access: access, values: values, status: status)
    }

    /// Open alerts, shown above every campaign page, with the page to come back to after resolving one.
    func alertValues(_ access: Access, back: String) async throws -> [String: Any] {
        let alerts = try await services.messaging.alerts.list(workspaceID: access.workspaceID, openOnly: true).map { alert -> [String: Any] in
            [
                "id": alert.id.uuidString.lowercased(), "level": alert.level, "message": alert.message, "at": Self.display(alert.createdAt),
                "campaignID": Self.present(alert.campaignID?.uuidString.lowercased()), "accountHalted": alert.accountID != nil,
            ]
        }
        return ["alerts": alerts, "back": back]
    }

    @Sendable func resolveAlert(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (form, access) = try await postedForm(request, context)
        guard access.role.canWrite else {
            return try await campaignsPage(access: access, values: ["error": "Your role cannot resolve alerts."], status: .forbidden)
        }
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw HTTPError(.notFound) }
        _ = try await services.messaging.alerts.resolve(workspaceID: access.workspaceID, id: id)
        let back = form["back"].flatMap { $0.hasPrefix("/campaigns") || $0 == "/alerts" ? $0 : nil } ?? "/campaigns"
        return .redirect(to: back, type: .normal)
    }

    /// A cost in micros: 4 to 6 decimals under 100 units (per-message prices are fractions of a cent), else rounded to
    /// cents, half to even.
    static func cost(micros: Int64, _ currency: String) -> String {
        guard micros.magnitude >= 100 * UInt64(Micros.perUnit) else { return "\(Micros.display(micros)) \(currency)" }
        var exact = Micros(micros, currency: currency).decimal, rounded = Decimal()
        NSDecimalRound(&rounded, &exact, 2, .bankers)
        return String(format: "%@ %@", NSDecimalNumber(decimal: rounded).description(withLocale: Locale(identifier: "en_US_POSIX")), currency)
    }

    static func percent(_ part: Int, of whole: Int) -> String {
        whole > 0 ? String(format: "%.1f%%", Double(part) * 100 / Double(whole)) : "—"
    }

    @Sendable func campaign(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        let notice = FormData.query(request)["done"].flatMap { Self.doneNotices[$0] }
        return try await campaignPage(access: access, context: context, values: notice.map { ["notice": $0] } ?? [:])
    }

    static let doneNotices = [
        "created": "Draft saved. Check the pre-flight numbers, then send it.", "scheduled": "Campaign scheduled.",
        "sending": "Campaign started: messages go out at the account's throughput.",
        "send": "Campaign started: messages go out at the account's throughput.",
        "pause": "Campaign paused.", "resume": "Campaign resumed.", "cancel": "Campaign cancelled; queued messages will not be sent.",
    ]

    func loadCampaign(_ context: AppRequestContext, _ access: Access) async throws -> Campaign {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let campaign = try await services.messaging.campaigns.find(workspaceID: access.workspaceID, id: id)
        else { throw HTTPError(.notFound) }
        return campaign
    }

    func campaignPage(
        access: Access,
        context: AppRequestContext,
        values extra: [String: Any],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let campaign = try await loadCampaign(context, access)
        var values = try await CampaignPageModel(pages: self, access: access, campaign: campaign).values()
        values.merge(try await alertValues(access, back: "/campaigns/\(campaign.id.uuidString.lowercased())")) { $1 }
        values.merge(try await abTestLink(campaign)) { $1 }
        values.merge(extra) { $1 }
        values["pageScript"] = "campaigns.js"
        return console.render("campaign", title: campaign.name, path: "/campaigns", access: access, values: values, status: status)
    }

    @Sendable func campaignAction(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, access) = try await postedForm(request, context)
        let action = context.parameters.get("action") ?? ""
        guard ["pause", "resume", "cancel", "send"].contains(action) else { throw HTTPError(.notFound) }
        guard access.role.canWrite else {
            return try await campaignPage(
                access: access,
                context: context,
                values: ["error": "Your role cannot change campaigns."],
                status: .forbidden
            )
        }
        let campaign = try await loadCampaign(context, access)
        do {
            switch action {
            case "pause": try await commands.pause(campaign)
            case "resume": try await commands.resume(campaign)
            case "cancel": try await commands.cancel(campaign)
            default: try await commands.schedule(campaign, at: Date())
            }
        } catch let error as APIError {
            return try await campaignPage(access: access, context: context, values: ["error": error.message], status: error.status)
        }
        return .redirect(to: "/campaigns/\(campaign.id.uuidString.lowercased())?done=\(action)", type: .normal)
    }
}
