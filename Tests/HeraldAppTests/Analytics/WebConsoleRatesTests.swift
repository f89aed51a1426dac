import Foundation
import HummingbirdTesting
import Testing

@testable import HeraldApp

/// Settings → WhatsApp → Message rates: the rate table as an edit form with the API's validation.
@Suite("Console rate form")
struct WebConsoleRatesTests {
    typealias Page = WebConsoleMessagingTests

    @Test("the rate form edits, adds and removes rows; a refused row shows its error beside the field and stores nothing", arguments: Engine.available)
    func editRates(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let (cookie, csrf) = try await WebConsoleTests.signIn(app)
            let page = try await Page.page(app, "/settings/whatsapp", cookie: cookie)
            #expect(page.contains("id=\"rates-form\"") && page.contains("name=\"rate_0_price\"") && page.contains("value=\"2025-07-01\""))
            let form: [(String, String)] = [
                ("currency", "eur"), ("as_of", "2026-11-30"), ("rate_rows", "4"),
                ("rate_0_code", "49"), ("rate_0_category", "marketing"), ("rate_0_price", "0.1131"),
                ("rate_1_code", "*"), ("rate_1_category", "marketing"), ("rate_1_price", "0.055"),
                ("rate_2_code", "44"), ("rate_2_category", "utility"), ("rate_2_price", "0.0220"), ("rate_2_remove", "on"),
                ("rate_3_code", ""), ("rate_3_category", "marketing"), ("rate_3_price", ""),
            ]
            let refused = try await Page.post(app, "/settings/whatsapp/rates", Page.replacing(form, "rate_1_price", with: "0.0550001"), cookie: cookie, csrf: csrf)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("id=\"error-rate_1_price\""), "the error sits beside the second row's price")
            #expect(refused.text.contains("value=\"0.0550001\""), "the typed value is kept")
            #expect(try await app.services.messaging.rates.table(workspaceID: app.workspace.id) == .builtIn, "nothing was stored")
            let badCode = try await Page.post(app, "/settings/whatsapp/rates", Page.replacing(form, "rate_0_code", with: "4a"), cookie: cookie, csrf: csrf)
            #expect(badCode.text.contains("id=\"error-rate_0_code\""))
            let badDate = try await Page.post(app, "/settings/whatsapp/rates", Page.replacing(form, "as_of", with: "2026-02-30"), cookie: cookie, csrf: csrf)
            #expect(badDate.text.contains("id=\"error-as_of\""))

            let saved = try await Page.post(app, "/settings/whatsapp/rates", form, cookie: cookie, csrf: csrf)
            #expect(saved.status == .ok, "\(saved.text)")
            #expect(saved.text.contains("Message rates saved: 2 rates in EUR."))
            let table = try await app.services.messaging.rates.table(workspaceID: app.workspace.id)
            #expect(table.currency == "EUR" && table.asOf == "2026-11-30")
            #expect(table.rates.map { "\($0.callingCode) \($0.category) \($0.priceMicros)" } == ["* marketing 55000", "49 marketing 113100"])
            #expect(saved.text.contains("value=\"0.1131\"") && saved.text.contains("name=\"rate_4_price\""), "saved rows and three blank ones")
        }
    }

    @Test("members see the rates but cannot change them")
    func memberCannotEdit() async throws {
        try await TestApp.with(.sqlite) { app in
            let (cookie, csrf) = try await WebConsoleTests.signIn(app, email: "member@acme.test", role: .member)
            let page = try await Page.page(app, "/settings/whatsapp", cookie: cookie)
            #expect(page.contains("name=\"rate_0_price\"") && !page.contains("id=\"save-rates\""))
            let refused = try await Page.post(app, "/settings/whatsapp/rates", [("currency", "EUR"), ("rate_rows", "0")], cookie: cookie, csrf: csrf)
            #expect(refused.status == .forbidden)
            #expect(try await app.services.messaging.rates.table(workspaceID: app.workspace.id) == .builtIn)
        }
    }
}
