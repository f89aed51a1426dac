import Foundation
import SQLKit
import Storage
import Testing

@testable import Segments

/// The index's build reads cells without SQLKit's decoders (`BulkReader`); these check its shortcuts against the
/// decoders they stand in for.
@Suite("Reading rows for the audience index")
struct IndexBuildReadingTests {
    @Test("tags read without a JSON decoder are what the decoder reads, and anything unusual is left to it")
    func tagArrays() throws {
        let cases = [
            "[]", " [ ] ", "[\"vip\"]", "[\"vip\",\"new\"]", "[ \"a\" , \"b\" ]", "[\"café\",\"😀\"]", "[\"\"]",
            "[\"say \\\"hi\\\"\"]", "[\"a\\\\b\"]", "[1,\"a\"]", "[\"a\",]", "{}", "[\"a\"] x", "[", "", "[\"unterminated]",
        ]
        for text in cases {
            let decoded = (try? JSONDecoder().decode([RuleValue].self, from: Data(text.utf8)))?.compactMap(\.string)
            // nil leaves the text to the decoder, which the build then uses.
            if let fast = JSONStrings.array(text) { #expect(fast == decoded, "\(text)") }
        }
        for plain in cases.prefix(7) { #expect(JSONStrings.array(plain) != nil, "\(plain)") }
    }

    @Test("contacts, orders and events read in bulk equal what SQLKit decodes", arguments: Engine.available)
    func bulkCellsMatchDecoders(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            let world = World(seed: 7, contacts: 40)
            try await world.insert(into: database)
            let id = world.workspaceID
            let json = database.dialect.jsonText("tags")
            let query: SQLQueryString = """
                SELECT id, phone, \(json) AS tags, created_at FROM contacts WHERE workspace_id = \(bind: id) ORDER BY id
                """
            let decoded = try await database.read { sql in
                try await sql.raw(query).all().map { row in
                    Contact(
                        id: try row.decode(column: "id", as: UUID.self), phone: try row.decode(column: "phone", as: String?.self),
                        tags: try row.decode(column: "tags", as: String?.self),
                        created: try row.decode(column: "created_at", as: Date.self).timeIntervalSince1970)
                }
            }
            let rows = Collected()
            try await database.consistentBulkRead { reader in
                try await reader.stream(query) { row in
                    rows.append(Contact(id: try row.uuid(0)!, phone: try row.text(1), tags: try row.text(2), created: try row.seconds(3)!))
                }
            }
            #expect(decoded.count == world.contacts.count)
            #expect(rows.values == decoded)
        }
    }

    @Test("a consistent read in progress does not hide a write that just committed from other reads", arguments: Engine.available)
    func consistentReadsKeepToThemselves(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            try await database.transaction { try await $0.raw("CREATE TABLE probe_rows (id INTEGER PRIMARY KEY)").run() }
            @Sendable func count(_ sql: any SQLDatabase) async throws -> Int {
                try await sql.raw("SELECT COUNT(*) AS n FROM probe_rows").first()?.decode(column: "n", as: Int.self) ?? -1
            }
            for bulk in [false, true] {
                let (started, begun) = AsyncStream<Void>.makeStream()
                let (released, release) = AsyncStream<Void>.makeStream()
                // Holds a consistent read open (it has read once, so its snapshot is fixed) until released.
                let holder = Task {
                    @Sendable func hold(_ sql: any SQLDatabase) async throws {
                        _ = try await count(sql)
                        begun.yield()
                        for await _ in released { break }
                    }
                    if bulk {
                        try await database.consistentBulkRead { try await hold($0.sql) }
                    } else {
                        try await database.consistentRead { try await hold($0) }
                    }
                }
                for await _ in started { break }
                let before = try await database.read { try await count($0) }
                try await database.transaction { try await $0.raw("INSERT INTO probe_rows (id) VALUES (\(bind: before + 1))").run() }
                // Plain reads take the reader connections in turn: every one of them sees the write.
                for _ in 0..<6 {
                    #expect(try await database.read { try await count($0) } == before + 1, "bulk: \(bulk)")
                }
                release.yield()
                try await holder.value
            }
        }
    }

    struct Contact: Equatable, Sendable {
        let id: UUID
        let phone: String?
        let tags: String?
        let created: Double
    }

    final class Collected: @unchecked Sendable {
        var values: [Contact] = []
        func append(_ contact: Contact) { values.append(contact) }
    }
}
