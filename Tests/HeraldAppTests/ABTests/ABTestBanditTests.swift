import Experiments
import Foundation
import SQLKit
import Storage
import Testing

@testable import HeraldApp

/// The optional Thompson-sampling bandit (`allocation = thompson`; issue 11 item 10, design section 11 item 14): the
/// API, the freeze of a first batch, the next batches at the looks, and a decision only at the horizon.
@Suite("A/B tests: Thompson-sampling bandit")
struct ABTestBanditTests {
    typealias Row = ABTestResultsTests.Row

    static func threeVariations(_ f: ABTestFixture) -> [String] {
        [f.variation("A", "spring_sale"), f.variation("B", "spring_sale_bold"), f.variation("C", "spring_sale_soft")]
    }

    /// A running bandit test of A, B and C: `perArm` messages per arm exposed two hours ago with A, B and C clicking
    /// `clicks` of them, and `unallocated` test contacts still waiting for a variation.
    static func running(
        _ f: ABTestFixture,
        name: String = "Bandit",
        clicks: [Int],
        perArm: Int = 100,
        unallocated: Int,
        extra: String = "",
        now: Date
    ) async throws -> ABTest {
        let rows = (0..<(3 * perArm)).map { i in
            let arm = i % 3
            return Row(arm: arm, accepted: -7200, clicked: i / 3 < clicks[arm] ? -7000 : nil)
        }
        let test = try await ABTestResultsTests.running(
            f,
            name: name,
            variations: threeVariations(f),
            extra: #","allocation":"thompson""# + extra,
            rows: rows,
            now: now
        )
        #expect(test.settings.allocation == .thompson)
        let base = try await f.count("contacts")
        try await f.app.database.transaction { sql in
            for index in 0..<unallocated {
                let contactID = UUID.timeOrdered()
                try await sql.raw(
                    """
                    INSERT INTO contacts (id, workspace_id, phone, tags, attributes, consent_status, created_at, updated_at)
                    VALUES (\(bind: contactID), \(bind: f.app.workspace.id), \(bind: "+49172\(String(format: "%07d", base + index))"), '[]', '{}',
                        'opted_in', \(bind: now), \(bind: now))
                    """
                ).run()
                try await sql.raw(
                    """
                    INSERT INTO ab_test_assignments (ab_test_id, contact_id, bucket, in_test, variation_id)
                    VALUES (\(bind: test.id), \(bind: contactID), \(bind: 500_000 + index), \(bind: true), NULL)
                    """
                ).run()
            }
        }
        return test
    }

    /// Test messages per variation position.
    static func testMessages(_ f: ABTestFixture, _ test: ABTest) async throws -> [Int] {
        var counts: [Int] = []
        for variation in test.variations {
            counts.append(
                try await ABTestDecisionTests.value(
                    f.app,
                    """
                    SELECT COUNT(*) AS v FROM messages
                    WHERE campaign_id = \(bind: test.campaignID) AND ab_phase = 'test' AND variation_id = \(bind: variation.id)
                    """,
                    as: Int.self
                )
            )
        }
        return counts
    }

    static func unallocated(_ f: ABTestFixture, _ test: ABTest) async throws -> Int {
        try await ABTestDecisionTests.value(
            f.app,
            "SELECT COUNT(*) AS v FROM ab_test_assignments WHERE ab_test_id = \(bind: test.id) AND in_test = \(bind: true) AND variation_id IS NULL",
            as: Int.self
        )
    }

    @Test(
        "allocation is fixed by default, thompson needs 3+ variations (422 on allocation, nothing stored), and it is returned",
        arguments: Engine.available
    )
    func api(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let two = [f.variation("A", "spring_sale"), f.variation("B", "spring_sale_bold")]
            let before = try await f.rows()
            let refused = try await app.request(.post, "/api/ab-tests/create", json: f.body(two, extra: #","allocation":"thompson""#))
            expectError(refused, .unprocessableContent, code: "bandit_needs_three_variations", field: "allocation")
            expectError(
                try await app.request(.post, "/api/ab-tests/create", json: f.body(Self.threeVariations(f), extra: #","allocation":"greedy""#)),
                .unprocessableContent,
                field: "allocation"
            )
            #expect(try await f.rows() == before)

            let fixed = try await app.request(.post, "/api/ab-tests/create", json: f.body(two, name: "Fixed"))
            #expect(fixed.status == .created, "\(fixed.text)")
            #expect(fixed.json["allocation"].string == "fixed")
            let fixedID = fixed.json["id"].string!
            expectError(
                try await app.request(.put, "/api/ab-tests/\(fixedID)/config", json: #"{"allocation":"thompson"}"#),
                .unprocessableContent,
                code: "bandit_needs_three_variations",
                field: "allocation"
            )

            let bandit = try await app.request(
                .post,
                "/api/ab-tests/create",
                json: f.body(Self.threeVariations(f), name: "Bandit", extra: #","allocation":"thompson""#)
            )
            #expect(bandit.status == .created, "\(bandit.text)")
            #expect(bandit.json["allocation"].string == "thompson")
            let id = bandit.json["id"].string!
            #expect(try await app.request(.get, "/api/ab-tests/\(id)").json["allocation"].string == "thompson")
            // Dropping to two variations in the draft is refused while it is a bandit; back to fixed it is fine.
            let toTwo = #"{"variations":[\#(two.joined(separator: ","))]}"#
            expectError(try await app.request(.put, "/api/ab-tests/\(id)/config", json: toTwo), .unprocessableContent, field: "allocation")
            let changed = try await app.request(.put, "/api/ab-tests/\(id)/config", json: #"{"allocation":"fixed"}"#)
            #expect(changed.status == .ok, "\(changed.text)")
            #expect(changed.json["allocation"].string == "fixed")
        }
    }

    @Test(
        "the freeze puts the whole test audience in the test but gives variations and messages only to a first batch of 20 %",
        arguments: Engine.available
    )
    func freezeFirstBatch(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestStartFixture.make(app, shares: nil)
            let config = try await app.request(.put, "/api/ab-tests/\(f.id)/config", json: #"{"allocation":"thompson"}"#)
            #expect(config.status == .ok, "\(config.text)")
            #expect(try await f.start().status == .ok)
            try await f.housekeeping()
            try await f.runStartJobs()
            let stored = try await f.assignments()
            // The same cut as a fixed test (40 % of 60 = 24, by bucket rank), all in the test.
            let expected = try await f.expectedAssignment(testPercentage: 40, shares: [34, 33, 33])
            #expect(stored.map(\.contactId) == expected.map(\.contactId))
            #expect(stored.map(\.inTest) == expected.map(\.inTest))
            #expect(stored.filter(\.inTest).count == 24)
            // The first batch: 20 % of 24 = 5, split equally by largest remainder (2/2/1), the first ranks in bucket order.
            let batch = stored.filter(\.inTest).prefix(5)
            #expect(f.variationIDs.map { v in batch.filter { $0.variationId == v }.count } == [2, 2, 1])
            #expect(stored.filter(\.inTest).dropFirst(5).allSatisfy { $0.variationId == nil })
            let messages = try await f.messages()
            #expect(messages.count == 5)
            for row in batch { #expect(messages[row.contactId]?.variation == row.variationId && messages[row.contactId]?.phase == "test") }
            #expect(try await f.freezeState().testAudience == 24)
        }
    }

    @Test("a look gives the next batch mostly to the better arm, every arm at least the floor, and decides nothing", arguments: Engine.available)
    func nextBatch(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let now = Date()
            // B clicks 40 % against 10 % and 12 %: a fixed test would stop here with B (see ABTestDecisionTests).
            let test = try await Self.running(f, clicks: [10, 40, 12], unallocated: 500, now: now)
            #expect(try await ABTestDecisionTests.worker(app).evaluateDue(now: now))
            let after = try await ABTestDecisionTests.find(f, test.id)
            #expect(after.status == .running && after.winnerVariationID == nil && after.decision == nil)
            // Test audience 800: a batch of 160, 80 % to B and the 10 % floor to A and C.
            let messages = try await Self.testMessages(f, test)
            #expect(messages == [116, 228, 116], "100 each before, then 16/128/16")
            #expect(try await Self.unallocated(f, test) == 340)
            #expect(try await ABTestDecisionTests.value(app, "SELECT looks AS v FROM ab_tests WHERE id = \(bind: test.id)", as: Int.self) == 1)

            // The new batch waits to be sent: the next look allocates nothing and still decides nothing.
            #expect(try await ABTestDecisionTests.worker(app).evaluateDue(now: now.addingTimeInterval(1)))
            #expect(try await Self.testMessages(f, test) == [116, 228, 116])
            #expect(try await ABTestDecisionTests.find(f, test.id).status == .running)

            let results = try await app.request(.get, "/api/ab-tests/\(test.id)/results")
            #expect(results.json["allocation"].string == "thompson")
            #expect(results.json["srm"] == .null)
            #expect(results.json["verdict"]["explanation"].string == ABTestBandit.label(.click))
            #expect(results.json["verdict"]["explanation"].string?.contains("it optimises clicks, it does not measure the difference") == true)
        }
    }

    @Test("with close arms the floor still holds and the leader gets the most", arguments: Engine.available)
    func floorHolds(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let now = Date()
            let test = try await Self.running(f, clicks: [10, 16, 13], unallocated: 700, now: now)
            #expect(try await ABTestDecisionTests.worker(app).evaluateDue(now: now))
            let batch = zip(try await Self.testMessages(f, test), [100, 100, 100]).map { $0 - $1 }
            #expect(batch.reduce(0, +) == 200)
            #expect(batch.allSatisfy { $0 >= 20 }, "\(batch)")
            #expect(batch[1] > batch[2] && batch[1] > batch[0], "\(batch)")
        }
    }

    @Test(
        "at the horizon the arm most likely best wins, labelled a bandit result; short of 95 % the inconclusive policy applies",
        arguments: Engine.available
    )
    func horizon(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let now = Date()
            let clear = try await Self.running(f, clicks: [10, 40, 12], unallocated: 0, now: now)
            // Before the planned end: overwhelming evidence, no decision.
            #expect(try await ABTestDecisionTests.worker(app).evaluateDue(now: now))
            #expect(try await ABTestDecisionTests.find(f, clear.id).status == .running)
            try await app.database.transaction { sql in
                try await sql.raw(
                    """
                    UPDATE ab_tests SET ends_at = \(bind: now.addingTimeInterval(-60)), next_evaluation_at = \(bind: now)
                    WHERE id = \(bind: clear.id)
                    """
                ).run()
            }
            #expect(try await ABTestDecisionTests.worker(app).evaluateDue(now: now.addingTimeInterval(1)))
            let decided = try await ABTestDecisionTests.find(f, clear.id)
            #expect(decided.status == .completed)
            #expect(decided.winnerVariationID == clear.variations[1].id)
            #expect(decided.decision?.kind == "horizon")
            #expect(decided.decision?.reason?.contains("Bandit result") == true)
            #expect(decided.decision?.reason?.contains("did not measure") == true)
            try await app.database.transaction { sql in
                try await sql.raw("UPDATE ab_tests SET status = 'cancelled' WHERE id = \(bind: clear.id)").run()
            }

            // Close arms at the horizon: under the control policy the control is kept.
            let close = try await Self.running(
                f,
                name: "Close",
                clicks: [10, 11, 10],
                unallocated: 0,
                extra: #","inconclusive_policy":"control""#,
                now: now
            )
            try await app.database.transaction { sql in
                try await sql.raw("UPDATE ab_tests SET ends_at = \(bind: now.addingTimeInterval(-60)) WHERE id = \(bind: close.id)").run()
            }
            #expect(try await ABTestDecisionTests.worker(app).evaluateDue(now: now))
            let kept = try await ABTestDecisionTests.find(f, close.id)
            #expect(kept.status == .completed)
            #expect(kept.winnerVariationID == close.variations[0].id)
            #expect(kept.decision?.kind == "policy")
            #expect(kept.decision?.reason?.contains("95 %") == true)
        }
    }

    @Test("unallocated contacts hold the horizon back even after the planned end", arguments: Engine.available)
    func horizonWaitsForAllocation(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let now = Date()
            let test = try await Self.running(f, clicks: [10, 40, 12], unallocated: 30, now: now)
            try await app.database.transaction { sql in
                try await sql.raw("UPDATE ab_tests SET ends_at = \(bind: now.addingTimeInterval(-60)) WHERE id = \(bind: test.id)").run()
            }
            #expect(try await ABTestDecisionTests.worker(app).evaluateDue(now: now))
            #expect(try await ABTestDecisionTests.find(f, test.id).status == .running)
            #expect(try await Self.unallocated(f, test) == 0, "the last 30 were allocated instead")
        }
    }

    @Test("a winner declared by hand mid-test goes to the test contacts not yet allocated, as to the remaining audience", arguments: Engine.available)
    func manualDecisionReachesUnallocated(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let test = try await Self.running(f, clicks: [10, 40, 12], unallocated: 25, now: Date())
            let b = test.variations[1].id.uuidString.lowercased()
            let declared = try await app.request(.post, "/api/ab-tests/\(test.id)/declare-winner", json: #"{"variation_id":"\#(b)"}"#)
            #expect(declared.status == .ok, "\(declared.text)")
            try await ABTestDecisionTests.runWinnerJobs(app)
            #expect(try await ABTestDecisionTests.winnerMessages(f, test) == ["B": 25])
            #expect(try await Self.testMessages(f, test) == [100, 100, 100])
        }
    }

    @Test("the console labels a bandit test as optimising, and the creation page offers the allocation for 3+ cards", arguments: Engine.available)
    func console(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let (cookie, _) = try await WebConsoleTests.signIn(app)
            let new = try await WebConsoleABTestsTests.page(app, "/ab-tests/new", cookie: cookie)
            #expect(new.contains(#"id="allocation-field" hidden"#) && new.contains(#"<option value="thompson">"#))
            let bandit = try await Self.running(f, clicks: [10, 40, 12], unallocated: 10, now: Date())
            let html = try await WebConsoleABTestsTests.page(app, "/ab-tests/\(bandit.id.uuidString.lowercased())", cookie: cookie)
            #expect(html.contains(#"id="bandit-label""#))
            #expect(html.contains("it optimises clicks, it does not measure the difference"))
            let fixed = try await ABTestResultsTests.running(f, name: "Fixed", rows: ABTestDecisionTests.rows(perArm: 5), now: Date())
            let plain = try await WebConsoleABTestsTests.page(app, "/ab-tests/\(fixed.id.uuidString.lowercased())", cookie: cookie)
            #expect(!plain.contains(#"id="bandit-label""#))
        }
    }

    @Test("a fixed test's results name its allocation and keep the ratio check", arguments: Engine.available)
    func fixedUnchanged(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let test = try await ABTestResultsTests.running(f, rows: ABTestDecisionTests.rows(), now: Date())
            let results = try await app.request(.get, "/api/ab-tests/\(test.id)/results")
            #expect(results.json["allocation"].string == "fixed")
            #expect(results.json["srm"]["ok"] == .bool(true))
        }
    }
}
