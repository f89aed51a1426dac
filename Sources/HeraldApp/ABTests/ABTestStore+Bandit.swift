import Experiments
import Foundation
import SQLKit
import Storage

/// The bandit's rows (ABTestBandit): how much of the test audience still waits for a variation, and the next batch.
extension ABTestStore {
    /// Test contacts of a bandit test not yet given a variation.
    static func unallocated(testID: UUID, in sql: any SQLDatabase) async throws -> Int {
        try await sql.raw(
            """
            SELECT COUNT(*) AS n FROM ab_test_assignments
            WHERE ab_test_id = \(bind: testID) AND in_test = \(bind: true) AND variation_id IS NULL
            """
        ).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// In the look's transaction: when test contacts still wait and every test message so far has been sent and has
    /// had its outcome window, gives the next ranks (bucket order) their variations by Thompson sampling over the
    /// arms' exposed and successes, and queues their messages (ab_phase `test`, inserted in contact order so the arms
    /// go out interleaved). Returns the batch per arm, or nil when it is not time yet.
    @discardableResult
    static func allocateNextBatch(_ test: ABTest, arms: [ThompsonAllocation.Arm], now: Date, in sql: any SQLDatabase) async throws -> [Int]? {
        let cutoff = now.addingTimeInterval(-Double(test.settings.outcomeWindowSeconds))
        guard
            let row = try await sql.raw(
                """
                SELECT COUNT(*) AS waiting,
                    (SELECT COUNT(*) FROM ab_test_assignments WHERE ab_test_id = \(bind: test.id) AND in_test = \(bind: true)) AS test_audience
                FROM messages WHERE campaign_id = \(bind: test.campaignID) AND ab_phase = 'test'
                  AND (status IN ('queued', 'sending') OR accepted_at > \(bind: cutoff))
                """
            ).first()
        else { return nil }
        guard try row.decode(column: "waiting", as: Int.self) == 0 else { return nil }
        let testAudience = try row.decode(column: "test_audience", as: Int.self)
        let unallocated = try await unallocated(testID: test.id, in: sql)
        guard unallocated > 0 else { return nil }
        let counts = ABTestBandit.nextBatch(
            testID: test.id,
            allocated: testAudience - unallocated,
            unallocated: unallocated,
            testAudience: testAudience,
            arms: arms
        )
        let contacts = try await sql.raw(
            """
            SELECT a.contact_id, c.phone, c.bsuid FROM ab_test_assignments a JOIN contacts c ON c.id = a.contact_id
            WHERE a.ab_test_id = \(bind: test.id) AND a.in_test = \(bind: true) AND a.variation_id IS NULL
            ORDER BY a.bucket, a.contact_id LIMIT \(bind: counts.reduce(0, +))
            """
        ).all().map { row in
            (
                contact: try row.decode(column: "contact_id", as: UUID.self),
                address: ContactAddress(
                    phone: try row.decode(column: "phone", as: String?.self),
                    bsuid: try row.decode(column: "bsuid", as: String?.self)
                )
            )
        }
        var batch: [(contact: UUID, address: ContactAddress, variation: UUID)] = []
        var start = 0
        for (position, size) in counts.enumerated() {
            let slice = contacts[min(start, contacts.count)..<min(start + size, contacts.count)]
            start += size
            let variation = test.variations[position].id
            for chunk in Array(slice).chunked(500) {
                try await sql.raw(
                    """
                    UPDATE ab_test_assignments SET variation_id = \(bind: variation)
                    WHERE ab_test_id = \(bind: test.id) AND variation_id IS NULL AND contact_id IN (\(binds: chunk.map(\.contact)))
                    """
                ).run()
            }
            batch += slice.map { ($0.contact, $0.address, variation) }
        }
        batch.sort { $0.contact.uuidString < $1.contact.uuidString }
        try await sql.insertRows(
            """
            INSERT INTO messages (id, workspace_id, campaign_id, contact_id, phone, bsuid, status, click_token, next_attempt_at,
                variation_id, ab_phase, created_at, updated_at)
            VALUES 
            """,
            batch,
            tail: " ON CONFLICT (campaign_id, contact_id) DO NOTHING"
        ) { row in
            """
            (\(bind: UUID.timeOrdered(at: now)), \(bind: test.workspaceID), \(bind: test.campaignID), \(bind: row.contact),
            \(bind: row.address.phone), \(bind: row.address.sentBSUID), 'queued', \(bind: ClickToken.make()), \(bind: now),
            \(bind: row.variation), 'test', \(bind: now), \(bind: now))
            """
        }
        return counts
    }
}

extension Array {
    fileprivate func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
