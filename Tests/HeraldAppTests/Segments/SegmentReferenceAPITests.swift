import Foundation
import Hummingbird
import HummingbirdTesting
import SQLKit
import Segments
import Storage
import Testing

@testable import HeraldApp

/// Segments that use other segments: oversized expansions and stale referenced rules are refused
/// with a 422 in the API, recorded on the refresh by the worker, and never crash campaign start.
@Suite("Segments used by other segments, through the API")
struct SegmentReferenceAPITests {
    static func usesRules(_ id: String, times: Int) -> String {
        let one = #"{"field":"segment","operator":"in_segment","value":"\#(id)"}"#
        return #"{"combinator":"or","children":[\#(Array(repeating: one, count: times).joined(separator: ","))]}"#
    }

    /// Saves a segment through the API and returns its id.
    func save(_ app: TestApp, _ name: String, kind: String = "dynamic", rules: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let created = try await app.request(.post, "/api/segments", json: #"{"name":"\#(name)","kind":"\#(kind)","rules":\#(rules)}"#)
        #expect(created.status == .created, "\(created.text)", sourceLocation: sourceLocation)
        return try #require(created.json["id"].string, sourceLocation: sourceLocation)
    }

    /// A test app with the segment suites' contacts, orders and events.
    static func withSegmentData(_ engine: Engine, _ body: @escaping @Sendable (TestApp) async throws -> Void) async throws {
        try await TestApp.with(engine) { app in
            _ = try await SegmentData.make(app)
            try await body(app)
        }
    }

    func segmentCount(_ app: TestApp) async throws -> Int {
        try await app.database.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM segments").first()!.decode(column: "n", as: Int.self) }
    }

    /// Runs the background refresh until `done` holds for the segment's JSON, then stops it.
    func refreshInBackground(_ app: TestApp, segmentID: String, until done: (JSONValue) -> Bool) async throws -> JSONValue {
        try await app.database.transaction { sql in try await SegmentStore.requestRefresh(workspaceID: app.workspace.id, in: sql) }
        let worker = SegmentRefreshWorker(segments: app.services.segments, interval: 3600, logger: TestDatabase.logger, poll: .milliseconds(50))
        let task = Task { try await worker.run() }
        var segment = JSONValue.null
        for _ in 0..<200 {
            segment = try await app.request(.get, "/api/segments/\(segmentID)").json
            if done(segment) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        task.cancel()
        _ = try? await task.value
        return segment
    }

    /// A campaign to the segment, frozen as campaign start does it.
    func freezeCampaign(_ app: TestApp, segmentID: String) async throws {
        let f = try await MessagingFixture.make(app, contacts: 0)
        let variables = #""variables":{"1":{"field":"first_name","fallback":"there"},"2":{"text":"20%"}},"cta_url":"https://shop.example/x""#
        let created = try await app.request(
            .post, "/api/campaigns",
            json: """
                {"name":"To \(segmentID)","template_id":"\(f.template.id)",\(variables),"audience":{"type":"segment","segment_id":"\(segmentID)"}}
                """)
        #expect(created.status == .created, "\(created.text)")
        let id = try #require(created.json["id"].string.flatMap(UUID.init(uuidString:)))
        expectError(try await app.request(.get, "/api/campaigns/\(id.uuidString)/preflight"), .unprocessableContent, code: "invalid_rules")
        let campaign = try #require(try await app.services.messaging.campaigns.find(workspaceID: app.workspace.id, id: id))
        let error = await #expect(throws: APIError.self) {
            _ = try await AudienceFreeze(database: app.database, segments: app.services.segments).freeze(campaign, category: "MARKETING")
        }
        #expect(error?.status == .unprocessableContent)
        #expect(error?.code == "invalid_rules")

        // Campaign start holds the campaign with the reason and an alert, rather than leave it sending to nobody.
        try await app.database.transaction { sql in
            try await sql.raw("UPDATE campaigns SET status = 'sending' WHERE id = \(bind: id)").run()
            try await JobQueue.enqueue(
                sql, dialect: app.database.dialect, workspaceID: app.workspace.id, kind: CampaignStartJob.kind,
                payload: #"{"campaign_id":"\#(id.uuidString.lowercased())"}"#
            )
        }
        let worker = JobWorker(queue: app.services.jobs, handlers: [CampaignStartJob(services: app.services.messaging)], logger: TestDatabase.logger)
        while let job = try await app.services.jobs.claim(owner: worker.owner, kinds: [CampaignStartJob.kind]) {
            await worker.execute(job, handler: try #require(worker.handlers[job.kind]))
        }
        let held = try await app.request(.get, "/api/campaigns/\(id.uuidString)").json
        #expect(held["status"].string == "paused", "\(held)")
        #expect(held["status_reason"].string?.hasPrefix("held: the audience cannot be resolved") == true, "\(held)")
        let alerts = try await app.request(.get, "/api/alerts").json
        #expect(alerts["data"].array.contains { $0["kind"].string == "campaign_held" }, "\(alerts)")
    }

    @Test(
        "a chain of segments each using the next 100 times is refused on save and preview, and a saved one fails its refresh cleanly",
        arguments: Engine.available)
    func chain(engine: Engine) async throws {
        try await Self.withSegmentData(engine) { app in
            let leafID = try await save(app, "Austin", rules: #"{"field":"contact.city","operator":"eq","value":"Austin"}"#)
            // 100 conditions after expansion are fine.
            let middleID = try await save(app, "Middle", rules: Self.usesRules(leafID, times: 100))
            let otherID = try await save(app, "Other", kind: "static", rules: #"{"combinator":"and","children":[]}"#)

            let before = try await segmentCount(app)
            let top = Self.usesRules(middleID, times: 100)
            let refused = try await app.request(.post, "/api/segments", json: #"{"name":"Top","kind":"dynamic","rules":\#(top)}"#)
            expectError(refused, .unprocessableContent, code: "invalid_rules", field: "rules")
            #expect(refused.json["error"]["problems"][0]["code"].string == "too_many_conditions", "\(refused.text)")
            #expect(try await segmentCount(app) == before, "nothing is stored")
            let preview = try await app.request(.post, "/api/segments/preview", json: #"{"rules":\#(top)}"#)
            expectError(preview, .unprocessableContent, code: "invalid_rules")
            #expect(preview.json["error"]["problems"][0]["code"].string == "too_many_conditions", "\(preview.text)")
            let patched = try await app.request(
                .patch, "/api/segments/\(otherID)", json: #"{"rules":\#(Self.usesRules(middleID, times: 11))}"#)
            expectError(patched, .unprocessableContent, code: "invalid_rules")
            #expect(patched.json["error"]["problems"][0]["code"].string == "too_many_conditions", "1,100 after expansion: \(patched.text)")

            // A segment saved before the limit existed: stored as it is, without validation.
            let now = Date()
            let saved = Segment(
                id: .timeOrdered(at: now), workspaceID: app.workspace.id, name: "Saved earlier", description: nil, kind: .dynamic,
                rules: try JSONDecoder().decode(RuleNode.self, from: Data(top.utf8)), contactCount: 0, createdAt: now, updatedAt: now
            )
            try await app.services.segments.store.insert(saved)
            let usesSaved = try await app.request(
                .post, "/api/segments/preview", json: #"{"rules":\#(Self.usesRules(saved.id.uuidString, times: 1))}"#)
            expectError(usesSaved, .unprocessableContent, code: "invalid_rules")

            let refreshed = try await refreshInBackground(app, segmentID: saved.id.uuidString) { $0["refresh_error"].string != nil }
            let message = refreshed["refresh_error"].string ?? ""
            #expect(message.contains("1,000"), "the refresh records the problem: \(refreshed)")
            #expect(!message.contains("APIError"), "\(message)")
            while let due = try await app.services.segments.store.claimDue(interval: 3600, lease: 60) {
                #expect(due.id != saved.id, "a failed refresh is not retried at once")
            }
            expectError(try await app.request(.post, "/api/segments/\(saved.id.uuidString)/refresh"), .unprocessableContent, code: "invalid_rules")
            try await freezeCampaign(app, segmentID: saved.id.uuidString)
        }
    }

    @Test(
        "a used segment whose custom field was recreated with another type gives a 422, a recorded refresh error and no crash",
        arguments: Engine.available)
    func staleReference(engine: Engine) async throws {
        try await Self.withSegmentData(engine) { app in
            #expect(try await app.request(.post, "/api/custom-fields", json: #"{"key":"points","type":"number"}"#).status == .created)
            let fansID = try await save(app, "Points fans", rules: #"{"field":"attributes.points","operator":"between","value":[10,20]}"#)
            let inFans = #"{"field":"segment","operator":"in_segment","value":"\#(fansID)"}"#
            let uses = #"{"combinator":"and","children":[{"field":"contact.country","operator":"is_not_set"},\#(inFans)]}"#
            let outerID = try await save(app, "Outer", rules: uses)

            #expect(try await app.request(.delete, "/api/custom-fields/points").status == .noContent)
            #expect(try await app.request(.post, "/api/custom-fields", json: #"{"key":"points","type":"date"}"#).status == .created)

            let preview = try await app.request(.post, "/api/segments/preview", json: #"{"rules":\#(uses)}"#)
            expectError(preview, .unprocessableContent, code: "invalid_rules", field: "rules.children[1].value")
            #expect(preview.json["error"]["problems"][0]["code"].string == "invalid_segment", "\(preview.text)")
            #expect(preview.json["error"]["message"].string?.contains("Points fans") == true, "\(preview.text)")
            let patched = try await app.request(.patch, "/api/segments/\(outerID)", json: #"{"rules":\#(uses)}"#)
            expectError(patched, .unprocessableContent, code: "invalid_rules", field: "rules.children[1].value")
            expectError(try await app.request(.get, "/api/segments/\(outerID)/contacts"), .unprocessableContent, code: "invalid_rules")

            let refreshed = try await refreshInBackground(app, segmentID: outerID) { $0["refresh_error"].string != nil }
            #expect(refreshed["refresh_error"].string?.contains("Points fans") == true, "\(refreshed)")
            expectError(try await app.request(.post, "/api/segments/\(outerID)/refresh"), .unprocessableContent, code: "invalid_rules")
            try await freezeCampaign(app, segmentID: outerID)
        }
    }
}
