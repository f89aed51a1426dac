import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldApp

@Suite("Console sessions: CSRF, body limits and cookies")
struct ConsoleSecurityTests {
    static let form = "application/x-www-form-urlencoded"

    @Test("a session changes nothing without its CSRF token, however the path is spelled", arguments: Engine.available)
    func csrfPathSpellings(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let (cookie, csrf) = try await WebConsoleTests.signIn(app)
            let session: HTTPFields = [.cookie: cookie]
            let id = try #require(try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","name":"Anna"}"#).json["id"].string)
            for path in ["//api/contacts", "/api//contacts", "///api/contacts", "/api/contacts/", "//api//contacts"] {
                let response = try await app.request(.post, path, json: #"{"phone":"+447911123456"}"#, key: "", headers: session)
                expectError(response, .forbidden, code: "csrf")
            }
            expectError(
                try await app.request(.patch, "//api/contacts/\(id)", json: #"{"name":"Changed"}"#, key: "", headers: session), .forbidden,
                code: "csrf")
            expectError(try await app.request(.put, "//api/rates", json: #"{"rates":[]}"#, key: "", headers: session), .forbidden, code: "csrf")
            expectError(try await app.request(.delete, "//api/contacts/\(id)", key: "", headers: session), .forbidden, code: "csrf")
            expectError(
                try await app.request(.post, "//api/api-keys", json: #"{"name":"Sneaky","role":"owner"}"#, key: "", headers: session), .forbidden,
                code: "csrf")
            let contacts = try await app.request(.get, "/api/contacts").json["data"].array
            #expect(contacts.count == 1 && contacts[0]["name"].string == "Anna", "nothing was created, changed or deleted")
            #expect(try await app.services.keys.list(workspaceID: app.workspace.id).allSatisfy { $0.name != "Sneaky" })
            // A wrong token is as good as none; the right one, in the header or in a form, lets the request through.
            let wrong: HTTPFields = [.cookie: cookie, .init("X-CSRF-Token")!: (csrf.first == "x" ? "y" : "x") + csrf.dropFirst()]
            expectError(try await app.request(.delete, "//api/contacts/\(id)", key: "", headers: wrong), .forbidden, code: "csrf")
            let right: HTTPFields = [.cookie: cookie, .init("X-CSRF-Token")!: csrf]
            #expect(try await app.request(.patch, "//api/contacts/\(id)", json: #"{"name":"Anna B"}"#, key: "", headers: right).status == .ok)
        }
    }

    @Test("console forms need the session's token at any path spelling", arguments: Engine.available)
    func csrfForms(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let (cookie, csrf) = try await WebConsoleTests.signIn(app)
            let session: HTTPFields = [.cookie: cookie]
            for path in ["/settings/api-keys", "//settings/api-keys", "/settings//api-keys"] {
                let refused = try await app.request(.post, path, body: "name=Forged&role=owner", contentType: Self.form, key: "", headers: session)
                #expect(refused.status == .forbidden, "\(path): \(refused.status)")
            }
            #expect(try await app.services.keys.list(workspaceID: app.workspace.id).allSatisfy { $0.name != "Forged" })
            let created = try await app.request(
                .post, "//settings/api-keys", body: "_csrf=\(csrf)&name=Zapier&role=member", contentType: Self.form, key: "", headers: session)
            #expect(created.status == .ok, "\(created.text)")
            #expect(try await app.services.keys.list(workspaceID: app.workspace.id).contains { $0.name == "Zapier" })
            let logout = try await app.request(.post, "//logout", body: "", contentType: Self.form, key: "", headers: session)
            #expect(logout.status == .forbidden, "signing out needs the token too")
            #expect(try await app.request(.get, "/contacts", key: "", headers: session).status == .ok, "the session goes on")
        }
    }

    @Test("pages before sign-in take a small body and answer 413 past it")
    func smallBodiesBeforeSignIn() async throws {
        try await TestApp.with(.sqlite) { app in
            let page = try await app.request(.get, "/login", key: "")
            let loginCookie = try #require(page.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            let token = try #require(page.text.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1)
            let padding = String(repeating: "a", count: 70 * 1024)
            let large = try await app.request(
                .post, "/login", body: "_csrf=\(token)&email=a@acme.test&password=x&pad=\(padding)", contentType: Self.form, key: "",
                headers: [.cookie: loginCookie]
            )
            #expect(large.status == .contentTooLarge, "\(large.status)")
            #expect(large.json["error"]["code"].string == "body_too_large", "\(large.text)")
            let small = try await app.request(
                .post, "/login", body: "_csrf=\(token)&email=a@acme.test&password=x&pad=abc", contentType: Self.form, key: "",
                headers: [.cookie: loginCookie]
            )
            #expect(small.status == .unauthorized, "an ordinary form is read: \(small.status)")
            let json = try await app.request(.post, "/api/contacts", json: "{\"pad\":\"\(padding)\"}", key: "")
            expectError(json, .unauthorized)
        }
    }

    @Test("session cookies are Secure when the public URL is https, and not when it is http")
    func secureCookies() async throws {
        for (publicURL, secure) in [("https://herald.example.com", true), ("http://herald.example.com", false), (nil, false)] {
            try await TestDatabase.with(.sqlite) { database in
                let services = AppServices(database: database, bcryptCost: 4)
                let (workspace, _) = try await services.workspaces.create(name: "Acme")
                _ = try await services.users.create(workspaceID: workspace.id, email: "a@acme.test", password: "correct horse", role: .owner)
                var config = HeraldConfig(databaseURL: .sqlite(path: ""), dataDirectory: "", secretKey: .random())
                config.runWorkers = false
                config.publicURL = publicURL
                let router = buildRouter(services: services, config: config, web: try await WebConsole.load())
                try await Application(router: router, logger: TestDatabase.logger).test(.router) { client in
                    let page = try await client.executeRequest(uri: "/login", method: .get, headers: [:], body: nil)
                    let loginCookie = try #require(page.headers[.setCookie])
                    #expect(loginCookie.contains("Secure") == secure, "\(publicURL ?? "none"): \(loginCookie)")
                    let token = try #require(String(buffer: page.body).firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1)
                    let login = try await client.executeRequest(
                        uri: "/login", method: .post, headers: [.cookie: String(loginCookie.split(separator: ";")[0]), .contentType: Self.form],
                        body: ByteBuffer(string: "_csrf=\(token)&email=a@acme.test&password=correct+horse")
                    )
                    let sessionCookie = try #require(login.headers[.setCookie])
                    #expect(sessionCookie.hasPrefix("herald_session="))
                    #expect(sessionCookie.contains("Secure") == secure, "\(publicURL ?? "none"): \(sessionCookie)")
                }
            }
        }
    }

    @Test("signing in again while a session is still valid works: the login form's own token is checked", arguments: Engine.available)
    func signInAgain(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let (session, _) = try await WebConsoleTests.signIn(app)
            let page = try await app.request(.get, "/login", key: "")
            let loginCookie = try #require(page.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            let token = try #require(page.text.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1)
            let again = try await app.request(
                .post, "/login", body: "_csrf=\(token)&email=owner@acme.test&password=correct+horse", contentType: Self.form, key: "",
                headers: [.cookie: "\(session); \(loginCookie)"]
            )
            #expect(again.status == .found, "\(again.text)")
            let forged = try await app.request(
                .post, "/login", body: "_csrf=forged&email=owner@acme.test&password=correct+horse", contentType: Self.form, key: "",
                headers: [.cookie: "\(session); \(loginCookie)"]
            )
            #expect(forged.status != .found, "the login form's token is still required")
        }
    }
}
