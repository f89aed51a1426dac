import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import SQLKit
import ServiceLifecycle
import Testing

@testable import HeraldApp

@Suite("A/B test live results")
struct ABTestEventsTests {
    @Test("the stream says when to reconnect, then sends the results document as GET results answers it", arguments: Engine.available)
    func firstEvent(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let id = try await Self.createTest(app)
            let stream = try await app.request(.get, "/api/ab-tests/\(id)/results/events?limit=1")
            #expect(stream.status == .ok, "\(stream.text)")
            #expect(stream.headers[.contentType] == "text/event-stream")
            #expect(stream.headers[.cacheControl] == "no-store")
            let frames = Self.frames(stream.text)
            #expect(frames.count == 2, "\(stream.text)")
            #expect(frames.first == ["retry": ["3000"]])
            let event = try #require(frames.last)
            #expect(event["event"] == ["results"])
            #expect(event["id"] == ["0-1"], "no looks yet, the first event")
            #expect(event["data"]?.count == 1, "the document on one line")
            let live = try JSONValue.parse(Data((event["data"]?.first ?? "").utf8))
            let fetched = try await app.request(.get, "/api/ab-tests/\(id)/results").json
            #expect(live["as_of"].string != nil)
            #expect(Self.withoutTime(live) == Self.withoutTime(fetched))
            #expect(live["variations"].array.count == 2)
        }
    }

    @Test("an unknown test is a 404 and a bad limit a 400, as JSON, before any stream starts", arguments: Engine.available)
    func refusals(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let id = try await Self.createTest(app)
            expectError(try await app.request(.get, "/api/ab-tests/\(UUID())/results/events"), .notFound, code: "not_found")
            expectError(try await app.request(.get, "/api/ab-tests/nonsense/results/events"), .notFound)
            for limit in ["0", "x", "1001"] {
                expectError(try await app.request(.get, "/api/ab-tests/\(id)/results/events?limit=\(limit)"), .badRequest, field: "limit")
            }
            expectError(try await app.request(.get, "/api/ab-tests/\(id)/results/events?limit=1", key: ""), .unauthorized)
        }
    }

    @Test("a viewer watches through the console's session cookie", arguments: Engine.available)
    func viewerSession(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let id = try await Self.createTest(app)
            let (cookie, _) = try await WebConsoleTests.signIn(app, email: "viewer@acme.test", role: .viewer)
            let stream = try await app.request(.get, "/api/ab-tests/\(id)/results/events?limit=1", key: "", headers: [.cookie: cookie])
            #expect(stream.status == .ok, "\(stream.text)")
            #expect(Self.frames(stream.text).last?["event"] == ["results"])
        }
    }

    @Test("a change is sent as the next event, and a test that is over sends its final results and ends the stream", arguments: Engine.available)
    func changeThenEnd(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let id = try await Self.createTest(app)
            let started = ContinuousClock.now
            async let streamed = app.request(.get, "/api/ab-tests/\(id)/results/events")
            try await Task.sleep(for: .milliseconds(300))
            try await app.database.transaction { sql in
                try await sql.raw("UPDATE ab_tests SET status = 'cancelled' WHERE id = \(bind: UUID(uuidString: id)!)").run()
            }
            let stream = try await streamed
            let events = Array(Self.frames(stream.text).dropFirst())
            let statuses = events.map { try? JSONValue.parse(Data(($0["data"]?.first ?? "").utf8))["status"].string }
            // On a loaded machine the update can land before the stream's first reading: then the one event is the final
            // one. Either way the stream ends on the cancelled test. (LiveFeed's own tests pin send-on-change exactly.)
            if events.count == 2 {
                #expect(events.map { $0["id"] } == [["0-1"], ["0-2"]], "\(stream.text)")
                #expect(statuses == ["draft", "cancelled"])
            } else {
                #expect(events.map { $0["id"] } == [["0-1"]], "\(stream.text)")
                #expect(statuses == ["cancelled"])
            }
            #expect(ContinuousClock.now - started < .seconds(20), "ended by the test's end, not by the 60 s cap")
        }
    }

    @Test("many viewers of one test cost one query a second, and a failed query is not kept")
    func cache() async throws {
        let cache = ABTestResultsCache(lifetime: .milliseconds(300))
        let loads = NIOLockedValueBox(0)
        let testID = UUID()
        let load: @Sendable () async throws -> ABTestResults = {
            loads.withLockedValue { $0 += 1 }
            try await Task.sleep(for: .milliseconds(50))
            return Self.results(looks: loads.withLockedValue { $0 })
        }
        let looks = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 { group.addTask { try await cache.results(for: testID, load: load).looks } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(loads.withLockedValue { $0 } == 1)
        #expect(Set(looks) == [1], "every viewer got the one reading")
        #expect(try await cache.results(for: UUID(), load: load).looks == 2, "another test has its own reading")
        try await Task.sleep(for: .milliseconds(400))
        #expect(try await cache.results(for: testID, load: load).looks == 3, "read again once a reading is older than its lifetime")

        struct Broken: Error {}
        let other = UUID()
        await #expect(throws: Broken.self) { try await cache.results(for: other, load: { throw Broken() }) }
        #expect(try await cache.results(for: other, load: load).looks == 4)
    }

    // MARK: - helpers

    /// A draft test of the fixture's two wordings; its id.
    static func createTest(_ app: TestApp) async throws -> String {
        let f = try await ABTestFixture.make(app)
        let created = try await app.request(
            .post,
            "/api/ab-tests/create",
            json: f.body([f.variation("A", "spring_sale"), f.variation("B", "spring_sale_bold")])
        )
        #expect(created.status == .created, "\(created.text)")
        return try #require(created.json["id"].string)
    }

    /// The stream cut into frames at blank lines, each a field name → values (in order; `data` may repeat).
    static func frames(_ text: String) -> [[String: [String]]] {
        text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { frame in
            var fields: [String: [String]] = [:]
            for line in frame.split(separator: "\n", omittingEmptySubsequences: false) {
                let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let value = parts.count > 1 ? String(parts[1].drop { $0 == " " }) : ""
                fields[String(parts[0]), default: []].append(value)
            }
            return fields
        }
    }

    static func withoutTime(_ results: JSONValue) -> JSONValue {
        guard case .object(var fields) = results else { return results }
        fields["as_of"] = nil
        fields["time_left_seconds"] = nil
        return .object(fields)
    }

    static func results(looks: Int, status: ABTestStatus = .running) -> ABTestResults {
        ABTestResults(
            asOf: Date(),
            status: status,
            timeLeftSeconds: nil,
            metric: .click,
            outcomeWindowSeconds: 3600,
            variations: [],
            srm: nil,
            looks: looks,
            leader: nil,
            verdict: .init(state: "keep_going", variationId: nil, explanation: "")
        )
    }
}
