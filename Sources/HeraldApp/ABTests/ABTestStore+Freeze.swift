import Experiments
import Foundation
import SQLKit
import Storage

/// The freeze's rows (design section 2, "Freeze"): assignments, the cut into arms, the test messages.
extension ABTestStore {
    /// Before the freeze completed, deletes what a crashed attempt left so the audience is resolved afresh, and answers
    /// true; once `frozen_at` is set, answers false and touches nothing. The test row is locked, so this cannot
    /// interleave with a concurrent attempt's ``cut(_:resolved:at:)``.
    func startOver(testID: UUID) async throws -> Bool {
        let d = database.dialect
        return try await database.transaction { sql in
            let row = try await sql.raw("SELECT frozen_at FROM ab_tests WHERE id = \(bind: testID)\(d.forUpdate)").first()
            guard let row, try row.decode(column: "frozen_at", as: Date?.self) == nil else { return false }
            try await sql.raw("DELETE FROM ab_test_assignments WHERE ab_test_id = \(bind: testID)").run()
            return true
        }
    }

    /// Adds contacts to the (not yet frozen) audience with their buckets, outside the test for now.
    func insertAssignments(testID: UUID, contacts: [UUID]) async throws {
        guard !contacts.isEmpty else { return }
        try await database.transaction { sql in
            try await sql.insertRows(
                "INSERT INTO ab_test_assignments (ab_test_id, contact_id, bucket, in_test) VALUES ",
                contacts,
                tail: " ON CONFLICT (ab_test_id, contact_id) DO NOTHING"
            ) { contact in
                "(\(bind: testID), \(bind: contact), \(bind: Assignment.bucket(testID: testID, contactID: contact)), \(bind: false))"
            }
        }
    }

    /// Cuts the resolved audience by rank in bucket order, the first ranks into the arms in position order, and sets
    /// `frozen_at` with the sizes, all in one transaction: after it the assignment never changes. `resolved` is how many
    /// contacts this attempt inserted; another count means a concurrent attempt interfered, and the freeze is refused
    /// (the job's retry starts over). Returns the sizes, or nil when the test was already frozen.
    func cut(_ plan: ABTestFreezePlan, resolved: Int, at now: Date = Date()) async throws -> ArmSizes? {
        let d = database.dialect
        return try await database.transaction { sql in
            let row = try await sql.raw("SELECT frozen_at FROM ab_tests WHERE id = \(bind: plan.testID)\(d.forUpdate)").first()
            guard let row, try row.decode(column: "frozen_at", as: Date?.self) == nil else { return nil }
            let count = try await sql.raw("SELECT COUNT(*) AS n FROM ab_test_assignments WHERE ab_test_id = \(bind: plan.testID)").first()?
                .decode(column: "n", as: Int.self) ?? 0
            guard count == resolved else { throw FreezeInterrupted(testID: plan.testID, expected: resolved, found: count) }
            let sizes = Assignment.armSizes(audience: count, testPercentage: plan.testPercentage, shares: plan.arms.map(\.share))
            if sizes.testAudience > 0 {
                // Ranks are 1-based here: arm k takes ranks (end of arm k-1, end of arm k]; an empty arm is never chosen.
                var arm: SQLQueryString = "CASE"
                var end = 0
                // A bandit's test audience is all in_test, but only its first batch gets variations (NULL past the last WHEN).
                let cutArms =
                    plan.allocation == .thompson ? ABTestBandit.firstBatch(testAudience: sizes.testAudience, arms: sizes.arms.count) : sizes.arms
                for (position, size) in cutArms.enumerated() {
                    end += size
                    arm.appendInterpolation(" WHEN r.position <= \(bind: end) THEN \(bind: plan.arms[position].id)" as SQLQueryString)
                }
                arm.appendLiteral(" END")
                try await sql.raw(
                    """
                    UPDATE ab_test_assignments SET in_test = \(bind: true), variation_id = \(arm)
                    FROM (SELECT contact_id, ROW_NUMBER() OVER (ORDER BY bucket, contact_id) AS position
                          FROM ab_test_assignments WHERE ab_test_id = \(bind: plan.testID)) r
                    WHERE ab_test_assignments.ab_test_id = \(bind: plan.testID) AND ab_test_assignments.contact_id = r.contact_id
                      AND r.position <= \(bind: sizes.testAudience)
                    """
                ).run()
            }
            try await sql.raw(
                """
                UPDATE ab_tests SET frozen_at = \(bind: now), audience_size = \(bind: sizes.audience),
                    test_audience_size = \(bind: sizes.testAudience), updated_at = \(bind: now)
                WHERE id = \(bind: plan.testID)
                """
            ).run()
            return sizes
        }
    }

    /// Queues one test message per test contact, with its variation and a click token, a page at a time, each page in
    /// its own transaction. Safe to repeat: a contact already messaged by this campaign is skipped. The remaining
    /// audience gets nothing here: the winner send does that.
    func queueTestMessages(_ plan: ABTestFreezePlan, campaign: Campaign, pageSize: Int = 5000) async throws {
        var after: UUID?
        while true {
            let cursor: SQLQueryString = after.map { " AND a.contact_id > \(bind: $0)" } ?? ""
            let page = try await database.read { sql in
                try await sql.raw(
                    """
                    SELECT a.contact_id, a.variation_id, c.phone, c.bsuid FROM ab_test_assignments a JOIN contacts c ON c.id = a.contact_id
                    WHERE a.ab_test_id = \(bind: plan.testID) AND a.in_test = \(bind: true) AND a.variation_id IS NOT NULL\(cursor)
                    ORDER BY a.contact_id LIMIT \(bind: pageSize)
                    """
                ).all().map { row in
                    (
                        contact: try row.decode(column: "contact_id", as: UUID.self),
                        variation: try row.decode(column: "variation_id", as: UUID.self),
                        address: ContactAddress(
                            phone: try row.decode(column: "phone", as: String?.self),
                            bsuid: try row.decode(column: "bsuid", as: String?.self)
                        )
                    )
                }
            }
            guard let last = page.last else { break }
            after = last.contact
            let now = Date()
            try await database.transaction { sql in
                try await sql.insertRows(
                    """
                    INSERT INTO messages (id, workspace_id, campaign_id, contact_id, phone, bsuid, status, click_token, next_attempt_at,
                        variation_id, ab_phase, created_at, updated_at)
                    VALUES 
                    """,
                    page,
                    tail: " ON CONFLICT (campaign_id, contact_id) DO NOTHING"
                ) { row in
                    """
                    (\(bind: UUID.timeOrdered(at: now)), \(bind: campaign.workspaceID), \(bind: campaign.id), \(bind: row.contact),
                    \(bind: row.address.phone), \(bind: row.address.sentBSUID), 'queued', \(bind: ClickToken.make()), \(bind: now),
                    \(bind: row.variation), 'test', \(bind: now), \(bind: now))
                    """
                }
            }
            if page.count < pageSize { break }
        }
    }

    /// Marks the test messages queued (once) and due for its first evaluation; returns how many messages the campaign has.
    func markTestQueued(_ plan: ABTestFreezePlan, campaignID: UUID, at now: Date = Date()) async throws -> Int {
        try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE ab_tests SET test_queued_at = \(bind: now), next_evaluation_at = \(bind: now), updated_at = \(bind: now)
                WHERE id = \(bind: plan.testID) AND test_queued_at IS NULL
                """
            ).run()
            return try await sql.raw("SELECT COUNT(*) AS n FROM messages WHERE campaign_id = \(bind: campaignID)").first()?
                .decode(column: "n", as: Int.self) ?? 0
        }
    }
}

/// Another attempt changed a test's assignments while this one resolved them; the job's retry starts over.
struct FreezeInterrupted: Error, CustomStringConvertible {
    let testID: UUID
    let expected: Int
    let found: Int
    var description: String { "the audience of test \(testID) changed during its freeze (\(expected) resolved, \(found) stored); starting over" }
}
