import Foundation
import SQLKit
import Testing

@testable import HeraldApp

/// `GET /api/ab-tests/{id}/results` and the counts behind it (design section 4): messages count once they have had
/// their outcome window, with only the events inside it; a STOP is a reply but not a success.
@Suite("A/B tests: results")
struct ABTestResultsTests {
    /// One hand-made test message: its variation (index), when it was accepted and when each event happened, relative
    /// to `now`, in seconds (nil: never).
    struct Row {
        var arm: Int
        var accepted: TimeInterval?
        var delivered: TimeInterval? = nil
        var read: TimeInterval? = nil
        var clicked: TimeInterval? = nil
        var replied: TimeInterval? = nil
        var optedOut: TimeInterval? = nil
        var status = "accepted"
    }

    /// Creates a running, frozen test of two (or more) variations with the given metric and a one-hour window, and
    /// inserts one contact and one test message per row. Returns the test.
    /// `remaining` contacts are frozen outside the test (the first of them opted out since), for the winner's send.
    static func running(
        _ f: ABTestFixture, name: String = "Spring wording", metric: String = "click", variations: [String]? = nil, extra: String = "", rows: [Row],
        remaining: Int = 0, now: Date
    ) async throws -> ABTest {
        let created = try await f.app.request(
            .post, "/api/ab-tests/create",
            json: f.body(
                variations ?? [f.variation("A", "spring_sale"), f.variation("B", "spring_sale_bold")], name: name,
                extra: #","success_metric":"\#(metric)""# + extra
            )
        )
        #expect(created.status == .created, "\(created.text)")
        let testID = UUID(uuidString: created.json["id"].string!)!
        let campaignID = UUID(uuidString: created.json["campaign_id"].string!)!
        let variationIDs = created.json["variations"].array.map { UUID(uuidString: $0["id"].string!)! }
        let workspaceID = f.app.workspace.id
        // Phones unique across calls in one workspace.
        let base = try await f.count("contacts")
        try await f.app.database.transaction { sql in
            let started = now.addingTimeInterval(-7200)
            try await sql.raw(
                """
                UPDATE ab_tests SET status = 'running', started_at = \(bind: started), ends_at = \(bind: started.addingTimeInterval(86400)),
                    frozen_at = \(bind: started), test_queued_at = \(bind: started), next_evaluation_at = \(bind: started) WHERE id = \(bind: testID)
                """
            ).run()
            try await sql.raw("UPDATE campaigns SET status = 'sending', started_at = \(bind: started) WHERE id = \(bind: campaignID)").run()
            func at(_ offset: TimeInterval?) -> Date? { offset.map { now.addingTimeInterval($0) } }
            for (index, row) in rows.enumerated() {
                let contactID = UUID.timeOrdered()
                try await sql.raw(
                    """
                    INSERT INTO contacts (id, workspace_id, phone, tags, attributes, consent_status, created_at, updated_at)
                    VALUES (\(bind: contactID), \(bind: workspaceID), \(bind: "+49170\(String(format: "%07d", base + index))"), '[]', '{}', 'opted_in',
                        \(bind: now), \(bind: now))
                    """
                ).run()
                try await sql.raw(
                    """
                    INSERT INTO ab_test_assignments (ab_test_id, contact_id, bucket, in_test, variation_id)
                    VALUES (\(bind: testID), \(bind: contactID), \(bind: index), \(bind: true), \(bind: variationIDs[row.arm]))
                    """
                ).run()
                try await sql.raw(
                    """
                    INSERT INTO messages (id, workspace_id, campaign_id, contact_id, phone, status, click_token, next_attempt_at, variation_id,
                        ab_phase, accepted_at, delivered_at, read_at, clicked_at, replied_at, opted_out_at, created_at, updated_at)
                    VALUES (\(bind: UUID.timeOrdered()), \(bind: workspaceID), \(bind: campaignID), \(bind: contactID), '+49', \(bind: row.status),
                        \(bind: "r\(base + index)"), \(bind: now), \(bind: variationIDs[row.arm]), 'test', \(bind: at(row.accepted)), \(bind: at(row.delivered)),
                        \(bind: at(row.read)), \(bind: at(row.clicked)), \(bind: at(row.replied)), \(bind: at(row.optedOut)), \(bind: now), \(bind: now))
                    """
                ).run()
            }
            for index in 0..<remaining {
                let contactID = UUID.timeOrdered()
                try await sql.raw(
                    """
                    INSERT INTO contacts (id, workspace_id, phone, tags, attributes, consent_status, created_at, updated_at)
                    VALUES (\(bind: contactID), \(bind: workspaceID), \(bind: "+49171\(String(format: "%07d", base + index))"), '[]', '{}',
                        \(bind: index == 0 ? "opted_out" : "opted_in"), \(bind: now), \(bind: now))
                    """
                ).run()
                try await sql.raw(
                    """
                    INSERT INTO ab_test_assignments (ab_test_id, contact_id, bucket, in_test, variation_id)
                    VALUES (\(bind: testID), \(bind: contactID), \(bind: 1_000_000 + index), \(bind: false), NULL)
                    """
                ).run()
            }
        }
        return try await ABTestStore(database: f.app.database, campaigns: f.app.services.messaging.campaigns)
            .find(workspaceID: workspaceID, id: testID)!
    }

    @Test("only messages past their window count, with only the events inside it", arguments: Engine.available)
    func windows(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let now = Date()
            let hour: TimeInterval = 3600
            let test = try await Self.running(f, rows: [
                // A: exposed and clicked inside the hour; exposed and clicked after it; not yet exposed though clicked.
                Row(arm: 0, accepted: -2 * hour, delivered: -2 * hour + 5, read: -2 * hour + 60, clicked: -2 * hour + 1800),
                Row(arm: 0, accepted: -2 * hour, delivered: -2 * hour + 5, clicked: -2 * hour + 5400),
                Row(arm: 0, accepted: -1800, clicked: -1700),
                // B: one exposed without a click, one still queued, one failed.
                Row(arm: 1, accepted: -hour - 1),
                Row(arm: 1, accepted: nil, status: "queued"),
                Row(arm: 1, accepted: nil, status: "failed"),
            ], now: now)
            let results = try await ABTestResultsReader(database: app.database).results(for: test, now: now)
            let a = results.variations[0]
            let b = results.variations[1]
            #expect([a.messages, a.sent, a.delivered, a.read, a.clicked] == [3, 3, 2, 1, 3] as [Int])
            #expect([a.exposed, a.successes] == [2, 1] as [Int])
            #expect(a.rate == 0.5)
            #expect([b.messages, b.sent, b.failed, b.exposed, b.successes] == [3, 1, 1, 1, 0] as [Int])
            #expect(a.assigned == 3 && b.assigned == 3)
            #expect(a.rates.clicked.rate == 1.0 && b.rates.clicked.rate == 0)
            #expect(b.lift?.absolute == -0.5)
            #expect(a.lift == nil)
            #expect(results.verdict.state == "not_enough_data")
            #expect(results.leader == test.variations[0].id)
            #expect(results.timeLeftSeconds! > 20 * 3600)
            // An hour later the third message of A has had its window too.
            let later = try await ABTestResultsReader(database: app.database).results(for: test, now: now.addingTimeInterval(hour))
            #expect([later.variations[0].exposed, later.variations[0].successes] == [3, 2] as [Int])
        }
    }

    @Test("a STOP is a reply but not a success, and opt-outs are shown per variation", arguments: Engine.available)
    func replies(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let now = Date()
            let test = try await Self.running(f, metric: "reply", rows: [
                Row(arm: 0, accepted: -7200, replied: -7000),
                Row(arm: 0, accepted: -7200, replied: -7000, optedOut: -7000),
                Row(arm: 1, accepted: -7200, replied: -7100, optedOut: -7100),
                // A genuine reply, then a STOP: the reply still counts.
                Row(arm: 1, accepted: -7200, replied: -7150, optedOut: -7100),
            ], now: now)
            let results = try await ABTestResultsReader(database: app.database).results(for: test, now: now)
            #expect([results.variations[0].replied, results.variations[0].successes, results.variations[0].optedOut] == [2, 1, 1] as [Int])
            #expect([results.variations[1].replied, results.variations[1].successes, results.variations[1].optedOut] == [2, 1, 2] as [Int])
        }
    }

    @Test("a clearly better variation is named the winner; the answer is JSON any member can read", arguments: Engine.available)
    func winner(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let now = Date()
            // 400 per arm: A clicks 10 %, B 30 %.
            let rows = (0..<800).map { i in
                let arm = i % 2
                let clicked = (i / 2) % 10 < (arm == 0 ? 1 : 3)
                return Row(arm: arm, accepted: -7200, clicked: clicked ? -7000 : nil)
            }
            let test = try await Self.running(f, rows: rows, now: now)
            let response = try await app.request(.get, "/api/ab-tests/\(test.id)/results")
            #expect(response.status == .ok, "\(response.text)")
            let json = response.json
            #expect(json["verdict"]["state"].string == "winner")
            #expect(json["verdict"]["variation_id"].string == test.variations[1].id.uuidString.lowercased())
            #expect(json["leader"].string == test.variations[1].id.uuidString.lowercased())
            #expect(json["variations"].array.map { $0["exposed"].number } == [400, 400] as [Double?])
            #expect(json["variations"][1]["lift"]["relative"].number.map { abs($0 - 2) < 1e-9 } == true)
            #expect(json["variations"][1]["adjusted_p"].number.map { $0 < 0.05 } == true)
            #expect(json["variations"][1]["probability_best"].number.map { $0 > 0.99 } == true)
            #expect(json["srm"]["ok"] == .bool(true))
            #expect(json["metric"].string == "click")
            let missing = try await app.request(.get, "/api/ab-tests/\(UUID())/results")
            expectError(missing, .notFound)
        }
    }
}
