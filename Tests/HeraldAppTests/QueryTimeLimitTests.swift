import Foundation
import Hummingbird
import HummingbirdTesting
import SQLKit
@testable import Storage
import Testing

@testable import HeraldApp

@Suite("Query time limit")
struct QueryTimeLimitTests {
    /// A read that takes seconds on either engine, whatever the data.
    static func slowQuery(_ engine: Engine) -> SQLQueryString {
        switch engine {
        case .postgres: "SELECT pg_sleep(20) IS NULL AS done"
        case .sqlite:
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 2000000000) SELECT COUNT(*) AS done FROM r"
        }
    }

    @Test("a limited read is stopped by the database at its limit, and the connection works afterwards", arguments: Engine.available)
    func stopsSlowReads(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            let limited = database.withReadTimeLimit(.milliseconds(300))
            let started = ContinuousClock.now
            await #expect(throws: QueryTimeLimitExceeded.self) {
                try await limited.read { sql in _ = try await sql.raw(Self.slowQuery(engine)).first() }
            }
            #expect(ContinuousClock.now - started < .seconds(15), "the query ran on past its limit")
            // The same connections answer the next reads, limited or not; the limit does not leak into them.
            #expect(try await limited.read { sql in try await sql.raw("SELECT 1 AS one").first()?.decode(column: "one", as: Int.self) } == 1)
            try await database.ping()
            if engine == .postgres {
                let setting = try await database.read { sql in
                    try await sql.raw("SHOW statement_timeout").first()?.decode(column: "statement_timeout", as: String.self)
                }
                #expect(setting == "0")
            }
        }
    }

    @Test("the SQLite connection's handle is found, so the interrupt can reach it")
    func sqliteHandle() async throws {
        try await TestDatabase.with(.sqlite) { database in
            let reader = try #require(database.timedReader)
            #expect(TimedReader.rawHandle(of: reader.connection) != nil)
        }
    }

    @Test("a pre-flight or segment preview past the limit answers 503 query_timeout as JSON, not a 500 or a hang", arguments: Engine.available)
    func preflightAnswers503(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            var config = HeraldConfig(databaseURL: .sqlite(path: ""), dataDirectory: NSTemporaryDirectory(), secretKey: .random())
            config.runWorkers = false
            config.queryTimeLimit = .zero
            let services = AppServices(database: database, bcryptCost: 4, config: config)
            let (workspace, key) = try await services.workspaces.create(name: "Acme", defaultCountry: "DE")
            let router = buildRouter(services: services, config: config, web: try await WebConsole.load())
            try await Application(router: router, logger: TestDatabase.logger).test(.router) { client in
                let app = TestApp(database: database, services: services, workspace: workspace, key: key, client: client)
                let fixture = try await MessagingFixture.make(app, contacts: 2)
                let created = try await app.request(.post, "/api/campaigns", json: """
                    {"name":"Big","template_id":"\(fixture.template.id)","variables":{"1":{"field":"first_name","fallback":"there"},"2":{"text":"5%"}},
                     "cta_url":"https://shop.example/big"}
                    """)
                #expect(created.status == .created, "\(created.text)")
                let id = try #require(created.json["id"].string)
                let answer = try await app.request(.get, "/api/campaigns/\(id)/preflight")
                expectError(answer, .serviceUnavailable, code: "query_timeout")
                #expect(answer.headers[.retryAfter] != nil)
                let preview = try await app.request(.post, "/api/segments/preview", json: #"{"rules":\#(SegmentData.spendAndRead)}"#)
                expectError(preview, .serviceUnavailable, code: "query_timeout")

                // The console keeps working: its pre-flight (also a viewer's form fragment) says it took too long.
                let (cookie, _) = try await WebConsoleTests.signIn(app, role: .viewer)
                for path in ["/campaigns/new?fragment=preflight&template_id=\(fixture.template.id)", "/campaigns/\(id)"] {
                    let page = try await app.request(.get, path, key: "", headers: [.cookie: cookie])
                    #expect(page.status == .ok, "\(path): \(page.text.prefix(300))")
                    #expect(page.text.contains("pf-timeout"), "\(path)")
                }
            }
        }
    }
}
