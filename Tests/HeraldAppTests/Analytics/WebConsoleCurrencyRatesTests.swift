import Foundation
import HummingbirdTesting
import Testing

@testable import HeraldApp

/// Settings → Currency rates: the form for `PUT /api/currency-rates`.
@Suite("Console currency rates form")
struct WebConsoleCurrencyRatesTests {
    typealias Page = WebConsoleMessagingTests

    @Test("the currency form adds and removes rates; a refused row shows its error beside the field and stores nothing", arguments: Engine.available)
    func editRates(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let (cookie, csrf) = try await WebConsoleTests.signIn(app)
            let store = CurrencyRateStore(database: app.database)
            let page = try await Page.page(app, "/settings", cookie: cookie)
            #expect(page.contains("id=\"currency-rates-form\"") && page.contains("name=\"cur_1_rate\""))
            let form: [(String, String)] = [
                ("cur_rows", "3"), ("cur_0_code", "eur"), ("cur_0_rate", "1.08"), ("cur_0_as_of", "2026-11-30"),
                ("cur_1_code", "JPY"), ("cur_1_rate", "0.006712"), ("cur_1_as_of", ""),
                ("cur_2_code", "GBP"), ("cur_2_rate", "1.27"), ("cur_2_remove", "on"),
            ]
            for (name, value, slot) in [
                ("cur_1_rate", "0.0067123", "error-cur_1_rate"), ("cur_1_rate", "0", "error-cur_1_rate"), ("cur_0_code", "USD", "error-cur_0_code"),
                ("cur_0_as_of", "2026-02-30", "error-cur_0_as_of"), ("cur_1_code", "EUR", "error-cur_1_code"),
            ] {
                let refused = try await Page.post(app, "/settings/currency-rates", Page.replacing(form, name, with: value), cookie: cookie, csrf: csrf)
                #expect(refused.status == .unprocessableContent, "\(name)=\(value)")
                #expect(refused.text.contains("id=\"\(slot)\""), "\(name)=\(value) shows no \(slot)")
                #expect(refused.text.contains("value=\"\(value)\""), "the typed value is kept")
            }
            #expect(try await store.table(workspaceID: app.workspace.id).rates.isEmpty, "nothing was stored")

            let saved = try await Page.post(app, "/settings/currency-rates", form, cookie: cookie, csrf: csrf)
            #expect(saved.status == .ok, "\(saved.text)")
            #expect(saved.text.contains("Currency rates saved: 2 for reports in USD."))
            let rates = try await store.table(workspaceID: app.workspace.id).rates
            #expect(rates == [CurrencyRate(currency: "EUR", rateMicros: 1_080_000, asOf: "2026-11-30"), CurrencyRate(currency: "JPY", rateMicros: 6_712, asOf: nil)])
            #expect(saved.text.contains("value=\"1.0800\"") && saved.text.contains("value=\"0.006712\""), "the saved rates show again")
        }
    }

    @Test("members see the rates but cannot change them")
    func memberCannotEdit() async throws {
        try await TestApp.with(.sqlite) { app in
            let (cookie, csrf) = try await WebConsoleTests.signIn(app, email: "member@acme.test", role: .member)
            let page = try await Page.page(app, "/settings", cookie: cookie)
            #expect(page.contains("name=\"cur_0_rate\"") && !page.contains("id=\"save-currency-rates\""))
            let refused = try await Page.post(
                app, "/settings/currency-rates", [("cur_rows", "1"), ("cur_0_code", "EUR"), ("cur_0_rate", "1.08")], cookie: cookie, csrf: csrf)
            #expect(refused.status == .forbidden)
            #expect(try await CurrencyRateStore(database: app.database).table(workspaceID: app.workspace.id).rates.isEmpty)
        }
    }
}
