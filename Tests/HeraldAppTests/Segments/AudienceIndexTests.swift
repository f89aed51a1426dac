import Foundation
import Hummingbird
import HummingbirdTesting
import SQLKit
import Segments
import Storage
import Testing

@testable import HeraldApp

@Suite("Audience index in the app")
struct AudienceIndexTests {
    func changes(_ app: TestApp) async throws -> [(contact: UUID?, id: Int64)] {
        try await app.database.read { sql in
            try await sql.raw("SELECT id, contact_id FROM audience_changes WHERE workspace_id = \(bind: app.workspace.id) ORDER BY id").all().map {
                (try $0.decode(column: "contact_id", as: UUID?.self), try $0.decode(column: "id", as: Int64.self))
            }
        }
    }

    @Test("every write that can change membership is logged in its own transaction", arguments: Engine.available)
    func changeLog(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let data = try await SegmentData.make(app)
            let ana = UUID(uuidString: data.ana)!, ben = UUID(uuidString: data.ben)!
            var logged = try await changes(app)
            // Three contacts, three orders (and their contacts' rows), two events.
            #expect(Set(logged.compactMap(\.contact)) == Set([data.ana, data.ben, data.cleo].compactMap(UUID.init(uuidString:))))
            var last = logged.last?.id ?? 0
            #expect(try await app.request(.patch, "/api/contacts/\(data.ben)", json: #"{"tags":["vip"]}"#).status == .ok)
            logged = try await changes(app)
            #expect(logged.filter { $0.id > last }.map(\.contact) == [ben])
            last = logged.last?.id ?? 0
            // A write that changes nothing segments read is not logged.
            try await app.database.transaction { sql in
                try await sql.raw("UPDATE contacts SET name = 'Anabel' WHERE id = \(bind: ana)").run()
            }
            #expect(try await changes(app).filter { $0.id > last }.isEmpty)
            // A product's new category changes the whole workspace.
            let product = UUID()
            try await app.database.transaction { sql in
                try await sql.raw(
                    "INSERT INTO products (id, workspace_id, external_id, name, created_at, updated_at) VALUES (\(bind: product), \(bind: app.workspace.id), 'p1', 'Shoe', \(bind: Date()), \(bind: Date()))"
                ).run()
                let category = UUID()
                try await sql.raw(
                    "INSERT INTO categories (id, workspace_id, name, created_at) VALUES (\(bind: category), \(bind: app.workspace.id), 'Shoes', \(bind: Date()))"
                ).run()
                try await sql.raw("UPDATE products SET category_id = \(bind: category) WHERE id = \(bind: product)").run()
            }
            let afterProduct = try await changes(app).filter { $0.id > last }
            #expect(afterProduct.count == 1 && afterProduct[0].contact == nil, "\(afterProduct)")
            last = afterProduct.last?.id ?? last
            // A rolled-back write leaves nothing.
            await #expect(throws: (any Error).self) {
                try await app.database.transaction { sql in
                    try await sql.raw("UPDATE contacts SET country = 'BR' WHERE id = \(bind: ana)").run()
                    throw CancellationError()
                }
            }
            #expect(try await changes(app).filter { $0.id > last }.isEmpty)
            // Deleting a contact logs it (and its orders and events, deleted with it).
            #expect(try await app.request(.delete, "/api/contacts/\(data.cleo)").status == .noContent)
            #expect(try await changes(app).filter { $0.id > last }.contains { $0.contact == UUID(uuidString: data.cleo) })
            // Pruning removes rows past the retention only.
            let index = app.services.segments.index
            #expect(try await index.prune(now: Date()) == 0)
            let all = try await changes(app).count
            #expect(try await index.prune(now: Date().addingTimeInterval(2 * 3600)) == all)
            #expect(try await changes(app).isEmpty)
        }
    }

    func preview(_ app: TestApp, _ rules: String) async throws -> JSONValue {
        let answer = try await app.request(.post, "/api/segments/preview", json: #"{"rules":\#(rules),"limit":10}"#)
        #expect(answer.status == .ok, "\(answer.text)")
        return answer.json
    }

    /// Previews until the index answers (it builds in the background after a change); the last answer.
    func previewFromIndex(_ app: TestApp, _ rules: String) async throws -> JSONValue {
        for _ in 0..<200 {
            let answer = try await preview(app, rules)
            if answer["engine"].string == "index" { return answer }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("the index never answered")
        return .null
    }

    @Test("previews answer from the index once it is current, from SQL while a change is not in it, and the same", arguments: Engine.available)
    func previewsAgree(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            guard app.services.segments.index.isEnabled else { return }
            let data = try await SegmentData.make(app)
            let initial = try await previewFromIndex(app, SegmentData.spendAndRead)
            #expect(initial["count"] == .number(1))
            #expect(initial["contacts"].array.map { $0["id"].string } == [data.ana])
            // Ben reads a message: the next preview must count him, whichever engine answers.
            let read = try await app.request(.post, "/api/events/import", json: """
                [{"contact":"+4915112345672","type":"read","occurred_at":"\(SegmentData.iso(daysAgo: 1))"}]
                """)
            #expect(read.status == .created)
            let right = try await preview(app, SegmentData.spendAndRead)
            #expect(right["engine"].string == "sql", "a stale index answered")
            #expect(right["count"] == .number(2))
            let fresh = try await previewFromIndex(app, SegmentData.spendAndRead)
            #expect(fresh["count"] == .number(2))
            #expect(Set(fresh["contacts"].array.compactMap { $0["id"].string }) == [data.ana, data.ben])
            // A saved segment's members page the same from the index.
            let saved = try await app.request(.post, "/api/segments", json: #"{"name":"Spenders","rules":\#(SegmentData.spendAndRead)}"#)
            #expect(saved.status == .created, "\(saved.text)")
            let id = saved.json["id"].string!
            _ = try await previewFromIndex(app, SegmentData.spendAndRead)
            let first = try await app.request(.get, "/api/segments/\(id)/contacts?limit=1")
            #expect(first.status == .ok, "\(first.text)")
            let after = try #require(first.json["next_after"].string)
            let second = try await app.request(.get, "/api/segments/\(id)/contacts?limit=1&after=\(after)")
            let third = try await app.request(.get, "/api/segments/\(id)/contacts?limit=1&after=\(second.json["next_after"].string ?? "")")
            let firstIDs: [String] = first.json["data"].array.compactMap { $0["id"].string }
            let secondIDs: [String] = second.json["data"].array.compactMap { $0["id"].string }
            let expected: [String] = [data.ana, data.ben].sorted()
            #expect(firstIDs + secondIDs == expected, "\(first.text) \(second.text)")
            #expect(third.json["data"].array.isEmpty)
        }
    }

    @Test("a server's index sees a write made through another server at its next count", arguments: Engine.available)
    func twoServers(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let data = try await SegmentData.make(app)
            // A second server: its own index over the same database.
            let other = AudienceIndexService(database: app.database, settings: .init())
            let before = try #require(try await other.build(app.workspace.id))
            #expect(before.contactCount == 3)
            let current = await other.currentSnapshot(for: app.workspace.id)
            #expect(current != nil)
            // A write through the first server (the API).
            #expect(try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345674","name":"Dan"}"#).status == .created)
            let stale = await other.currentSnapshot(for: app.workspace.id)
            #expect(stale == nil, "the other server answered from a snapshot without the new contact")
            var seen: AudienceSnapshot?
            let clock = ContinuousClock()
            let started = clock.now
            while seen == nil && clock.now - started < .seconds(5) {
                seen = await other.currentSnapshot(for: app.workspace.id)
                if seen == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(seen?.contactCount == 4)
            _ = data
        }
    }
}
