import Foundation
import SQLKit
import Testing

@testable import HeraldApp

/// `POST /api/ab-tests/{id}/start` (design section 2): the test runs and its campaign is scheduled now, in one transaction.
@Suite("A/B tests: start")
struct ABTestStartTests {
    @Test(
        "starting a draft test runs it for its duration and schedules its campaign now; the send loop then starts the campaign",
        arguments: Engine.available
    )
    func start(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestStartFixture.make(app)
            let before = Date().addingTimeInterval(-1)
            let response = try await f.start()
            #expect(response.status == .ok, "\(response.text)")
            let test = response.json
            #expect(test["id"].string == f.id)
            #expect(test["status"].string == "running")
            // A handful of contacts split three ways: the planner warns that Herald will not decide by itself.
            #expect(test["warnings"].array.contains { $0.string?.contains("decides by itself only once every variation has 100") == true }, "\(test["warnings"])")
            #expect(test["variations"].array.count == 3)
            let started = try #require(test["started_at"].string.flatMap(Self.date))
            let ends = try #require(test["ends_at"].string.flatMap(Self.date))
            #expect(started >= before && started <= Date().addingTimeInterval(1))
            #expect(abs(ends.timeIntervalSince(started) - 24 * 3600) < 1, "ends_at = started_at + duration_hours")
            #expect(try await app.request(.get, "/api/ab-tests/\(f.id)").json["status"].string == "running")

            let campaign = try await f.campaign()
            #expect(campaign["status"].string == "scheduled", "\(campaign)")
            let scheduled = try #require(campaign["scheduled_at"].string.flatMap(Self.date))
            #expect(scheduled <= Date() && scheduled >= before)

            try await f.housekeeping()
            #expect(try await f.campaign()["status"].string == "sending")
            let jobs = try await app.database.read { sql in
                try await sql.raw("SELECT payload FROM jobs WHERE kind = \(bind: CampaignStartJob.kind)").all().map {
                    try $0.decode(column: "payload", as: String.self)
                }
            }
            #expect(jobs.count == 1 && jobs[0].contains(f.campaignID.uuidString), "\(jobs)")
        }
    }

    @Test("a test starts once: a second start is 409 invalid_transition and changes nothing", arguments: Engine.available)
    func startTwice(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestStartFixture.make(app)
            let first = try await f.start()
            #expect(first.status == .ok, "\(first.text)")
            let second = try await f.start()
            expectError(second, .conflict, code: "invalid_transition")
            #expect(second.json["error"]["field"] == .null)
            let read = try await app.request(.get, "/api/ab-tests/\(f.id)").json
            #expect(read["started_at"] == first.json["started_at"])
            #expect(try await f.campaign()["status"].string == "scheduled")
        }
    }

    @Test("a viewer cannot start a test", arguments: Engine.available)
    func viewer(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestStartFixture.make(app)
            let viewer = try await app.request(.post, "/api/api-keys", json: #"{"name":"Read only","role":"viewer"}"#).json["secret"].string!
            expectError(try await f.start(key: viewer), .forbidden)
            #expect(try await app.request(.get, "/api/ab-tests/\(f.id)").json["status"].string == "draft")
            #expect(try await f.campaign()["status"].string == "draft")
        }
    }

    @Test("start runs the campaign's pre-flight for every variation: an unapproved template is 409 naming the variation", arguments: Engine.available)
    func preflight(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestStartFixture.make(app)
            let pending = f.variationIDs[2]
            try await app.database.transaction { sql in
                try await sql.raw(
                    "UPDATE templates SET status = 'PAUSED' WHERE id = (SELECT template_id FROM ab_test_variations WHERE id = \(bind: pending))"
                ).run()
            }
            expectError(try await f.start(), .conflict, code: "template_not_approved", field: "variations[2].template_id")
            #expect(try await app.request(.get, "/api/ab-tests/\(f.id)").json["status"].string == "draft")
            #expect(try await f.campaign()["status"].string == "draft")
        }
    }

    @Test("start of an unknown test is 404", arguments: Engine.available)
    func unknown(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            expectError(try await app.request(.post, "/api/ab-tests/\(UUID().uuidString)/start"), .notFound)
        }
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}
