import Foundation
import SQLKit
import Storage

extension ABTestStore {
    /// Stores a new test with its variations and its campaign (new, or an existing draft now mirroring the control) in
    /// one transaction, so a refused request stores nothing.
    func create(_ test: ABTest, campaign: Campaign, newCampaign: Bool) async throws {
        let d = database.dialect
        try await database.transaction { sql in
            if newCampaign {
                try await campaigns.insert(campaign, in: sql)
            } else {
                // Locked, so a schedule or a second test cannot slip in between the check and the insert.
                let row = try await sql.raw(
                    "SELECT status FROM campaigns WHERE id = \(bind: campaign.id) AND workspace_id = \(bind: campaign.workspaceID)\(d.forUpdate)"
                ).first()
                guard let row, try CampaignStore.status(row) == .draft else { throw ABTestStore.campaignNotDraft }
                if try await Self.hasTest(campaignID: campaign.id, in: sql) { throw ABTestStore.campaignHasTest }
                try await campaigns.update(campaign, in: sql)
            }
            try await sql.raw(
                """
                INSERT INTO ab_tests (id, workspace_id, campaign_id, name, status, test_percentage, duration_hours, success_metric,
                    outcome_window_seconds, auto_send_winner, inconclusive_policy, allocation, created_at, updated_at)
                VALUES (\(bind: test.id), \(bind: test.workspaceID), \(bind: test.campaignID), \(bind: test.name), \(bind: test.status.rawValue),
                    \(bind: test.settings.testPercentage), \(bind: test.settings.durationHours), \(bind: test.settings.successMetric.rawValue),
                    \(bind: test.settings.outcomeWindowSeconds), \(bind: test.settings.autoSendWinner),
                    \(bind: test.settings.inconclusivePolicy.rawValue), \(bind: test.settings.allocation.rawValue), \(bind: test.createdAt), \(bind: test.updatedAt))
                """
            ).run()
            try await insertVariations(of: test, in: sql)
        }
    }

    /// Saves a changed draft: its settings, its campaign, and its variations replaced whole.
    func replaceDraft(_ test: ABTest, campaign: Campaign) async throws {
        try await database.transaction { sql in
            let updated = try await sql.raw(
                """
                UPDATE ab_tests SET name = \(bind: test.name), test_percentage = \(bind: test.settings.testPercentage),
                    duration_hours = \(bind: test.settings.durationHours), success_metric = \(bind: test.settings.successMetric.rawValue),
                    outcome_window_seconds = \(bind: test.settings.outcomeWindowSeconds), auto_send_winner = \(bind: test.settings.autoSendWinner),
                    inconclusive_policy = \(bind: test.settings.inconclusivePolicy.rawValue),
                    allocation = \(bind: test.settings.allocation.rawValue), updated_at = \(bind: test.updatedAt)
                WHERE id = \(bind: test.id) AND workspace_id = \(bind: test.workspaceID) AND status = 'draft'
                RETURNING id
                """
            ).first()
            guard updated != nil else { throw APIError(.conflict, "not_editable", "only a draft test can be changed this way") }
            try await campaigns.update(campaign, in: sql)
            try await sql.raw("DELETE FROM ab_test_variations WHERE ab_test_id = \(bind: test.id)").run()
            try await insertVariations(of: test, in: sql)
        }
    }

    private func insertVariations(of test: ABTest, in sql: any SQLDatabase) async throws {
        let d = database.dialect
        // The database caps positions at 0–4 and each share at 1–99; their sum is checked here, in the same transaction.
        guard test.variations.map(\.share).reduce(0, +) == 100 else {
            throw APIError.invalid("variations", "shares must add up to 100", code: "shares_do_not_add_up")
        }
        for v in test.variations {
            try await sql.raw(
                """
                INSERT INTO ab_test_variations (id, workspace_id, ab_test_id, position, name, share, template_id, template_name, template_language,
                    variables, media_id, cta_url, created_at, updated_at)
                VALUES (\(bind: v.id), \(bind: test.workspaceID), \(bind: test.id), \(bind: v.position), \(bind: v.name), \(bind: v.share),
                    \(bind: v.templateID), \(bind: v.templateName), \(bind: v.templateLanguage), \(d.json(CampaignStore.json(v.variables))),
                    \(bind: v.mediaID), \(bind: v.ctaURL), \(bind: test.updatedAt), \(bind: test.updatedAt))
                """
            ).run()
        }
    }

    static let campaignNotDraft = APIError(
        .conflict,
        "campaign_not_draft",
        "only a draft campaign can become an A/B test",
        field: "campaign_id"
    )
    static let campaignHasTest = APIError(.conflict, "campaign_has_test", "this campaign already has an A/B test", field: "campaign_id")
}
