import Foundation
import Hummingbird

/// `POST /api/ab-tests/{id}/start`: freeze the audience and send the test (design section 2).
extension ABTestController {
    func addStartRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("ab-tests/{id}/start", use: start)
    }

    /// Starts a draft test: the campaign's pre-flight for the campaign and every variation, then test and campaign move
    /// in one transaction. The send loop starts the campaign, and its start job freezes the audience (``ABTestFreeze``).
    @Sendable func start(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let test = try await test(context)
        guard test.status == .draft else {
            throw APIError(.conflict, "invalid_transition", "a \(test.status.rawValue) test cannot be started; only a draft can")
        }
        guard let campaign = try await services.campaigns.find(workspaceID: test.workspaceID, id: test.campaignID) else {
            throw APIError.notFound("the A/B test's campaign")
        }
        try await checkSendable(test, campaign: campaign)
        try await store.start(test)
        let started = try await self.test(id: test.id, workspaceID: test.workspaceID)
        // The planner's warnings (design section 8): a test that cannot detect a realistic lift, or arms too small to decide.
        let warnings = try await ABTestPlanner.warnings(for: started, services: services)
        return try JSONResponse.make(StartedTest(test: started, warnings: warnings))
    }

    /// What `POST /api/campaigns/{id}/schedule` checks, for the campaign and for each variation as if it were the
    /// campaign (errors name `variations[i].…`), then the test-wide rules of creation (one account and category, a
    /// tracked link for clicks), since a template may have changed since. A halted account is refused too: the test's
    /// clock would run while nothing can be sent.
    func checkSendable(_ test: ABTest, campaign: Campaign) async throws {
        let commands = CampaignCommands(services: services, workspaces: WorkspaceStore(database: services.database))
        try await commands.checkSendable(campaign)
        for variation in test.variations {
            var asCampaign = campaign
            asCampaign.templateID = variation.templateID
            asCampaign.variables = variation.variables
            asCampaign.mediaID = variation.mediaID
            asCampaign.ctaURL = variation.ctaURL
            do { try await commands.checkSendable(asCampaign) } catch let error as APIError {
                throw APIError(error.status, error.code, error.message, field: error.field.map { "variations[\(variation.position)].\($0)" })
            }
        }
        _ = try await ABTestInput.check(
            test.variations,
            accountID: campaign.accountID,
            metric: test.settings.successMetric,
            workspaceID: test.workspaceID,
            services: services
        )
        if let accountID = campaign.accountID, let account = try await services.accounts.find(workspaceID: test.workspaceID, id: accountID),
            account.status != "active"
        {
            throw APIError(
                .conflict,
                "account_halted",
                "the WhatsApp account is halted (\(account.statusReason ?? "see alerts")); resume the account in Settings first",
                field: "account_id"
            )
        }
    }
}

/// The answer of start: the test with the planner's warnings beside it.
struct StartedTest: Encodable {
    let test: ABTest
    let warnings: [String]

    func encode(to encoder: any Encoder) throws {
        try test.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(warnings, forKey: .warnings)
    }

    enum Keys: String, CodingKey { case warnings }
}
