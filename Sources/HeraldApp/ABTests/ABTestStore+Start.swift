import Foundation
import SQLKit
import Storage

extension ABTestStore {
    /// Starts a draft test in one transaction (design section 2): the test runs from `now` for its duration, and its
    /// campaign is scheduled for `now` through the campaign's own `schedule` action, so the send loop starts it and
    /// queues `campaign.start` (which freezes the audience) as for any campaign. A test that is no longer a draft, or a
    /// campaign that can no longer be scheduled, is 409 `invalid_transition` and nothing changes.
    func start(_ test: ABTest, at now: Date = Date()) async throws {
        let d = database.dialect
        try await database.transaction { sql in
            let row = try await sql.raw(
                "SELECT status, duration_hours FROM ab_tests WHERE id = \(bind: test.id) AND workspace_id = \(bind: test.workspaceID)\(d.forUpdate)"
            ).first()
            guard let row else { throw APIError.notFound("the A/B test") }
            let status = try row.decode(column: "status", as: String.self)
            guard status == ABTestStatus.draft.rawValue else {
                throw APIError(.conflict, "invalid_transition", "a \(status) test cannot be started; only a draft can")
            }
            let hours = try row.decode(column: "duration_hours", as: Int.self)
            try await sql.raw(
                """
                UPDATE ab_tests SET status = 'running', started_at = \(bind: now), ends_at = \(bind: now.addingTimeInterval(Double(hours) * 3600)),
                    updated_at = \(bind: now)
                WHERE id = \(bind: test.id) AND status = 'draft'
                """
            ).run()
            try await sql.raw(
                """
                UPDATE campaigns SET scheduled_at = \(bind: now), updated_at = \(bind: now)
                WHERE id = \(bind: test.campaignID) AND workspace_id = \(bind: test.workspaceID) AND status = 'draft'
                """
            ).run()
            let moved = try await CampaignStore.perform(
                .schedule, on: .one(workspaceID: test.workspaceID, id: test.campaignID), at: now, in: sql
            )
            guard !moved.isEmpty else {
                throw APIError(.conflict, "invalid_transition", "the test's campaign is no longer a draft, so the test cannot start")
            }
        }
    }

    /// What the freeze needs of the test on `campaignID`, or nil when the campaign has no test.
    func freezePlan(campaignID: UUID) async throws -> ABTestFreezePlan? {
        try await database.read { sql in
            guard
                let row = try await sql.raw(
                    "SELECT id, status, test_percentage, allocation, frozen_at FROM ab_tests WHERE campaign_id = \(bind: campaignID)"
                ).first()
            else { return nil }
            let id = try row.decode(column: "id", as: UUID.self)
            let arms = try await sql.raw(
                "SELECT id, share FROM ab_test_variations WHERE ab_test_id = \(bind: id) ORDER BY position"
            ).all().map { ABTestFreezePlan.Arm(id: try $0.decode(column: "id", as: UUID.self), share: try $0.decode(column: "share", as: Int.self)) }
            return ABTestFreezePlan(
                testID: id,
                status: ABTestStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .draft,
                testPercentage: try row.decode(column: "test_percentage", as: Int.self),
                arms: arms,
                allocation: ABTestAllocation(rawValue: try row.decode(column: "allocation", as: String.self)) ?? .fixed
            )
        }
    }
}

/// A test as its freeze sees it: the percentage and the variations' shares, in position order (0 is the control).
struct ABTestFreezePlan: Sendable {
    struct Arm: Sendable {
        let id: UUID
        let share: Int
    }

    let testID: UUID
    let status: ABTestStatus
    let testPercentage: Int
    let arms: [Arm]
    /// Under `thompson` the freeze gives variations only to the first batch (ABTestStore+Bandit.swift).
    var allocation = ABTestAllocation.fixed
}
