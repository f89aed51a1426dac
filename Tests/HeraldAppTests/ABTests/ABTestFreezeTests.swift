import Experiments
import Foundation
import SQLKit
import Testing

@testable import HeraldApp

/// The freeze of a started test's audience (design section 2, "Freeze"): stored assignments, the test messages, and a
/// campaign that does not complete before its test is decided.
@Suite("A/B tests: audience freeze")
struct ABTestFreezeTests {
    /// Starts the test and runs the send loop's housekeeping and the start job once.
    static func started(_ app: TestApp, testPercentage: Int = 40) async throws -> ABTestStartFixture {
        let f = try await ABTestStartFixture.make(app, testPercentage: testPercentage)
        let response = try await f.start()
        #expect(response.status == .ok, "\(response.text)")
        try await f.housekeeping()
        try await f.runStartJobs()
        return f
    }

    @Test(
        "the start job assigns every eligible contact by its bucket, cuts exact arms by rank, and queues one test message per test contact",
        arguments: Engine.available
    )
    func freeze(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await Self.started(app)
            let eligible = try await f.eligibleContacts()
            #expect(eligible.count == 60, "60 opted-in contacts without a +1 number")
            let expected = try await f.expectedAssignment(testPercentage: 40, shares: [50, 30, 20])
            let stored = try await f.assignments()
            #expect(stored == expected, "the stored assignment is the pure recomputation")
            #expect(stored.filter(\.inTest).count == 24, "40 % of 60")
            #expect(f.variationIDs.map { v in stored.filter { $0.variationId == v }.count } == [12, 7, 5], "24 × 50/30/20 by largest remainder")

            let state = try await f.freezeState()
            #expect(state.frozen != nil && state.queued != nil && state.nextEvaluation != nil)
            #expect(state.audience == 60)
            #expect(state.testAudience == 24)

            let messages = try await f.messages()
            #expect(messages.count == 24, "the remaining audience gets nothing until the winner is sent")
            for row in stored where row.inTest {
                let message = try #require(messages[row.contactId])
                #expect(message.variation == row.variationId)
                #expect(message.phase == "test")
                #expect(message.token?.count == 12)
            }
            let campaign = try await f.campaign()
            #expect(campaign["audience_size"].number == 24, "the test messages, for now")
            #expect(campaign["status"].string == "sending")
        }
    }

    @Test("opted-out, unknown-consent and +1 contacts are never assigned to a MARKETING test", arguments: Engine.available)
    func consent(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await Self.started(app, testPercentage: 100)
            let assigned = Set(try await f.assignments().map(\.contactId))
            let left = try await app.database.read { sql in
                try await sql.raw(
                    """
                    SELECT id FROM contacts WHERE workspace_id = \(bind: app.workspace.id) AND (consent_status <> 'opted_in' OR phone LIKE '+1%')
                    """
                ).all().map { try $0.decode(column: "id", as: UUID.self) }
            }
            #expect(left.count == 8)
            #expect(assigned.isDisjoint(with: left))
            #expect(assigned == Set(try await f.eligibleContacts()))
            #expect(Set(try await f.messages().keys) == assigned, "100 %: every assigned contact gets a test message")
        }
    }

    @Test("running the start job again, or after its messages were deleted, adds nothing twice and keeps the arms", arguments: Engine.available)
    func rerun(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await Self.started(app)
            let assignment = try await f.assignments()
            let messages = try await f.messages().mapValues(\.variation)
            let frozen = try await f.freezeState().frozen

            try await f.enqueueStartJob()
            try await f.runStartJobs()
            #expect(try await f.assignments() == assignment)
            #expect(try await f.messages().mapValues(\.variation) == messages)

            // A crash after the freeze but before the messages were queued: the arms stay, the messages come back.
            try await app.database.transaction { sql in
                try await sql.raw("DELETE FROM messages WHERE campaign_id = \(bind: f.campaignID)").run()
            }
            try await f.enqueueStartJob()
            try await f.runStartJobs()
            #expect(try await f.assignments() == assignment)
            #expect(try await f.messages().mapValues(\.variation) == messages)
            #expect(try await f.freezeState().frozen == frozen, "after frozen_at the assignment never changes")
        }
    }

    @Test("a start job retried before the freeze completed starts over from a fresh resolution", arguments: Engine.available)
    func retryBeforeFreeze(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestStartFixture.make(app)
            #expect(try await f.start().status == .ok)
            try await f.housekeeping()
            // A crashed attempt left rows behind: one for a contact who has since opted out, all marked as test contacts.
            let stale = try await f.eligibleContacts()[0]
            try await app.database.transaction { sql in
                try await sql.raw(
                    """
                    INSERT INTO ab_test_assignments (ab_test_id, contact_id, bucket, in_test, variation_id)
                    VALUES (\(bind: f.testID), \(bind: stale), 7, \(bind: true), \(bind: f.variationIDs[1]))
                    """
                ).run()
                try await sql.raw("UPDATE contacts SET consent_status = 'opted_out' WHERE id = \(bind: stale)").run()
            }
            try await f.runStartJobs()
            let stored = try await f.assignments()
            #expect(!stored.contains { $0.contactId == stale })
            #expect(stored == (try await f.expectedAssignment(testPercentage: 40, shares: [50, 30, 20])))
            #expect(stored.count == 59)
        }
    }

    @Test("a test whose audience segment is gone holds its campaign, as a campaign's start does, and freezes nothing", arguments: Engine.available)
    func unresolvable(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let base = try await ABTestFixture.make(app)
            let created = try await app.request(
                .post,
                "/api/ab-tests/create",
                json: base.body([base.variation("A", "spring_sale"), base.variation("B", "spring_sale_bold")])
            )
            #expect(created.status == .created, "\(created.text)")
            let f = ABTestStartFixture(base: base, test: created.json)
            #expect(try await f.start().status == .ok)
            try await f.housekeeping()
            try await app.database.transaction { sql in
                try await sql.raw("DELETE FROM segments WHERE id = \(bind: UUID(uuidString: base.segmentID)!)").run()
            }
            try await f.runStartJobs()
            let campaign = try await f.campaign()
            #expect(campaign["status"].string == "paused", "\(campaign)")
            #expect(campaign["status_reason"].string?.hasPrefix("held: the audience cannot be resolved") == true, "\(campaign)")
            #expect(try await f.assignments().isEmpty)
            #expect(try await f.messages().isEmpty)
            #expect(try await f.freezeState().frozen == nil)
        }
    }

    @Test("a campaign does not complete while its test is undecided or its winner not yet queued", arguments: Engine.available)
    func completionGuard(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await Self.started(app)
            try await app.database.transaction { sql in
                try await sql.raw("UPDATE messages SET status = 'sent' WHERE campaign_id = \(bind: f.campaignID)").run()
            }
            try await f.housekeeping()
            #expect(try await f.campaign()["status"].string == "sending", "every test message is out, but the test runs")

            let winner = f.variationIDs[1]
            for (status, winnerSend) in [("deciding", "none"), ("paused", "none"), ("completed", "pending")] {
                try await app.database.transaction { sql in
                    let chosen: UUID? = status == "completed" ? winner : nil
                    try await sql.raw(
                        """
                        UPDATE ab_tests SET status = \(bind: status), winner_send = \(bind: winnerSend), winner_variation_id = \(bind: chosen)
                        WHERE id = \(bind: f.testID)
                        """
                    ).run()
                }
                let moved = try await app.database.transaction { sql in
                    try await CampaignStore.perform(.complete, on: .doneSending, in: sql)
                }
                #expect(moved.isEmpty, "test \(status), winner send \(winnerSend)")
            }
            try await app.database.transaction { sql in
                try await sql.raw("UPDATE ab_tests SET winner_send = 'queued' WHERE id = \(bind: f.testID)").run()
            }
            try await f.housekeeping()
            #expect(try await f.campaign()["status"].string == "completed", "decided and the winner queued (and sent): done")
        }
    }
}
