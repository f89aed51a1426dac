import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SQLKit
import Storage
import Testing

@testable import HeraldApp

@Suite("Storage, operations and configuration")
struct PlatformTests {
    @Test("migrations are recorded, safe to run twice, and a newer schema is refused", arguments: Engine.available)
    func migrations(engine: Engine) async throws {
        try await TestDatabase.with(engine, migrate: false) { database in
            let migrator = Migrator()
            #expect(try await migrator.migrate(database, logger: TestDatabase.logger) == Schema.migrations.map(\.version))
            #expect(try await migrator.migrate(database, logger: TestDatabase.logger).isEmpty)
            #expect(try await migrator.currentVersion(database) == migrator.latestVersion)
            try await database.transaction { sql in
                try await sql.raw("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', 0)").run()
            }
            await #expect(throws: StorageError.self) { try await migrator.migrate(database, logger: TestDatabase.logger) }
        }
    }

    @Test("a failing unit of work stores nothing", arguments: Engine.available)
    func rollback(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await database.transaction { sql in
                    try await sql.raw("INSERT INTO workspaces (id, name, created_at, updated_at) VALUES (\(bind: UUID()), 'half', \(bind: Date()), \(bind: Date()))").run()
                    throw Boom()
                }
            }
            let count = try await database.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM workspaces").first()!.decode(column: "n", as: Int.self) }
            #expect(count == 0)
        }
    }

    @Test("a job whose worker died is claimed again when its lease ends", arguments: Engine.available)
    func jobLease(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            let (workspace, _) = try await WorkspaceStore(database: database).create(name: "Jobs")
            let queue = JobQueue(database: database, leaseSeconds: 8)
            try await database.transaction { sql in
                try await JobQueue.enqueue(sql, dialect: database.dialect, workspaceID: workspace.id, kind: "test", payload: "{}")
            }
            let first = try #require(try await queue.claim(owner: "a", kinds: ["test"]))
            #expect(try await queue.claim(owner: "b", kinds: ["test"]) == nil, "a leased job is not handed out twice")
            try await Task.sleep(for: .milliseconds(8300))
            let second = try #require(try await queue.claim(owner: "b", kinds: ["test"]))
            #expect(second.id == first.id)
            #expect(second.attempts == first.attempts + 1, "first \(first.attempts), second \(second.attempts)")
            #expect(try await queue.progress(first, owner: "a", done: 1, total: 1, processed: 1, succeeded: 1, failed: 0) == false, "the old owner lost it")
            try await queue.finish(second, owner: "b", result: #"{"ok":true}"#, error: nil)
            #expect(try await queue.depth() == 0)
        }
    }

    @Test("health, readiness and metrics answer", arguments: Engine.available)
    func operations(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            #expect(try await app.request(.get, "/healthz", key: "").status == .ok)
            let ready = try await app.request(.get, "/readyz", key: "")
            #expect(ready.status == .ok)
            #expect(ready.json["database"].string == engine.rawValue)
            _ = try await app.request(.get, "/api/contacts")
            let metrics = try await app.request(.get, "/metrics", key: "").text
            #expect(metrics.contains("hb_requests"), "request counters by route and status")
            #expect(metrics.contains("http_server_request_duration"), "latency histogram")
            let response = try await app.request(.get, "/api/contacts")
            #expect(response.headers[.init("X-Request-Id")!] != nil)
            expectError(try await app.request(.get, "/api/nothing-here"), .notFound)
        }
    }

    @Test("time-ordered ids are version 7 UUIDs that sort by creation time")
    func timeOrderedIDs() {
        let early = UUID.timeOrdered(at: Date(timeIntervalSince1970: 1_700_000_000))
        let late = UUID.timeOrdered(at: Date(timeIntervalSince1970: 1_700_000_001))
        #expect(early.uuidString.lowercased() < late.uuidString.lowercased())
        #expect(Array(early.uuidString)[14] == "7")
        #expect("89AB".contains(Array(early.uuidString)[19]))
        #expect(UUID.timeOrdered() != UUID.timeOrdered())
    }

    @Test("a malformed setting stops start-up with one line naming it")
    func configuration() throws {
        func resolve(_ env: [String: String]) throws -> HeraldConfig {
            try HeraldConfig.resolve(databaseURL: nil, dataDirectory: NSTemporaryDirectory() + "herald-config-test", host: nil, port: nil, logLevel: nil, logFormat: nil, secretKey: nil, environment: env)
        }
        #expect(throws: ConfigError.self) { try resolve(["HERALD_PORT": "eighty"]) }
        #expect(throws: ConfigError.self) { try resolve(["HERALD_DATABASE_URL": "mysql://x"]) }
        #expect(throws: ConfigError.self) { try resolve(["HERALD_LOG_FORMAT": "xml"]) }
        #expect(throws: ConfigError.self) { try resolve(["HERALD_LOG_LEVEL": "loud"]) }
        #expect(throws: ConfigError.self) { try resolve(["HERALD_SECRET_KEY": "short"]) }
        #expect(throws: ConfigError.self) { try resolve(["HERALD_AUDIENCE_INDEX": "maybe"]) }
        #expect(throws: ConfigError.self) { try resolve(["HERALD_AUDIENCE_INDEX_MEMORY_MB": "0"]) }
        #expect(try resolve([:]).audienceIndex.enabled)
        #expect(try !resolve(["HERALD_AUDIENCE_INDEX": "off"]).audienceIndex.enabled)
        #expect(try resolve(["HERALD_AUDIENCE_INDEX_MEMORY_MB": "64"]).audienceIndex.memoryBudgetBytes == 64 << 20)
        do {
            _ = try resolve(["HERALD_PORT": "99999"])
        } catch let error as ConfigError {
            #expect(error.description.contains("HERALD_PORT"))
            #expect(!error.description.contains("\n"))
        }
        let config = try resolve(["HERALD_DATABASE_URL": "postgres://u:p%40ss@db.internal:6543/herald", "HERALD_PORT": "9000"])
        #expect(config.port == 9000)
        #expect(config.databaseURL == .postgres(host: "db.internal", port: 6543, username: "u", password: "p@ss", database: "herald", tls: .disable))
        let again = try resolve([:])
        #expect(again.databaseURL.kind == .sqlite)
        let place = SealedPlace(table: "whatsapp_accounts", column: "access_token_sealed", rowID: UUID())
        let sealed = try config.secretKey.seal("access-token", for: place)
        #expect(try again.secretKey.open(sealed, for: place) == "access-token", "the generated key is kept in the data folder")
    }
}
