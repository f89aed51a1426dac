import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldApp

extension WebConsoleMessagingTests {
    @Test(
        "the campaign form takes an optional budget; a refused one shows its error beside the field and keeps the values",
        arguments: Engine.available
    )
    func campaignFormBudget(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 1)
            let (cookie, csrf) = try await WebConsoleTests.signIn(app)
            let new = try await Self.page(app, "/campaigns/new", cookie: cookie)
            #expect(new.contains(#"id="c-budget" name="budget_amount""#) && new.contains("Alerts fire when the campaign's recorded cost passes it"))
            #expect(new.contains(#"name="budget_currency" value="USD""#), "the rate table's currency, in which costs are recorded, is the default")

            let form = [("template_id", f.template.id.uuidString.lowercased())] + Self.campaignForm
            let before = try await Self.count(app, "campaigns")
            for (amount, currency, slot) in [
                ("abc", "USD", "error-budget_amount"), ("0", "USD", "error-budget_amount"), ("12.345", "USD", "error-budget_amount"),
                ("250", "XYZ", "error-budget_currency"), ("250", "", "error-budget_currency"),
            ] {
                let refused = try await Self.post(
                    app,
                    "/campaigns/new",
                    form + [("budget_amount", amount), ("budget_currency", currency)],
                    cookie: cookie,
                    csrf: csrf
                )
                #expect(refused.status == .unprocessableContent, "\(amount) \(currency)")
                #expect(refused.text.contains(#"id="\#(slot)""#), "\(amount) \(currency) shows no \(slot)")
                #expect(refused.text.contains(#"name="budget_amount" value="\#(amount)""#), "the amount is kept")
                #expect(refused.text.contains(#"name="budget_currency" value="\#(currency)""#), "the currency is kept")
                #expect(refused.text.contains("value=\"Summer &lt;sale&gt;\""), "the name is kept")
            }
            #expect(try await Self.count(app, "campaigns") == before, "nothing was stored")

            let saved = try await Self.post(
                app,
                "/campaigns/new",
                form + [("budget_amount", " 250 "), ("budget_currency", "eur")],
                cookie: cookie,
                csrf: csrf
            )
            let location = try #require(saved.headers[.location], "\(saved.text)")
            let id = try #require(location.firstMatch(of: /\/campaigns\/([0-9a-f-]{36})/)?.1).description
            #expect(try await CampaignBudgetTests.stored(app, id) == (250_000_000, "EUR"))
            #expect(
                try await Self.page(app, location, cookie: cookie).contains(#"<dd id="campaign-budget">250.00 EUR · 0.0000 EUR spent (0.0%)</dd>"#)
            )

            let noBudget = try await Self.post(
                app,
                "/campaigns/new",
                Self.replacing(form, "name", with: "No budget") + [("budget_amount", ""), ("budget_currency", "USD")],
                cookie: cookie,
                csrf: csrf
            )
            let plain = try #require(noBudget.headers[.location], "\(noBudget.text)")
            let plainID = try #require(plain.firstMatch(of: /\/campaigns\/([0-9a-f-]{36})/)?.1).description
            #expect(try await CampaignBudgetTests.stored(app, plainID) == (nil, nil))
            #expect(!(try await Self.page(app, plain, cookie: cookie).contains("campaign-budget")))
        }
    }
}
