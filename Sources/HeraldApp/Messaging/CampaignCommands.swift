import Foundation
import SQLKit

/// Campaign actions (schedule, pause, resume, cancel) and their checks, shared by the API and the console.
struct CampaignCommands {
    let services: MessagingServices
    let workspaces: WorkspaceStore

    /// What `POST /api/campaigns/{id}/schedule` checks before a campaign may be sent.
    func checkSendable(_ c: Campaign) async throws {
        try await CampaignInput.check(c, services: services)
        guard let accountID = c.accountID, try await services.accounts.find(workspaceID: c.workspaceID, id: accountID) != nil else {
            throw APIError.invalid("account_id", "the campaign has no WhatsApp account")
        }
        if let templateID = c.templateID, let template = try await services.templates.find(workspaceID: c.workspaceID, id: templateID),
            template.status != "APPROVED"
        {
            throw APIError(
                .conflict,
                "template_not_approved",
                "template \(template.name) is \(template.status); only approved templates can be sent",
                field: "template_id"
            )
        }
    }

    /// Until its A/B test is decided or stopped, a campaign is started, paused, resumed, stopped and changed through the
    /// test, which moves both together (and mirrors the control into the campaign): acting on the campaign alone would
    /// leave them apart. Once the test is over, the campaign (sending the winner) is the marketer's again.
    func refuseIfTested(_ campaign: Campaign) async throws {
        if try await ABTestStore(database: services.database, campaigns: services.campaigns).isTestInCharge(campaignID: campaign.id) {
            throw APIError(
                .conflict, "managed_by_ab_test",
                "campaign \(campaign.name) is sent by its A/B test: start, pause, stop or change it on the test (/api/ab-tests)"
            )
        }
    }

    /// Sends at `at` (now when it has come): the send loop starts scheduled campaigns whose time has come.
    func schedule(_ campaign: Campaign, at: Date) async throws {
        guard campaign.status.allows(.schedule) else { throw Self.refused(.schedule, campaign) }
        try await refuseIfTested(campaign)
        try await checkSendable(campaign)
        let scheduled = { var c = campaign; c.scheduledAt = at; return c }()
        let moved = try await services.database.transaction { sql in
            try await services.campaigns.update(scheduled, in: sql)
            return try await CampaignStore.perform(.schedule, workspaceID: campaign.workspaceID, id: campaign.id, in: sql)
        }
        guard moved else { throw Self.refused(.schedule, campaign) }
    }

    func pause(_ c: Campaign) async throws {
        try await refuseIfTested(c)
        try await perform(.pause, c)
    }

    func resume(_ c: Campaign) async throws {
        try await refuseIfTested(c)
        if let accountID = c.accountID, let account = try await services.accounts.find(workspaceID: c.workspaceID, id: accountID),
            account.status != "active"
        {
            throw APIError(
                .conflict,
                "account_halted",
                "the WhatsApp account is halted (\(account.statusReason ?? "see alerts")); resume the account in Settings first"
            )
        }
        try await perform(.resume, c)
    }

    func cancel(_ c: Campaign) async throws {
        try await refuseIfTested(c)
        try await perform(.cancel, c)
    }

    /// A marketer's action on one campaign; a move the transition table does not allow is a 409 `invalid_transition`.
    func perform(_ action: CampaignAction, _ c: Campaign) async throws {
        let moved = try await services.database.transaction { sql in
            try await CampaignStore.perform(action, workspaceID: c.workspaceID, id: c.id, in: sql)
        }
        guard moved else { throw Self.refused(action, c) }
    }

    static func refused(_ action: CampaignAction, _ c: Campaign) -> APIError {
        APIError(.conflict, "invalid_transition", "a \(c.status.rawValue) campaign cannot be \(action.verb)")
    }

    /// The latest messages of a campaign with their contacts' names, newest change first.
    func recentMessages(_ c: Campaign, limit: Int = 20) async throws -> [[String: String]] {
        try await services.database.read { sql in
            try await sql.raw(
                """
                SELECT m.contact_id, m.phone, m.status, m.error_code, m.error_detail, m.attempts, m.updated_at, c.name, c.username,
                    COALESCE(m.bsuid, c.bsuid) AS bsuid
                FROM messages m LEFT JOIN contacts c ON c.id = m.contact_id
                WHERE m.campaign_id = \(bind: c.id) ORDER BY m.updated_at DESC LIMIT \(bind: limit)
                """
            ).all().map { row -> [String: String] in
                let code = try row.decode(column: "error_code", as: Int?.self)
                let detail = try row.decode(column: "error_detail", as: String?.self)
                let error = detail ?? code.map { "#\($0)" } ?? ""
                let phone = try row.decode(column: "phone", as: String?.self) ?? ""
                return [
                    "contactID": try row.decode(column: "contact_id", as: UUID.self).uuidString.lowercased(),
                    "label": try row.decode(column: "name", as: String?.self)
                        ?? (phone.isEmpty ? nil : phone) ?? row.decode(column: "username", as: String?.self).map { "@" + $0 }
                        ?? row.decode(column: "bsuid", as: String?.self) ?? "",
                    "phone": phone,
                    "status": try row.decode(column: "status", as: String.self), "error": error,
                    "attempts": String(try row.decode(column: "attempts", as: Int.self)),
                    "at": WebPages.display(try row.decode(column: "updated_at", as: Date.self)),
                ]
            }
        }
    }
}
