import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldApp

@Suite("Web console")
struct WebConsoleTests {
    /// Signs in through the login form and returns the session cookie and the page's CSRF token.
    static func signIn(_ app: TestApp, email: String = "owner@acme.test", role: Role = .owner) async throws -> (cookie: String, csrf: String) {
        _ = try await app.services.users.create(workspaceID: app.workspace.id, email: email, password: "correct horse", role: role)
        let page = try await app.request(.get, "/login", key: "")
        let loginCookie = try #require(page.headers[.setCookie]?.split(separator: ";").first.map(String.init))
        let token = try #require(page.text.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1)
        let login = try await app.request(
            .post, "/login", body: "_csrf=\(token)&email=\(email)&password=correct+horse", contentType: "application/x-www-form-urlencoded", key: "",
            headers: [.cookie: loginCookie]
        )
        #expect(login.status == .found, "\(login.text)")
        #expect(login.headers[.location] == "/contacts")
        let setCookie = try #require(login.headers[.setCookie])
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"))
        let cookie = String(setCookie.split(separator: ";")[0])
        let contacts = try await app.request(.get, "/contacts", key: "", headers: [.cookie: cookie])
        let csrf = try #require(contacts.text.firstMatch(of: /name="csrf-token" content="([^"]+)"/)?.1)
        return (cookie, String(csrf))
    }

    @Test("pages need a session, and a wrong password keeps you on the login page")
    func login() async throws {
        try await TestApp.with(.sqlite) { app in
            let redirect = try await app.request(.get, "/contacts", key: "")
            #expect(redirect.status == .seeOther && redirect.headers[.location] == "/login")
            _ = try await app.services.users.create(workspaceID: app.workspace.id, email: "a@acme.test", password: "correct horse", role: .owner)
            let page = try await app.request(.get, "/login", key: "")
            let cookie = String(page.headers[.setCookie]!.split(separator: ";")[0])
            let token = String(page.text.firstMatch(of: /name="_csrf" value="([^"]+)"/)!.1)
            let wrong = try await app.request(
                .post, "/login", body: "_csrf=\(token)&email=a@acme.test&password=nope", contentType: "application/x-www-form-urlencoded", key: "",
                headers: [.cookie: cookie]
            )
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("do not match"))
            let asBrowser = try await app.request(
                .post, "/login", body: "_csrf=\(token)&email=a@acme.test&password=nope", contentType: "application/x-www-form-urlencoded", key: "",
                headers: [.cookie: cookie, .accept: "text/html,application/xhtml+xml"]
            )
            #expect(asBrowser.text.contains("id=\"login-error\""), "a browser sees the login form again, not an error page")
            let forged = try await app.request(
                .post, "/login", body: "_csrf=forged&email=a@acme.test&password=correct+horse", contentType: "application/x-www-form-urlencoded", key: ""
            )
            #expect(forged.status == .forbidden, "a login without the form's token is refused")
        }
    }

    @Test("the console lists, searches and shows contacts; the API needs the CSRF header with a session")
    func contacts() async throws {
        try await TestApp.with(.sqlite) { app in
            let (cookie, csrf) = try await Self.signIn(app)
            _ = try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","name":"Anna <b>Bold</b>"}"#)
            let page = try await app.request(.get, "/contacts?q=Anna+%3Cb%3EBold", key: "", headers: [.cookie: cookie])
            #expect(page.status == .ok)
            #expect(page.text.contains("Anna &lt;b&gt;Bold&lt;/b&gt;"), "names are escaped")
            #expect(page.text.contains("id=\"import-file\""))
            let id = String(page.text.firstMatch(of: /href="\/contacts\/([0-9a-f-]+)"/)!.1)
            let detail = try await app.request(.get, "/contacts/\(id)", key: "", headers: [.cookie: cookie])
            #expect(detail.text.contains("+4915112345678"))
            let rows = try await app.request(.get, "/contacts?fragment=rows", key: "", headers: [.cookie: cookie])
            #expect(rows.text.contains("contact-link") && !rows.text.contains("<html"))
            expectError(
                try await app.request(.post, "/api/contacts", json: #"{"phone":"+447911123456"}"#, key: "", headers: [.cookie: cookie]), .forbidden, code: "csrf"
            )
            let withToken = try await app.request(
                .post, "/api/contacts", json: #"{"phone":"+447911123456"}"#, key: "", headers: [.cookie: cookie, .init("X-CSRF-Token")!: csrf]
            )
            #expect(withToken.status == .created)
            for section in ["/segments", "/campaigns", "/ab-tests", "/analytics", "/integrations", "/settings"] {
                #expect(try await app.request(.get, section, key: "", headers: [.cookie: cookie]).status == .ok, "\(section)")
            }
        }
    }

    @Test("settings create and revoke API keys from the console; forms without the token are refused")
    func settings() async throws {
        try await TestApp.with(.sqlite) { app in
            let (cookie, csrf) = try await Self.signIn(app)
            let form: HTTPFields = [.cookie: cookie]
            let refused = try await app.request(.post, "/settings/api-keys", body: "name=Zapier&role=member", contentType: "application/x-www-form-urlencoded", key: "", headers: form)
            #expect(refused.status == .forbidden)
            let created = try await app.request(.post, "/settings/api-keys", body: "_csrf=\(csrf)&name=Zapier&role=member", contentType: "application/x-www-form-urlencoded", key: "", headers: form)
            let secret = try #require(created.text.firstMatch(of: /id="new-api-key">(hk_[A-Za-z0-9_-]+)</)?.1)
            #expect(try await app.request(.get, "/api/contacts", key: String(secret)).status == .ok)
            let keyID = try #require(try await app.services.keys.list(workspaceID: app.workspace.id).first { $0.name == "Zapier" }?.id)
            _ = try await app.request(.post, "/settings/api-keys/\(keyID.uuidString)/revoke", body: "_csrf=\(csrf)", contentType: "application/x-www-form-urlencoded", key: "", headers: form)
            #expect(try await app.request(.get, "/api/contacts", key: String(secret)).status == .unauthorized)
            let user = try await app.request(.post, "/settings/users", body: "_csrf=\(csrf)&email=new%40acme.test&password=longenough&role=viewer", contentType: "application/x-www-form-urlencoded", key: "", headers: form)
            #expect(user.text.contains("new@acme.test can now sign in as viewer"))
            let logout = try await app.request(.post, "/logout", body: "_csrf=\(csrf)", contentType: "application/x-www-form-urlencoded", key: "", headers: form)
            #expect(logout.headers[.location] == "/login")
            #expect(try await app.request(.get, "/contacts", key: "", headers: form).status == .seeOther, "the session ended")
        }
    }

    @Test("a viewer sees the console but no import form")
    func viewer() async throws {
        try await TestApp.with(.sqlite) { app in
            let (cookie, _) = try await Self.signIn(app, email: "viewer@acme.test", role: .viewer)
            let page = try await app.request(.get, "/contacts", key: "", headers: [.cookie: cookie])
            #expect(page.status == .ok)
            #expect(!page.text.contains("import-file"))
        }
    }
}
