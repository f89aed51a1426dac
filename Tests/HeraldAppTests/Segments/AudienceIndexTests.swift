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

    @Test("previews answer from the index, with every write counted at once, the same as SQL", arguments: Engine.available)
    func previewsAgree(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            guard app.services.segments.index.isEnabled else { return }
            let data = try await SegmentData.make(app)
            let initial = try await previewFromIndex(app, SegmentData.spendAndRead)
            #expect(initial["count"] == .number(1))
            #expect(initial["contacts"].array.map { $0["id"].string } == [data.ana])
            // Ben reads a message: the very next preview counts him, from the index.
            let read = try await app.request(.post, "/api/events/import", json: """
                [{"contact":"+4915112345672","type":"read","occurred_at":"\(SegmentData.iso(daysAgo: 1))"}]
                """)
            #expect(read.status == .created)
            let fresh = try await preview(app, SegmentData.spendAndRead)
            #expect(fresh["engine"].string == "index", "\(fresh)")
            #expect(fresh["count"] == .number(2))
            #expect(Set(fresh["contacts"].array.compactMap { $0["id"].string }) == [data.ana, data.ben])
            // Ana is deleted: gone from the next count.
            #expect(try await app.request(.delete, "/api/contacts/\(data.ana)").status == .noContent)
            let after = try await preview(app, SegmentData.spendAndRead)
            #expect(after["engine"].string == "index")
            #expect(after["contacts"].array.compactMap { $0["id"].string } == [data.ben])
            // A saved segment's members page the same from the index.
            #expect(try await app.request(.patch, "/api/contacts/\(data.cleo)", json: #"{"tags":["vip"]}"#).status == .ok)
            let saved = try await app.request(.post, "/api/segments", json: #"{"name":"Readers","rules":{"field":"engagement.read","operator":"gte","value":1}}"#)
            #expect(saved.status == .created, "\(saved.text)")
            let id = saved.json["id"].string!
            let first = try await app.request(.get, "/api/segments/\(id)/contacts?limit=1")
            #expect(first.status == .ok, "\(first.text)")
            let after1 = try #require(first.json["next_after"].string)
            let second = try await app.request(.get, "/api/segments/\(id)/contacts?limit=1&after=\(after1)")
            let third = try await app.request(.get, "/api/segments/\(id)/contacts?limit=1&after=\(second.json["next_after"].string ?? "")")
            let firstIDs: [String] = first.json["data"].array.compactMap { $0["id"].string }
            let secondIDs: [String] = second.json["data"].array.compactMap { $0["id"].string }
            let expected: [String] = [data.ben, data.cleo].sorted()
            #expect(firstIDs + secondIDs == expected, "\(first.text) \(second.text)")
            #expect(third.json["data"].array.isEmpty)
            // The index's figures are on /metrics.
            let metrics = try await app.request(.get, "/metrics", key: "").text
            for name in ["herald_audience_index_answers_total", "herald_audience_index_builds_total", "herald_audience_index_lag_seconds"] {
                #expect(metrics.contains(name), "\(name) is not on /metrics")
            }
        }
    }

    @Test("a server's index counts a write made through another server at its next count", arguments: Engine.available)
    func twoServers(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            _ = try await SegmentData.make(app)
            // A second server: its own index over the same database.
            let other = AudienceIndexService(database: app.database, settings: .init())
            let before = try #require(try await other.build(app.workspace.id))
            #expect(before.contactCount == 3)
            // A write through the first server (the API).
            #expect(try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345674","name":"Dan"}"#).status == .created)
            let view = await other.currentView(for: app.workspace.id)
            #expect(view?.contactCount == 4, "the other server did not count the new contact")
        }
    }

    @Test("a question asked after a write is answered with it, while other questions keep the index busy", arguments: Engine.available)
    func readYourWrites(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let index = AudienceIndexService(database: app.database, settings: .init())
            try await index.build(app.workspace.id)
            let workspace = app.workspace.id
            // Other questions, all the time: each may start a catch-up that began before the next write.
            let busy = Task {
                while !Task.isCancelled { _ = await index.currentView(for: workspace) }
            }
            defer { busy.cancel() }
            for number in 1...30 {
                let made = try await app.request(.post, "/api/contacts", json: #"{"phone":"+49151777\#(String(format: "%05d", number))"}"#)
                #expect(made.status == .created)
                let view = await index.currentView(for: workspace)
                #expect(view?.contactCount == number, "question \(number) was answered without the write before it")
            }
            busy.cancel()
            _ = await busy.value
        }
    }

    @Test("random writes between counts: the index counts what SQL counts, every time", arguments: Engine.available)
    func randomWrites(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let segments = app.services.segments
            guard segments.index.isEnabled else { return }
            var random = SystemRandomNumberGenerator()
            let rules = try [
                SegmentData.spendAndRead,
                #"{"field":"contact.tags","operator":"contains","value":"vip"}"#,
                #"{"combinator":"and","not":true,"children":[{"field":"purchases.order_count","operator":"gte","value":1}]}"#,
                #"{"combinator":"or","children":[{"field":"engagement.clicked","operator":"gte","value":1,"window":{"last_days":7}},{"field":"contact.country","operator":"eq","value":"de"}]}"#,
            ].map { try SegmentRulesInput.parse(JSONValue.parse(Data($0.utf8))) }
            var phones: [String] = []
            try await segments.index.build(app.workspace.id)
            for round in 0..<25 {
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    switch Int.random(in: 0..<5, using: &random) {
                    case 0, 1:
                        let phone = "+49151\(String(format: "%08d", round * 10 + phones.count))"
                        let tags = Bool.random(using: &random) ? #"["vip"]"# : "[]"
                        let country = ["DE", "US", "BR"].randomElement(using: &random)!
                        let made = try await app.request(
                            .post, "/api/contacts", json: #"{"phone":"\#(phone)","country":"\#(country)","tags":\#(tags)}"#)
                        #expect(made.status == .created, "\(made.text)")
                        phones.append(phone)
                    case 2 where !phones.isEmpty:
                        let phone = phones.randomElement(using: &random)!
                        let total = Int.random(in: 1_000...90_000, using: &random)
                        _ = try await app.request(.post, "/api/orders", json: """
                            [{"external_id":"r\(UUID().uuidString)","contact":"\(phone)","total":\(total),"ordered_at":"\(SegmentData.iso(daysAgo: Double.random(in: 0...90, using: &random)))"}]
                            """)
                    case 3 where !phones.isEmpty:
                        let phone = phones.randomElement(using: &random)!
                        let type = ["read", "clicked", "delivered"].randomElement(using: &random)!
                        _ = try await app.request(.post, "/api/events/import", json: """
                            [{"contact":"\(phone)","type":"\(type)","occurred_at":"\(SegmentData.iso(daysAgo: Double.random(in: 0...40, using: &random)))"}]
                            """)
                    default:
                        guard let phone = phones.randomElement(using: &random) else { continue }
                        let found = try await app.request(.get, "/api/contacts?search=\(phone.dropFirst())")
                        if let id = found.json["data"][0]["id"].string {
                            _ = try await app.request(.patch, "/api/contacts/\(id)", json: #"{"tags":["vip","b"]}"#)
                        }
                    }
                }
                let workspace = try await segments.workspace(app.workspace.id)
                for rule in rules {
                    let index = try await segments.liveEvaluator(rule, in: workspace)
                    let sql = try workspace.evaluator(rule, database: app.database)
                    let indexCount = try await index.count()
                    let sqlCount = try await sql.count()
                    #expect(indexCount == sqlCount, "round \(round): \(rule)")
                    #expect(try await index.page(after: nil, limit: 500) == (try await sql.page(after: nil, limit: 500)), "round \(round)")
                    #expect(index is IndexSegmentEvaluator, "round \(round): the index did not answer")
                }
            }
        }
    }

    @Test("refreshes and campaign audiences come from the index, with the members SQL selects", arguments: Engine.available)
    func refreshAndFreeze(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let segments = app.services.segments
            guard segments.index.isEnabled else { return }
            let data = try await SegmentData.make(app)
            try await segments.index.build(app.workspace.id)
            let saved = try await app.request(
                .post, "/api/segments", json: #"{"name":"Readers","rules":{"field":"engagement.read","operator":"gte","value":1}}"#)
            #expect(saved.status == .created, "\(saved.text)")
            let id = try #require(saved.json["id"].string.flatMap(UUID.init(uuidString:)))
            func stored() async throws -> Set<UUID> {
                try await app.database.read { sql in
                    Set(try await sql.raw("SELECT contact_id FROM segment_members WHERE segment_id = \(bind: id)").all().map {
                        try $0.decode(column: "contact_id", as: UUID.self)
                    })
                }
            }
            func sqlMembers() async throws -> Set<UUID> {
                let workspace = try await segments.workspace(app.workspace.id)
                let segment = try #require(try await segments.store.find(workspaceID: app.workspace.id, id: id))
                return Set(try await workspace.evaluator(segment.rules, database: app.database).page(after: nil, limit: 1000))
            }
            #expect(try await stored() == (try await sqlMembers()))
            // Ben reads a message and Cleo opts out; a manual refresh asks the index and stores what SQL selects.
            let read = try await app.request(.post, "/api/events/import", json: """
                [{"contact":"+4915112345672","type":"read","occurred_at":"\(SegmentData.iso(daysAgo: 1))"},
                 {"contact":"+4915112345673","type":"read","occurred_at":"\(SegmentData.iso(daysAgo: 2))"}]
                """)
            #expect(read.status == .created, "\(read.text)")
            #expect(try await app.request(.patch, "/api/contacts/\(data.cleo)", json: #"{"consent":"opted_out"}"#).status == .ok)
            let answered = await segments.index.answers
            let refreshed = try await app.request(.post, "/api/segments/\(id)/refresh")
            #expect(refreshed.status == .ok, "\(refreshed.text)")
            #expect(await segments.index.answers > answered, "the refresh did not ask the index")
            let members = try await stored()
            #expect(members == (try await sqlMembers()))
            #expect(members.contains(try #require(UUID(uuidString: data.ben))))
            let history = try await app.request(.get, "/api/segments/\(id)/history")
            #expect(history.status == .ok)
            #expect(history.text.contains(data.ben.lowercased()) || history.text.contains(data.ben), "\(history.text)")

            // A campaign to the segment queues its opted-in members, from the index too.
            let now = Date()
            let campaign = Campaign(
                id: .timeOrdered(), workspaceID: app.workspace.id, name: "Readers", status: .sending, variables: [:],
                audience: Audience(type: "segment", segmentID: id), createdAt: now, updatedAt: now
            )
            let freeze = AudienceFreeze(database: app.database, segments: segments)
            let before = await segments.index.answers
            var queued: [UUID] = []
            try await freeze.members(of: campaign, category: "UTILITY") { page in queued += page.map(\.0) }
            #expect(await segments.index.answers > before, "the freeze did not ask the index")
            let optedIn = try await app.database.read { sql in
                Set(try await sql.raw("SELECT id FROM contacts WHERE workspace_id = \(bind: app.workspace.id) AND consent_status = 'opted_in'").all()
                    .map { try $0.decode(column: "id", as: UUID.self) })
            }
            #expect(Set(queued) == (try await sqlMembers()).intersection(optedIn))
            #expect(!queued.isEmpty)
            #expect(queued == queued.sorted { $0.uuidString < $1.uuidString } || queued.count < 2)
        }
    }

    @Test("a refresh whose members were read before a contact was deleted stores the others", arguments: Engine.available)
    func refreshAfterDeletion(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let data = try await SegmentData.make(app)
            let saved = try await app.request(
                .post, "/api/segments", json: #"{"name":"Buyers","rules":{"field":"purchases.order_count","operator":"gte","value":1}}"#)
            #expect(saved.status == .created, "\(saved.text)")
            let id = try #require(saved.json["id"].string.flatMap(UUID.init(uuidString:)))
            let store = app.services.segments.store
            let segment = try #require(try await store.find(workspaceID: app.workspace.id, id: id))
            // The members as the index (or a reader) saw them, then Cleo is deleted before the refresh writes.
            let ana = try #require(UUID(uuidString: data.ana)), ben = try #require(UUID(uuidString: data.ben))
            let cleo = try #require(UUID(uuidString: data.cleo))
            #expect(try await app.request(.delete, "/api/contacts/\(data.cleo)").status == .noContent)
            let refreshed = try await store.refresh(segment, matching: [ana, ben, cleo], reason: "manual", now: Date())
            #expect(refreshed.contactCount == 2)
            let stored = try await app.database.read { sql in
                Set(try await sql.raw("SELECT contact_id FROM segment_members WHERE segment_id = \(bind: id)").all().map {
                    try $0.decode(column: "contact_id", as: UUID.self)
                })
            }
            #expect(stored == [ana, ben])
        }
    }
}
