import Foundation
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

@testable import HeraldApp

@Suite("Web console: WhatsApp, templates, media and campaigns")
struct WebConsoleMessagingTests {
    /// Posts a console form with the session cookie; `csrf` is added unless nil.
    static func post(_ app: TestApp, _ path: String, _ fields: [(String, String)], cookie: String, csrf: String?) async throws -> TestResponse {
        var items = fields.map { URLQueryItem(name: $0.0, value: $0.1) }
        if let csrf { items.insert(URLQueryItem(name: "_csrf", value: csrf), at: 0) }
        var components = URLComponents()
        components.queryItems = items
        let body = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return try await app.request(.post, path, body: body, contentType: "application/x-www-form-urlencoded", key: "", headers: [.cookie: cookie])
    }

    static func count(_ app: TestApp, _ table: String) async throws -> Int {
        try await app.database.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()!.decode(column: "n", as: Int.self)
        }
    }

    static func page(_ app: TestApp, _ path: String, cookie: String) async throws -> String {
        let response = try await app.request(.get, path, key: "", headers: [.cookie: cookie])
        #expect(response.status == .ok, "\(path): \(response.status)")
        return response.text
    }

    @Test("every new page renders for a signed-in user with its key content", arguments: Engine.available)
    func pages(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app)
            let (cookie, _) = try await WebConsoleTests.signIn(app)
            let whatsapp = try await Self.page(app, "/settings/whatsapp", cookie: cookie)
            for text in [
                "Main", MessagingFixture.phoneNumberID, MessagingFixture.wabaID, "/webhooks/whatsapp", "TIER_2K", "Opt-out keywords", "STOP",
                "PUT /api/rates", "value=\"44\"",
            ] {
                #expect(whatsapp.contains(text), "WhatsApp settings lack \(text)")
            }
            #expect(!whatsapp.contains("fixture-app-secret") && !whatsapp.contains("fixture-verify"), "secrets never reach the page")
            let templates = try await Self.page(app, "/templates", cookie: cookie)
            #expect(templates.contains("spring_sale") && templates.contains("APPROVED") && templates.contains("Templates</a>"))
            let templateID = f.template.id.uuidString.lowercased()
            let template = try await Self.page(app, "/templates/\(templateID)", cookie: cookie)
            #expect(template.contains("wa-bubble") && template.contains("Hi {{1}}, take {{2}} off this week.") && template.contains("Shop now"))
            let contactID = f.messages[0].contact.uuidString.lowercased()
            let forContact = try await Self.page(app, "/templates/\(templateID)?contact_id=\(contactID)&v.1=first_name", cookie: cookie)
            #expect(forContact.contains("Hi Person, take {{2}} off this week."), "the preview fills {{1}} from the chosen contact")
            let media = try await Self.page(app, "/media", cookie: cookie)
            #expect(media.contains("Media library") && media.contains("id=\"media-file\""))
            let campaigns = try await Self.page(app, "/campaigns", cookie: cookie)
            #expect(campaigns.contains("Spring") && campaigns.contains("status sending") && campaigns.contains("id=\"new-campaign\""))
            #expect(!campaigns.contains("Coming next"))
            let new = try await Self.page(app, "/campaigns/new", cookie: cookie)
            for text in [
                "spring_sale (en_US, marketing)", "name=\"var.1.source\"", "name=\"var.2.text\"", "id=\"c-cta\"", "All opted-in contacts",
                "Saved segment",
                "type=\"datetime-local\"", "id=\"pf-eligible\">3<", "campaigns.js",
            ] {
                #expect(new.contains(text), "New campaign lacks \(text)")
            }
            let fragment = try await Self.page(app, "/campaigns/new?fragment=preflight&template_id=\(templateID)", cookie: cookie)
            #expect(fragment.contains("pf-eligible") && !fragment.contains("<html"))
            let detail = try await Self.page(app, "/campaigns/\(f.campaign.id.uuidString.lowercased())", cookie: cookie)
            for text in [
                "Spring", "data-stat=\"sent\"", "Recent messages", f.messages[0].phone, "data-live=\"1\"", "id=\"pause\"", "id=\"cancel\"",
                "first_name, else “there”",
            ] {
                #expect(detail.contains(text), "campaign page lacks \(text)")
            }
            #expect(try await app.request(.get, "/campaigns/\(UUID())", key: "", headers: [.cookie: cookie]).status == .notFound)
        }
    }

    @Test("a viewer sees the pages but every form is refused with 403 and changes nothing")
    func viewer() async throws {
        try await TestApp.with(.sqlite) { app in
            let f = try await MessagingFixture.make(app, contacts: 1)
            let (cookie, csrf) = try await WebConsoleTests.signIn(app, email: "viewer@acme.test", role: .viewer)
            let campaigns = try await Self.page(app, "/campaigns", cookie: cookie)
            #expect(!campaigns.contains("id=\"new-campaign\""))
            #expect(!(try await Self.page(app, "/settings/whatsapp", cookie: cookie)).contains("id=\"account-form\""))
            #expect(try await app.request(.get, "/campaigns/new", key: "", headers: [.cookie: cookie]).status == .forbidden)
            let account = f.account.id.uuidString.lowercased()
            let campaign = f.campaign.id.uuidString.lowercased()
            let forms: [(String, [(String, String)])] = [
                (
                    "/settings/whatsapp/accounts",
                    [
                        ("name", "Other"), ("phone_number_id", "1"), ("waba_id", "2"), ("access_token", "t"), ("app_secret", "s"),
                        ("verify_token", "v"),
                    ]
                ),
                ("/settings/whatsapp/accounts/\(account)/test", []), ("/settings/whatsapp/accounts/\(account)/sync", []),
                ("/settings/whatsapp/accounts/\(account)/resume", []), ("/settings/whatsapp/keywords", [("opt_out", "HALT"), ("opt_in", "GO")]),
                ("/campaigns/new", [("name", "Sneaky"), ("template_id", f.template.id.uuidString)]),
                ("/campaigns/\(campaign)/pause", []), ("/campaigns/\(campaign)/cancel", []), ("/alerts/\(UUID())/resolve", []),
            ]
            for (path, fields) in forms {
                let response = try await Self.post(app, path, fields, cookie: cookie, csrf: csrf)
                #expect(response.status == .forbidden, "\(path) answered \(response.status)")
            }
            #expect(try await Self.count(app, "whatsapp_accounts") == 1)
            #expect(try await Self.count(app, "campaigns") == 1)
            #expect(try await app.services.messaging.campaigns.find(workspaceID: app.workspace.id, id: f.campaign.id)?.status == .sending)
            let keywords = try await ConsentKeywordsUpdate(services: app.services.messaging).current(workspaceID: app.workspace.id)
            #expect(!keywords.optOut.contains("HALT"))
        }
    }

    @Test("forms without the session's CSRF token are refused")
    func csrf() async throws {
        try await TestApp.with(.sqlite) { app in
            let f = try await MessagingFixture.make(app, contacts: 0)
            let (cookie, _) = try await WebConsoleTests.signIn(app)
            let refused = try await Self.post(app, "/campaigns/\(f.campaign.id.uuidString)/cancel", [], cookie: cookie, csrf: "forged")
            #expect(refused.status == .forbidden)
            #expect(try await app.services.messaging.campaigns.find(workspaceID: app.workspace.id, id: f.campaign.id)?.status == .sending)
        }
    }
}
