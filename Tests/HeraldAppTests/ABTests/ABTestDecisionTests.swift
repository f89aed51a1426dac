import Foundation
import SQLKit
import Storage
import Testing

@testable import HeraldApp

/// The decision worker, the winner's send, the manual decision, stop and config while running (design section 5).
@Suite("A/B tests: decisions")
struct ABTestDecisionTests {
    typealias Row = ABTestResultsTests.Row

    /// 400 test messages per arm, exposed two hours ago: A clicks `a` in 10, B `b` in 10.
    static func rows(a: Int = 1, b: Int = 3, perArm: Int = 400) -> [Row] {
        (0..<(2 * perArm)).map { i in
            let arm = i % 2
            let clicked = (i / 2) % 10 < (arm == 0 ? a : b)
            return Row(arm: arm, accepted: -7200, clicked: clicked ? -7000 : nil)
        }
    }

    static func worker(_ app: TestApp, owner: String = "w1") -> ABTestWorker {
        ABTestWorker(
            database: app.database, store: ABTestStore(database: app.database, campaigns: app.services.messaging.campaigns), interval: 0.2,
            logger: TestDatabase.logger, owner: owner
        )
    }

    /// Runs the queued winner sends, as the job worker in `herald serve` does.
    static func runWinnerJobs(_ app: TestApp) async throws {
        let worker = JobWorker(queue: app.services.jobs, handlers: [ABTestWinnerJob(database: app.database)], logger: TestDatabase.logger)
        while let job = try await app.services.jobs.claim(owner: worker.owner, kinds: [ABTestWinnerJob.kind]) {
            await worker.execute(job, handler: worker.handlers[job.kind]!)
        }
    }

    static func value<T: Decodable & Sendable>(_ app: TestApp, _ query: SQLQueryString, _ column: String = "v", as: T.Type = T.self) async throws -> T {
        try await app.database.read { sql in try await sql.raw(query).first()!.decode(column: column, as: T.self) }
    }

    static func find(_ f: ABTestFixture, _ id: UUID) async throws -> ABTest {
        try await ABTestStore(database: f.app.database, campaigns: f.app.services.messaging.campaigns).find(workspaceID: f.app.workspace.id, id: id)!
    }

    /// Winner messages per variation name.
    static func winnerMessages(_ f: ABTestFixture, _ test: ABTest) async throws -> [String: Int] {
        let rows = try await f.app.database.read { sql in
            try await sql.raw(
                """
                SELECT v.name, COUNT(*) AS n FROM messages m JOIN ab_test_variations v ON v.id = m.variation_id
                WHERE m.campaign_id = \(bind: test.campaignID) AND m.ab_phase = 'winner' GROUP BY v.name
                """
            ).all()
        }
        var counts: [String: Int] = [:]
        for row in rows { counts[try row.decode(column: "name", as: String.self)] = try row.decode(column: "n", as: Int.self) }
        return counts
    }

    @Test("a clearly better variation is declared by the worker and sent to the opted-in rest of the audience", arguments: Engine.available)
    func automaticWinner(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let now = Date()
            let test = try await ABTestResultsTests.running(f, rows: Self.rows(), remaining: 30, now: now)
            #expect(try await Self.worker(app).evaluateDue(now: now))
            let decided = try await Self.find(f, test.id)
            #expect(decided.status == .completed)
            #expect(decided.winnerVariationID == test.variations[1].id)
            #expect(decided.decision?.kind == "sequential")
            #expect(decided.decision?.by == "herald")
            #expect(decided.decision?.reason?.isEmpty == false)
            #expect(try await Self.value(app, "SELECT COUNT(*) AS v FROM ab_test_looks WHERE ab_test_id = \(bind: test.id)", as: Int.self) == 1)
            #expect(try await Self.value(app, "SELECT looks AS v FROM ab_tests WHERE id = \(bind: test.id)", as: Int.self) == 1)
            #expect(try await Self.value(app, "SELECT winner_send AS v FROM ab_tests WHERE id = \(bind: test.id)", as: String.self) == "pending")
            // The campaign does not complete while the winner waits to be queued.
            try await Self.runWinnerJobs(app)
            #expect(try await Self.winnerMessages(f, test) == ["B": 29])
            #expect(try await Self.value(app, "SELECT winner_send AS v FROM ab_tests WHERE id = \(bind: test.id)", as: String.self) == "queued")
            #expect(try await Self.value(app, "SELECT audience_size AS v FROM campaigns WHERE id = \(bind: test.campaignID)", as: Int.self) == 829)
            // A second run of the job adds nothing; nobody in the test gets a second message.
            try await app.database.transaction { sql in
                try await sql.raw("UPDATE ab_tests SET winner_send = 'pending' WHERE id = \(bind: test.id)").run()
                try await JobQueue.enqueue(
                    sql, dialect: app.database.dialect, workspaceID: app.workspace.id, kind: ABTestWinnerJob.kind,
                    payload: #"{"ab_test_id":"\#(test.id.uuidString.lowercased())"}"#
                )
            }
            try await Self.runWinnerJobs(app)
            #expect(try await Self.value(app, "SELECT COUNT(*) AS v FROM messages WHERE campaign_id = \(bind: test.campaignID)", as: Int.self) == 829)
            // Nothing is due any more.
            #expect(try await !Self.worker(app).evaluateDue(now: now.addingTimeInterval(5)))
        }
    }

    @Test("with manual sending a winner is only recommended, with an alert; not enough data keeps the test running", arguments: Engine.available)
    func manualMode(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let now = Date()
            let small = try await ABTestResultsTests.running(f, rows: Self.rows(perArm: 50), now: now)
            #expect(try await Self.worker(app).evaluateDue(now: now))
            #expect(try await Self.find(f, small.id).status == .running)
            #expect(try await Self.value(app, "SELECT COUNT(*) AS v FROM ab_test_looks WHERE ab_test_id = \(bind: small.id)", as: Int.self) == 1)
            // Due again only after the interval.
            #expect(try await !Self.worker(app).evaluateDue(now: now))
            try await app.database.transaction { sql in try await sql.raw("UPDATE ab_tests SET status = 'cancelled' WHERE id = \(bind: small.id)").run() }

            let manual = try await ABTestResultsTests.running(
                f, name: "Manual", extra: #","auto_send_winner":false"#, rows: Self.rows(), remaining: 5, now: now
            )
            #expect(try await Self.worker(app).evaluateDue(now: now))
            let decided = try await Self.find(f, manual.id)
            #expect(decided.status == .deciding)
            #expect(decided.recommendedVariationID == manual.variations[1].id)
            #expect(decided.winnerVariationID == nil)
            #expect(try await Self.value(app, "SELECT COUNT(*) AS v FROM alerts WHERE kind = 'ab_test_needs_decision'", as: Int.self) == 1)
            #expect(try await Self.winnerMessages(f, manual).isEmpty)
            let results = try await app.request(.get, "/api/ab-tests/\(manual.id)/results")
            #expect(results.json["verdict"]["state"].string == "needs_decision")
        }
    }

    @Test("a manual decision wins over the worker, and may replace an automatic one until a winner message is attempted", arguments: Engine.available)
    func manualWins(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let now = Date()
            let test = try await ABTestResultsTests.running(f, rows: Self.rows(), remaining: 10, now: now)
            let a = test.variations[0].id.uuidString.lowercased()
            // The worker claims the test, then a person decides before it writes.
            let worker = Self.worker(app)
            let declared = try await app.request(.post, "/api/ab-tests/\(test.id)/declare-winner", json: #"{"variation_id":"\#(a)","reason":"brand voice"}"#)
            #expect(declared.status == .ok, "\(declared.text)")
            #expect(declared.json["status"].string == "completed")
            #expect(declared.json["winner_variation_id"].string == a)
            #expect(declared.json["decision"]["kind"].string == "manual")
            #expect(declared.json["decision"]["reason"].string?.contains("brand voice") == true)
            // The worker finds nothing due: the test is no longer running.
            #expect(try await !worker.evaluateDue(now: now))
            #expect(try await Self.find(f, test.id).winnerVariationID == test.variations[0].id)
            try await Self.runWinnerJobs(app)
            #expect(try await Self.winnerMessages(f, test) == ["A": 9])
            // Replace it while the winner messages are still queued.
            let b = test.variations[1].id.uuidString.lowercased()
            let replaced = try await app.request(.post, "/api/ab-tests/\(test.id)/declare-winner", json: #"{"variation_id":"\#(b)"}"#)
            #expect(replaced.status == .ok, "\(replaced.text)")
            #expect(try await Self.winnerMessages(f, test) == ["B": 9])
            // Once one is attempted, no more.
            try await app.database.transaction { sql in
                try await sql.raw(
                    """
                    UPDATE messages SET status = 'sending' WHERE id = (SELECT id FROM messages WHERE campaign_id = \(bind: test.campaignID)
                      AND ab_phase = 'winner' ORDER BY id LIMIT 1)
                    """
                ).run()
            }
            let late = try await app.request(.post, "/api/ab-tests/\(test.id)/declare-winner", json: #"{"variation_id":"\#(a)"}"#)
            expectError(late, .conflict, code: "winner_already_sending", field: "variation_id")
            #expect(try await Self.winnerMessages(f, test) == ["B": 9])
            // Bad input.
            expectError(try await app.request(.post, "/api/ab-tests/\(test.id)/declare-winner", json: #"{}"#), .unprocessableContent, field: "variation_id")
            expectError(
                try await app.request(.post, "/api/ab-tests/\(test.id)/declare-winner", json: #"{"variation_id":"\#(UUID())"}"#),
                .unprocessableContent, field: "variation_id"
            )
        }
    }

    @Test("a worker that lost the race to a person writes nothing; two workers never both look", arguments: Engine.available)
    func races(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let now = Date()
            let test = try await ABTestResultsTests.running(f, rows: Self.rows(), now: now)
            let claimed = try await Self.find(f, test.id)
            // w1 holds the lease: w2 finds nothing due.
            try await app.database.transaction { sql in
                try await sql.raw(
                    "UPDATE ab_tests SET evaluation_owner = 'w1', evaluation_lease_until = \(bind: now.addingTimeInterval(60)) WHERE id = \(bind: test.id)"
                ).run()
            }
            #expect(try await !Self.worker(app, owner: "w2").evaluateDue(now: now))
            // A person decides while w1 computes: w1's write is refused and rolled back, look included.
            let a = test.variations[0].id.uuidString.lowercased()
            #expect(try await app.request(.post, "/api/ab-tests/\(test.id)/declare-winner", json: #"{"variation_id":"\#(a)"}"#).status == .ok)
            await #expect(throws: ABTestStore.DecisionError.superseded) { try await Self.worker(app, owner: "w1").evaluate(claimed, now: now) }
            let after = try await Self.find(f, test.id)
            #expect(after.winnerVariationID == test.variations[0].id && after.decision?.kind == "manual")
            #expect(try await Self.value(app, "SELECT COUNT(*) AS v FROM ab_test_looks WHERE ab_test_id = \(bind: test.id)", as: Int.self) == 0)
        }
    }

    @Test("stop cancels the test and its campaign; config while running allows only the duration and pausing", arguments: Engine.available)
    func stopAndConfig(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let now = Date()
            let test = try await ABTestResultsTests.running(f, rows: [Row(arm: 0, accepted: nil, status: "queued"), Row(arm: 1, accepted: -10)], now: now)
            let path = "/api/ab-tests/\(test.id)/config"
            let rows = try await f.rows()
            expectError(try await app.request(.put, path, json: #"{"test_percentage":50}"#), .conflict, code: "not_editable_while_running", field: "test_percentage")
            expectError(try await app.request(.put, path, json: #"{"duration_hours":2,"name":"x"}"#), .conflict, code: "not_editable_while_running", field: "name")
            expectError(try await app.request(.put, path, json: #"{"duration_hours":0}"#), .unprocessableContent, field: "duration_hours")
            #expect(try await f.rows() == rows)
            #expect(try await Self.find(f, test.id).settings.durationHours == 24)
            let longer = try await app.request(.put, path, json: #"{"duration_hours":48}"#)
            #expect(longer.status == .ok, "\(longer.text)")
            let longerTest = try await Self.find(f, test.id)
            #expect(longerTest.settings.durationHours == 48)
            #expect(abs(longerTest.endsAt!.timeIntervalSince(longerTest.startedAt!) - 48 * 3600) < 1)
            let paused = try await app.request(.put, path, json: #"{"paused":true}"#)
            #expect(paused.json["status"].string == "paused", "\(paused.text)")
            #expect(try await Self.value(app, "SELECT status AS v FROM campaigns WHERE id = \(bind: test.campaignID)", as: String.self) == "paused")
            #expect(try await !Self.worker(app).evaluateDue(now: now))
            let resumed = try await app.request(.put, path, json: #"{"paused":false}"#)
            #expect(resumed.json["status"].string == "running", "\(resumed.text)")
            #expect(try await Self.value(app, "SELECT status AS v FROM campaigns WHERE id = \(bind: test.campaignID)", as: String.self) == "sending")

            let viewerKey = try await app.request(.post, "/api/api-keys", json: #"{"name":"Read only","role":"viewer"}"#).json["secret"].string!
            let viewer = try await app.request(.post, "/api/ab-tests/\(test.id)/stop", key: viewerKey)
            expectError(viewer, .forbidden)
            let stopped = try await app.request(.post, "/api/ab-tests/\(test.id)/stop")
            #expect(stopped.json["status"].string == "cancelled", "\(stopped.text)")
            #expect(try await Self.value(app, "SELECT status AS v FROM campaigns WHERE id = \(bind: test.campaignID)", as: String.self) == "cancelled")
            #expect(
                try await Self.value(
                    app, "SELECT COUNT(*) AS v FROM messages WHERE campaign_id = \(bind: test.campaignID) AND status = 'queued'", as: Int.self
                ) == 0
            )
            expectError(try await app.request(.post, "/api/ab-tests/\(test.id)/stop"), .conflict, code: "invalid_transition")
            expectError(try await app.request(.put, path, json: #"{"duration_hours":30}"#), .conflict)
            let a = test.variations[0].id.uuidString.lowercased()
            expectError(
                try await app.request(.post, "/api/ab-tests/\(test.id)/declare-winner", json: #"{"variation_id":"\#(a)"}"#), .conflict,
                code: "invalid_transition"
            )
        }
    }

    @Test("at the end without a clear winner the policy applies: control, leader, or a person", arguments: Engine.available)
    func horizon(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let now = Date()
            // Equal rates: nothing to find. The test ended an hour ago and every message has had its window.
            for (policy, expected) in [("control", ABTestStatus.completed), ("manual", .deciding)] {
                let test = try await ABTestResultsTests.running(
                    f, name: policy, extra: #","inconclusive_policy":"\#(policy)""#, rows: Self.rows(a: 2, b: 2, perArm: 150), now: now
                )
                try await app.database.transaction { sql in
                    try await sql.raw("UPDATE ab_tests SET ends_at = \(bind: now.addingTimeInterval(-3600)) WHERE id = \(bind: test.id)").run()
                }
                #expect(try await Self.worker(app).evaluateDue(now: now))
                let decided = try await Self.find(f, test.id)
                #expect(decided.status == expected, "\(policy)")
                if policy == "control" {
                    #expect(decided.winnerVariationID == test.variations[0].id)
                    #expect(decided.decision?.kind == "policy")
                } else {
                    #expect(decided.recommendedVariationID != nil)
                }
            }
        }
    }
}

extension ABTestDecisionTests {
    @Test("a tested campaign is changed, started, paused and stopped only through its test", arguments: Engine.available)
    func campaignRoutesRefuse(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let created = try await app.request(.post, "/api/ab-tests/create", json: f.body([f.variation("A", "spring_sale"), f.variation("B", "spring_sale_bold")]))
            let campaign = created.json["campaign_id"].string!
            expectError(try await app.request(.patch, "/api/campaigns/\(campaign)", json: #"{"name":"Other"}"#), .conflict, code: "managed_by_ab_test")
            expectError(try await app.request(.post, "/api/campaigns/\(campaign)/schedule"), .conflict, code: "managed_by_ab_test")
            expectError(try await app.request(.post, "/api/campaigns/\(campaign)/cancel"), .conflict, code: "managed_by_ab_test")
            #expect(try await Self.value(app, "SELECT status AS v FROM campaigns WHERE id = \(bind: UUID(uuidString: campaign)!)", as: String.self) == "draft")
            let running = try await ABTestResultsTests.running(f, name: "Running", rows: [Row(arm: 0, accepted: -10)], now: Date())
            expectError(try await app.request(.post, "/api/campaigns/\(running.campaignID)/pause"), .conflict, code: "managed_by_ab_test")
            #expect(try await Self.value(app, "SELECT status AS v FROM campaigns WHERE id = \(bind: running.campaignID)", as: String.self) == "sending")
        }
    }
}

extension ABTestDecisionTests {
    @Test("a test whose end came with nothing to compare waits for a person instead of running forever", arguments: Engine.available)
    func emptyAtHorizon(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let now = Date()
            let test = try await ABTestResultsTests.running(f, rows: [Row(arm: 0, accepted: nil, status: "failed")], now: now)
            try await app.database.transaction { sql in
                try await sql.raw("UPDATE ab_tests SET ends_at = \(bind: now.addingTimeInterval(-60)) WHERE id = \(bind: test.id)").run()
            }
            #expect(try await Self.worker(app).evaluateDue(now: now))
            let decided = try await Self.find(f, test.id)
            #expect(decided.status == .deciding)
            #expect(decided.decision?.reason?.contains("without any message") == true)
        }
    }
}

extension ABTestDecisionTests {
    @Test("choosing a winner resumes a paused campaign, after which the campaign's own routes work again", arguments: Engine.available)
    func declareResumes(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let test = try await ABTestResultsTests.running(
                f, rows: [Row(arm: 0, accepted: -10), Row(arm: 1, accepted: nil, status: "queued")], remaining: 3, now: Date()
            )
            let status = { try await Self.value(app, "SELECT status AS v FROM campaigns WHERE id = \(bind: test.campaignID)", as: String.self) }
            #expect(try await app.request(.put, "/api/ab-tests/\(test.id)/config", json: #"{"paused":true}"#).status == .ok)
            #expect(try await status() == "paused")
            let a = test.variations[0].id.uuidString.lowercased()
            let declared = try await app.request(
                .post, "/api/ab-tests/\(test.id)/declare-winner", json: #"{"variation_id":"\#(a)","send_to_remaining":false}"#
            )
            #expect(declared.status == .ok, "\(declared.text)")
            #expect(try await status() == "sending", "the queued test message must still go out")
            #expect(try await app.request(.post, "/api/campaigns/\(test.campaignID)/pause").status == .ok)
            #expect(try await status() == "paused")
            // Keeping a queued winner from the rest is stopping the campaign, not a decision without a send.
            let other = try await ABTestResultsTests.running(f, name: "Second", rows: [Row(arm: 0, accepted: -10)], remaining: 3, now: Date())
            #expect(try await app.request(.post, "/api/ab-tests/\(other.id)/declare-winner", json: #"{"variation_id":"\#(other.variations[1].id)"}"#).status == .ok)
            let noSend = try await app.request(
                .post, "/api/ab-tests/\(other.id)/declare-winner", json: #"{"variation_id":"\#(other.variations[0].id)","send_to_remaining":false}"#
            )
            expectError(noSend, .conflict, code: "winner_already_queued", field: "send_to_remaining")
        }
    }

    @Test("a winner send whose job stopped is queued again by the worker, and then goes out", arguments: Engine.available)
    func stalledWinnerSend(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let now = Date()
            let test = try await ABTestResultsTests.running(f, rows: Self.rows(), remaining: 6, now: now)
            #expect(try await Self.worker(app).evaluateDue(now: now))
            // The job fails (as the job queue ends any job that threw).
            try await app.database.transaction { sql in
                try await sql.raw("UPDATE jobs SET status = 'failed' WHERE kind = \(bind: ABTestWinnerJob.kind)").run()
            }
            let worker = Self.worker(app)
            #expect(try await worker.requeueStalledWinnerSends(now: now) == 0, "not before the delay")
            #expect(try await worker.requeueStalledWinnerSends(now: now.addingTimeInterval(120)) == 1)
            #expect(try await worker.requeueStalledWinnerSends(now: now.addingTimeInterval(120)) == 0, "one live job is enough")
            try await Self.runWinnerJobs(app)
            #expect(try await Self.winnerMessages(f, test) == ["B": 5])
            #expect(try await Self.value(app, "SELECT winner_send AS v FROM ab_tests WHERE id = \(bind: test.id)", as: String.self) == "queued")
        }
    }
}
