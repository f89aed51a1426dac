import Foundation
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import SQLKit
import Storage
import Testing

@testable import HeraldApp

/// Where an account's access token may go: only to Meta, or to hosts the operator allowed.
@Suite("Account API base URL")
struct AccountBaseURLTests {
    static let fields = #""name":"Shop","phone_number_id":"1065403522","waba_id":"2065403522","access_token":"EAAG-secret-token","app_secret":"s","verify_token":"v""#

    static func count(_ app: TestApp) async throws -> Int {
        try await app.database.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM whatsapp_accounts").first()!.decode(column: "n", as: Int.self) }
    }

    @Test("a base URL off Meta's host, or Meta's host without TLS, is refused with 422 and nothing is stored", arguments: Engine.available)
    func foreignHosts(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let refused = [
                "https://evil.example.com", "http://graph.facebook.com", "https://graph.facebook.com.evil.example",
                "https://graph.facebook.com@evil.example", "https://user@graph.facebook.com", "https://graph.facebook.com/?next=x",
                "https://graph.facebook.com/#x",
            ]
            for url in refused {
                let response = try await app.request(.post, "/api/whatsapp/accounts", json: "{\(Self.fields),\"api_base_url\":\"\(url)\"}")
                expectError(response, .unprocessableContent, field: "api_base_url")
            }
            #expect(try await Self.count(app) == 0)
            let created = try await app.request(.post, "/api/whatsapp/accounts", json: "{\(Self.fields),\"api_base_url\":\"https://graph.facebook.com/\"}")
            #expect(created.status == .created, "\(created.text)")
            let id = created.json["id"].string!
            expectError(
                try await app.request(.patch, "/api/whatsapp/accounts/\(id)", json: #"{"api_base_url":"https://evil.example.com","access_token":"t"}"#),
                .unprocessableContent, field: "api_base_url"
            )
            #expect(try await app.request(.get, "/api/whatsapp/accounts/\(id)").json["api_base_url"].string == "https://graph.facebook.com")
        }
    }

    @Test("changing the base URL needs the access token again", arguments: Engine.available)
    func tokenAgain(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let created = try await app.request(.post, "/api/whatsapp/accounts", json: "{\(Self.fields),\"api_base_url\":\"http://127.0.0.1:9\"}")
            #expect(created.status == .created, "\(created.text)")
            let id = created.json["id"].string!
            expectError(
                try await app.request(.patch, "/api/whatsapp/accounts/\(id)", json: #"{"api_base_url":"http://127.0.0.1:10","name":"Moved"}"#),
                .unprocessableContent, field: "access_token"
            )
            let unchanged = try await app.request(.get, "/api/whatsapp/accounts/\(id)").json
            #expect(unchanged["api_base_url"].string == "http://127.0.0.1:9" && unchanged["name"].string == "Shop", "nothing half-written")
            let same = try await app.request(.patch, "/api/whatsapp/accounts/\(id)", json: #"{"api_base_url":"http://127.0.0.1:9/","name":"Same"}"#)
            #expect(same.status == .ok, "the same URL needs no token: \(same.text)")
            let moved = try await app.request(.patch, "/api/whatsapp/accounts/\(id)", json: #"{"api_base_url":"http://127.0.0.1:10","access_token":"EAAG-new"}"#)
            #expect(moved.status == .ok, "\(moved.text)")
            #expect(moved.json["api_base_url"].string == "http://127.0.0.1:10")
        }
    }

    @Test("test connection and template sync never echo what the remote host answered", arguments: Engine.available)
    func noEcho(engine: Engine) async throws {
        try await RecordingHost.with(status: .badGateway, body: "<html>INTERNAL-SECRET-PAGE</html>") { host in
            try await TestApp.with(engine) { app in
                let created = try await app.request(.post, "/api/whatsapp/accounts", json: "{\(Self.fields),\"api_base_url\":\"\(host.url)\"}")
                #expect(created.status == .created, "\(created.text)")
                let id = created.json["id"].string!
                let tested = try await app.request(.post, "/api/whatsapp/accounts/\(id)/test")
                #expect(tested.json["ok"] == .bool(false))
                #expect(!tested.text.contains("INTERNAL-SECRET"), "\(tested.text)")
                #expect(tested.text.contains("502"), "the status is still named: \(tested.text)")
                let synced = try await app.request(.post, "/api/whatsapp/accounts/\(id)/templates/sync")
                #expect(synced.status == .badGateway)
                #expect(!synced.text.contains("INTERNAL-SECRET"), "\(synced.text)")
            }
        }
    }

    @Test("an account stored earlier on a host the server does not allow never gets its token sent", arguments: Engine.available)
    func storedForeignHost(engine: Engine) async throws {
        try await RecordingHost.with(status: .ok, body: #"{"id":"1065403522"}"#) { host in
            try await TestDatabase.with(engine) { database in
                let folder = NSTemporaryDirectory() + "herald-hosts-\(UUID().uuidString)"
                defer { try? FileManager.default.removeItem(atPath: folder) }
                let config = HeraldConfig(databaseURL: .sqlite(path: ""), dataDirectory: folder, secretKey: .random())
                let services = AppServices(database: database, bcryptCost: 4, config: config)
                let (workspace, key) = try await services.workspaces.create(name: "Acme", defaultCountry: "DE")
                // As a row written before hosts were checked.
                let account = try await services.messaging.accounts.create(
                    workspaceID: workspace.id,
                    .init(name: "Old", phoneNumberID: "1065403522", wabaID: "2065403522", accessToken: "EAAG-secret-token", appSecret: "s", verifyToken: "v")
                )
                try await database.transaction { sql in
                    try await sql.raw("UPDATE whatsapp_accounts SET api_base_url = \(bind: host.url) WHERE id = \(bind: account.id)").run()
                }
                let router = buildRouter(services: services, config: config, web: try await WebConsole.load())
                try await Application(router: router, logger: TestDatabase.logger).test(.router) { client in
                    let tested = try await client.execute(
                        uri: "/api/whatsapp/accounts/\(account.id.uuidString.lowercased())/test", method: .post, headers: [.authorization: "Bearer \(key)"]
                    )
                    #expect(tested.status == .ok)
                    #expect(String(buffer: tested.body).contains("\"ok\":false"), "\(String(buffer: tested.body))")
                }
                // Its sender halts the account with an alert instead of failing silently on every poll.
                let stored = try #require(try await services.messaging.accounts.find(workspaceID: workspace.id, id: account.id))
                await AccountSender(account: stored, services: services.messaging, owner: "test", logger: TestDatabase.logger).run()
                let halted = try #require(try await services.messaging.accounts.find(workspaceID: workspace.id, id: account.id))
                #expect(halted.status == "halted")
                #expect(host.requests.isEmpty, "the token went to \(host.url): \(host.requests)")
            }
        }
    }
}

@Suite("Allowed Cloud API hosts")
struct CloudAPIHostsTests {
    @Test("Meta's host over HTTPS is always allowed; other hosts only as the operator lists them")
    func allowList() throws {
        let meta = CloudAPIHosts.metaOnly
        #expect(meta.allows("https://graph.facebook.com") && meta.allows("https://GRAPH.facebook.com:443/"))
        #expect(!meta.allows("http://127.0.0.1:9090") && !meta.allows("https://graph.facebook.com:8443"))
        let local = try CloudAPIHosts(parsing: " 127.0.0.1 , localhost:9090,[::1]:9091")
        #expect(local.allows("http://127.0.0.1:1234") && local.allows("https://127.0.0.1"))
        #expect(local.allows("http://localhost:9090") && !local.allows("http://localhost:9091"))
        #expect(local.allows("http://[::1]:9091") && !local.allows("http://[::1]:9092"))
        #expect(local.allows("https://graph.facebook.com") && !local.allows("https://evil.example"))
        for bad in ["http://127.0.0.1", "host/path", "host:0", "host:99999", "user@host"] {
            #expect(throws: CloudAPIHostsError.self, "\(bad)") { _ = try CloudAPIHosts(parsing: bad) }
        }
    }

    @Test("HERALD_ALLOWED_API_HOSTS sets the hosts; a malformed entry stops start-up naming the setting")
    func setting() throws {
        func resolve(_ env: [String: String]) throws -> HeraldConfig {
            try HeraldConfig.resolve(
                databaseURL: nil, dataDirectory: NSTemporaryDirectory() + "herald-config-test", host: nil, port: nil, logLevel: nil, logFormat: nil,
                secretKey: SecretKey.random().base64, environment: env
            )
        }
        #expect(try resolve([:]).allowedAPIHosts == .metaOnly)
        #expect(try resolve(["HERALD_ALLOWED_API_HOSTS": "127.0.0.1:9090"]).allowedAPIHosts.allows("http://127.0.0.1:9090"))
        #expect { _ = try resolve(["HERALD_ALLOWED_API_HOSTS": "http://127.0.0.1"]) } throws: { error in
            "\(error)".contains("HERALD_ALLOWED_API_HOSTS")
        }
    }
}

/// A local HTTP server answering every request with one status and body, recording the paths and tokens it got.
struct RecordingHost: Sendable {
    let url: String
    let received: NIOLockedValueBox<[String]>
    var requests: [String] { received.withLockedValue { $0 } }

    static func with(status: HTTPResponse.Status, body: String, _ test: @escaping @Sendable (RecordingHost) async throws -> Void) async throws {
        let received = NIOLockedValueBox<[String]>([])
        let router = Router()
        router.on("**", method: .get) { request, _ in
            received.withLockedValue { $0.append("\(request.uri.path) \(request.headers[.authorization] ?? "")") }
            return Response(status: status, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: TestDatabase.logger)
        try await app.test(.live) { client in
            try await test(RecordingHost(url: "http://127.0.0.1:\(client.port!)", received: received))
        }
    }
}
