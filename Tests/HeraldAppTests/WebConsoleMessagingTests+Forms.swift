import Foundation
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing
import WhatsApp

@testable import HeraldApp

extension WebConsoleMessagingTests {
    static let campaignForm: [(String, String)] = [
        ("name", "Summer <sale>"), ("var.1.source", "first_name"), ("var.1.fallback", "there"), ("var.2.source", "text"), ("var.2.text", "25%"),
        ("cta_url", "https://shop.example/summer?a=1&b=2"), ("audience", "all"), ("when", "draft"),
    ]

    static func replacing(_ form: [(String, String)], _ name: String, with value: String?) -> [(String, String)] {
        form.filter { $0.0 != name } + (value.map { [(name, $0)] } ?? [])
    }

    @Test("a refused campaign form shows the error next to the field, keeps the values and stores nothing", arguments: Engine.available)
    func campaignFormErrors(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 2)
            let (cookie, csrf) = try await WebConsoleTests.signIn(app)
            let form = [("template_id", f.template.id.uuidString.lowercased())] + Self.campaignForm
            func submit(_ name: String, _ value: String?) async throws -> TestResponse {
                try await Self.post(app, "/campaigns/new", Self.replacing(form, name, with: value), cookie: cookie, csrf: csrf)
            }
            let noText = try await submit("var.2.text", nil)
            #expect(noText.status == .unprocessableContent)
            #expect(noText.text.contains("class=\"field-error var-error\""), "the error sits in the variable's row")
            #expect(noText.text.contains("value=\"Summer &lt;sale&gt;\""), "the name is kept, escaped")
            #expect(noText.text.contains("value=\"https://shop.example/summer?a=1&amp;b=2\""), "the link is kept")
            #expect(noText.text.contains("<option value=\"first_name\" selected>"), "the mapping is kept")
            for (name, value, slot) in [
                ("cta_url", nil, "error-cta_url"), ("cta_url", "javascript:alert(1)", "error-cta_url"), ("name", nil, "error-name"),
                ("name", "Spring", "error-name"), ("when", "at", "error-scheduled_at"), ("template_id", UUID().uuidString, "error-template_id"),
            ] as [(String, String?, String)] {
                let response = try await submit(name, value)
                #expect(response.status.code >= 400, "\(name)=\(value ?? "nil")")
                #expect(response.text.contains("id=\"\(slot)\""), "\(name)=\(value ?? "nil") shows no \(slot)")
            }
            #expect(try await submit("var.1.source", "shoe_size").text.contains("field-error var-error"))
            #expect(try await Self.count(app, "campaigns") == 1, "nothing was stored")

            let saved = try await Self.post(app, "/campaigns/new", form, cookie: cookie, csrf: csrf)
            #expect(saved.status == .seeOther, "\(saved.text)")
            let location = try #require(saved.headers[.location])
            let id = try #require(location.firstMatch(of: /\/campaigns\/([0-9a-f-]{36})\?done=created/)?.1).description
            let campaign = try #require(try await app.services.messaging.campaigns.find(workspaceID: app.workspace.id, id: UUID(uuidString: id)!))
            #expect(campaign.status == .draft && campaign.name == "Summer <sale>" && campaign.ctaURL == "https://shop.example/summer?a=1&b=2")
            #expect(
                campaign.variables["1"] == VariableSource(field: "first_name", fallback: "there")
                    && campaign.variables["2"] == VariableSource(text: "25%")
            )
            #expect(try await Self.page(app, location, cookie: cookie).contains("Draft saved"))

            func act(_ action: String) async throws -> (TestResponse, String?) {
                let response = try await Self.post(app, "/campaigns/\(id)/\(action)", [], cookie: cookie, csrf: csrf)
                return (response, try await app.services.messaging.campaigns.find(workspaceID: app.workspace.id, id: campaign.id)?.status.rawValue)
            }
            #expect(try await act("send").1 == "scheduled")
            #expect(try await act("pause").1 == "paused")
            #expect(try await act("resume").1 == "scheduled")
            #expect(try await act("cancel").1 == "cancelled")
            let (refused, status) = try await act("pause")
            #expect(refused.status == .conflict && refused.text.contains("cannot be paused") && status == "cancelled")
            #expect(try await Self.post(app, "/campaigns/\(id)/explode", [], cookie: cookie, csrf: csrf).status == .notFound)
        }
    }

    @Test("a template with an image header asks for a file from the media library and shows it in the preview")
    func mediaHeader() async throws {
        try await TestApp.with(.sqlite) { app in
            let f = try await MessagingFixture.make(app, contacts: 1)
            let definition = TemplateDefinition(
                id: "9002", name: "new_arrivals", language: "en", category: "MARKETING", status: "APPROVED",
                components: [TemplateComponent(type: "HEADER", format: "IMAGE"), TemplateComponent(type: "BODY", text: "New in, {{1}}!")]
            )
            _ = try await app.services.messaging.templates.replaceAll(
                workspaceID: app.workspace.id, accountID: f.account.id, templates: [MessagingFixture.template, definition]
            )
            let template = try #require(try await app.services.messaging.templates.list(workspaceID: app.workspace.id).first { $0.name == "new_arrivals" })
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 64)
            let item = try await app.services.messaging.media.save(workspaceID: app.workspace.id, mimeType: "image/png", filename: "hero.png", bytes: png)
            let (cookie, csrf) = try await WebConsoleTests.signIn(app)
            let page = try await Self.page(app, "/campaigns/new?template_id=\(template.id.uuidString.lowercased())", cookie: cookie)
            #expect(page.contains("<div id=\"media-field\">") && page.contains("hero.png (image)") && page.contains("wa-media wa-image"))
            #expect(page.contains("<div id=\"cta-field\" hidden>"), "no link button, no link field")
            let form: [(String, String)] = [("name", "Arrivals"), ("template_id", template.id.uuidString), ("var.1.source", "first_name"), ("when", "draft")]
            let missing = try await Self.post(app, "/campaigns/new", form, cookie: cookie, csrf: csrf)
            #expect(missing.status == .unprocessableContent && missing.text.contains("id=\"error-media_id\""))
            let saved = try await Self.post(app, "/campaigns/new", form + [("media_id", item.id.uuidString.lowercased())], cookie: cookie, csrf: csrf)
            let location = try #require(saved.headers[.location], "\(saved.text)")
            #expect(try await Self.page(app, location, cookie: cookie).contains("<img src=\"/media/\(item.publicToken)/hero.png\""))
        }
    }

    @Test("a time to send is read in the workspace's time zone")
    func scheduleAt() async throws {
        try await TestApp.with(.sqlite) { app in
            let f = try await MessagingFixture.make(app, contacts: 1)
            _ = try await app.services.workspaces.update(
                id: app.workspace.id,
                name: nil,
                timeZone: "Asia/Kolkata",
                currency: nil,
                defaultCountry: nil
            )
            let (cookie, csrf) = try await WebConsoleTests.signIn(app)
            let form =
                [("template_id", f.template.id.uuidString), ("scheduled_at", "2031-03-01T09:30")]
                + Self.replacing(Self.campaignForm, "when", with: "at")
            let saved = try await Self.post(app, "/campaigns/new", form, cookie: cookie, csrf: csrf)
            #expect(saved.headers[.location]?.hasSuffix("?done=scheduled") == true, "\(saved.text)")
            let campaign = try #require(
                try await app.services.messaging.campaigns.list(workspaceID: app.workspace.id).first { $0.name == "Summer <sale>" }
            )
            #expect(campaign.status == .scheduled)
            #expect(campaign.scheduledAt == ISODate.parse("2031-03-01T04:00:00Z"))
        }
    }

    @Test("a refused account form shows the error next to the field, never echoes secrets, and stores nothing")
    func accountForm() async throws {
        try await TestApp.with(.sqlite) { app in
            let (cookie, csrf) = try await WebConsoleTests.signIn(app)
            let good: [(String, String)] = [
                ("name", "Shop number"), ("phone_number_id", "106540352242922"), ("waba_id", "102290129340398"), ("access_token", "secret-token-123"),
                ("app_secret", "secret-app-456"), ("verify_token", "secret-verify-789"), ("api_base_url", "http://127.0.0.1:9"),
                ("api_version", "v21.0"),
                ("throughput", "80"), ("messaging_tier", "TIER_1K"),
            ]
            for (name, value) in [("phone_number_id", "abc"), ("throughput", "0"), ("api_base_url", "ftp://x"), ("name", "")] {
                let response = try await Self.post(
                    app,
                    "/settings/whatsapp/accounts",
                    Self.replacing(good, name, with: value),
                    cookie: cookie,
                    csrf: csrf
                )
                #expect(response.status == .unprocessableContent, "\(name)")
                #expect(response.text.contains("id=\"error-\(name)\""), "\(name): \(response.text)")
                #expect(!response.text.contains("secret-token-123") && !response.text.contains("secret-app-456"), "secrets are not echoed")
                #expect(name == "name" || response.text.contains("value=\"Shop number\""))
            }
            #expect(try await Self.count(app, "whatsapp_accounts") == 0)
            let added = try await Self.post(app, "/settings/whatsapp/accounts", good, cookie: cookie, csrf: csrf)
            #expect(added.status == .ok && added.text.contains("Account “Shop number” added") && added.text.contains("TIER_1K"))
            let account = try #require(try await app.services.messaging.accounts.list(workspaceID: app.workspace.id).first)
            let tested = try await Self.post(app, "/settings/whatsapp/accounts/\(account.id.uuidString)/test", [], cookie: cookie, csrf: csrf)
            #expect(tested.status == .ok && tested.text.contains("Could not reach http://127.0.0.1:9"), "the result is a flash message")

            try await app.database.transaction { sql in
                try await SendOutcome.halt(accountID: account.id, workspaceID: app.workspace.id, detail: "token expired", in: sql)
            }
            let halted = try await Self.page(app, "/settings/whatsapp", cookie: cookie)
            #expect(halted.contains("Halted: token expired") && halted.contains("Resume sending"))
            _ = try await Self.post(app, "/settings/whatsapp/accounts/\(account.id.uuidString)/resume", [], cookie: cookie, csrf: csrf)
            #expect(try await app.services.messaging.accounts.find(workspaceID: app.workspace.id, id: account.id)?.status == "active")

            let clash = try await Self.post(
                app,
                "/settings/whatsapp/keywords",
                [("opt_out", "STOP\nHALT"), ("opt_in", "start\nstop")],
                cookie: cookie,
                csrf: csrf
            )
            #expect(clash.status == .unprocessableContent && clash.text.contains("id=\"error-opt_in\"") && clash.text.contains("HALT"))
            let saved = try await Self.post(
                app,
                "/settings/whatsapp/keywords",
                [("opt_out", " STOP \r\n\r\nHALT"), ("opt_in", "START")],
                cookie: cookie,
                csrf: csrf
            )
            #expect(saved.text.contains("Consent keywords saved."))
            let keywords = try await ConsentKeywordsUpdate(services: app.services.messaging).current(workspaceID: app.workspace.id)
            #expect(keywords.optOut == ["STOP", "HALT"] && keywords.optIn == ["START"])
        }
    }

    @Test("open alerts show above the campaign pages and are resolved from there")
    func alerts() async throws {
        try await TestApp.with(.sqlite) { app in
            let f = try await MessagingFixture.make(app, contacts: 0)
            try await app.database.transaction { sql in
                try await AlertStore.raise(
                    workspaceID: app.workspace.id,
                    level: "warning",
                    kind: "campaign_held",
                    message: "Spring is held: <quality> dropped",
                    campaignID: f.campaign.id,
                    in: sql
                )
            }
            let (cookie, csrf) = try await WebConsoleTests.signIn(app)
            let detailPath = "/campaigns/\(f.campaign.id.uuidString.lowercased())"
            for path in ["/campaigns", detailPath, "/campaigns/new"] {
                #expect(try await Self.page(app, path, cookie: cookie).contains("Spring is held: &lt;quality&gt; dropped"), "\(path)")
            }
            let alert = try #require(try await app.services.messaging.alerts.list(workspaceID: app.workspace.id, openOnly: true).first)
            let resolved = try await Self.post(app, "/alerts/\(alert.id.uuidString)/resolve", [("back", detailPath)], cookie: cookie, csrf: csrf)
            #expect(resolved.status == .seeOther && resolved.headers[.location] == detailPath)
            #expect(try await app.services.messaging.alerts.list(workspaceID: app.workspace.id, openOnly: true).isEmpty)
            let offsite = try await Self.post(
                app,
                "/alerts/\(alert.id.uuidString)/resolve",
                [("back", "https://evil.example")],
                cookie: cookie,
                csrf: csrf
            )
            #expect(offsite.headers[.location] == "/campaigns", "only console pages are followed back")
        }
    }
}
