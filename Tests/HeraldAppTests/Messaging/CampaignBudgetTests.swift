import Foundation
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing
import WhatsApp

@testable import HeraldApp

/// A campaign's budget (issue 12 item 9, "spend over a campaign budget"): set, changed and cleared on the campaign, and
/// watched by the built-in `spend_over_budget` rule.
@Suite("Campaign budgets")
struct CampaignBudgetTests {
    static let variables = #""variables":{"1":{"field":"first_name","fallback":"there"},"2":{"text":"20%"}},"cta_url":"https://shop.example/s""#

    static func create(_ app: TestApp, _ f: MessagingFixture, name: String, budget: String? = nil) async throws -> TestResponse {
        let extra = budget.map { #","budget":\#($0)"# } ?? ""
        return try await app.request(
            .post,
            "/api/campaigns",
            json: #"{"name":"\#(name)","template_id":"\#(f.template.id.uuidString)",\#(variables)\#(extra)}"#
        )
    }

    static func stored(_ app: TestApp, _ id: String) async throws -> (micros: Int64?, currency: String?) {
        try await app.database.read { sql in
            let row = try await sql.raw("SELECT budget_micros, budget_currency FROM campaigns WHERE id = \(bind: UUID(uuidString: id)!)").first()!
            return (try row.decode(column: "budget_micros", as: Int64?.self), try row.decode(column: "budget_currency", as: String?.self))
        }
    }

    @Test("a budget is set, shown in the currency's minor digits, changed and cleared through the API", arguments: Engine.available)
    func roundTrip(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 0)
            let created = try await Self.create(app, f, name: "Budgeted", budget: #"{"amount": "250", "currency": "usd"}"#)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["budget"] == .object(["amount": .string("250.00"), "currency": .string("USD")]))
            let id = try #require(created.json["id"].string)
            #expect(try await Self.stored(app, id) == (250_000_000, "USD"))
            #expect(try await app.request(.get, "/api/campaigns/\(id)").json["budget"]["amount"].string == "250.00")
            let listed = try await app.request(.get, "/api/campaigns").json["data"].array.first { $0["id"].string == id }
            #expect(listed?["budget"]["currency"].string == "USD")

            let euros = try await app.request(.patch, "/api/campaigns/\(id)", json: #"{"budget": {"amount": "99.5", "currency": "EUR"}}"#)
            #expect(euros.status == .ok, "\(euros.text)")
            #expect(euros.json["budget"] == .object(["amount": .string("99.50"), "currency": .string("EUR")]))
            let yen = try await app.request(.patch, "/api/campaigns/\(id)", json: #"{"budget": {"amount": 1500, "currency": "JPY"}}"#)
            #expect(yen.json["budget"] == .object(["amount": .string("1500"), "currency": .string("JPY")]), "a number is read as well")
            let dinars = try await app.request(.patch, "/api/campaigns/\(id)", json: #"{"budget": {"amount": "0.125", "currency": "KWD"}}"#)
            #expect(dinars.json["budget"]["amount"].string == "0.125", "three minor digits")
            let renamed = try await app.request(.patch, "/api/campaigns/\(id)", json: #"{"name": "Budgeted again"}"#)
            #expect(renamed.json["budget"]["currency"].string == "KWD", "a change without budget keeps it")
            #expect(try await Self.stored(app, id) == (125_000, "KWD"))

            let cleared = try await app.request(.patch, "/api/campaigns/\(id)", json: #"{"budget": null}"#)
            #expect(cleared.status == .ok)
            #expect(cleared.json["budget"] == .null)
            #expect(cleared.text.contains(#""budget":null"#), "no budget is shown as null, not left out")
            #expect(try await Self.stored(app, id) == (nil, nil))

            let plain = try await Self.create(app, f, name: "Unbudgeted")
            #expect(plain.status == .created && plain.text.contains(#""budget":null"#))
        }
    }

    @Test("a bad budget is a 422 naming budget.amount or budget.currency, and nothing is stored", arguments: Engine.available)
    func validation(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 0)
            let created = try await Self.create(app, f, name: "Budgeted", budget: #"{"amount": "10.00", "currency": "USD"}"#)
            let id = try #require(created.json["id"].string)
            let bad: [(String, String)] = [
                (#"{"amount": "0", "currency": "USD"}"#, "budget.amount"),
                (#"{"amount": "-5", "currency": "USD"}"#, "budget.amount"),
                (#"{"amount": "abc", "currency": "USD"}"#, "budget.amount"),
                (#"{"amount": "1e3", "currency": "USD"}"#, "budget.amount"),
                (#"{"amount": "1.005", "currency": "USD"}"#, "budget.amount"),
                (#"{"amount": "0.0000001", "currency": "USD"}"#, "budget.amount"),
                (#"{"amount": "10.5", "currency": "JPY"}"#, "budget.amount"),
                (#"{"amount": "99999999999999", "currency": "USD"}"#, "budget.amount"),
                (#"{"amount": true, "currency": "USD"}"#, "budget.amount"),
                (#"{"currency": "USD"}"#, "budget.amount"),
                (#"{"amount": "10", "currency": "XYZ"}"#, "budget.currency"),
                (#"{"amount": "10", "currency": "US"}"#, "budget.currency"),
                (#"{"amount": "10", "currency": 840}"#, "budget.currency"),
                (#"{"amount": "10"}"#, "budget.currency"),
                (#"{"amount": "10", "currency": "USD", "cap": 1}"#, "budget.cap"),
                (#""250.00""#, "budget"),
            ]
            for (budget, field) in bad {
                expectError(try await Self.create(app, f, name: "Other", budget: budget), .unprocessableContent, field: field)
                expectError(
                    try await app.request(.patch, "/api/campaigns/\(id)", json: #"{"budget": \#(budget)}"#),
                    .unprocessableContent,
                    field: field
                )
            }
            #expect(try await app.request(.get, "/api/campaigns").json["data"].array.count == 2, "the fixture's and the first only")
            #expect(try await Self.stored(app, id) == (10_000_000, "USD"))
        }
    }

    @Test(
        "a campaign whose messages cost more than its 0.01 USD budget fires spend_over_budget once, and its page shows the spend",
        arguments: Engine.available
    )
    func alert(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 2)
            let created = try await Self.create(app, f, name: "Small budget", budget: #"{"amount": "0.01", "currency": "USD"}"#)
            let id = try #require(UUID(uuidString: created.json["id"].string ?? ""), "\(created.text)")
            #expect(try await app.request(.post, "/api/campaigns/\(id)/schedule").status == .ok)
            // What the send loop and the start job do once the time has come: start it and freeze its audience.
            try await app.database.transaction { sql in
                _ = try await CampaignStore.perform(.start, on: .one(workspaceID: app.workspace.id, id: id), in: sql)
            }
            let campaign = try #require(try await app.services.messaging.campaigns.find(workspaceID: app.workspace.id, id: id))
            #expect(campaign.status == .sending)
            // While it sends, the budget alone can still change; anything else is refused.
            let raised = try await app.request(.patch, "/api/campaigns/\(id)", json: #"{"budget": {"amount": "0.02", "currency": "USD"}}"#)
            #expect(raised.status == .ok && raised.json["budget"]["amount"].string == "0.02", "\(raised.text)")
            expectError(
                try await app.request(.patch, "/api/campaigns/\(id)", json: #"{"budget": {"amount": "0.01", "currency": "USD"}, "name": "x"}"#),
                .conflict, code: "not_editable"
            )
            expectError(
                try await app.request(.patch, "/api/campaigns/\(id)", json: #"{"budget": {"amount": "-1", "currency": "USD"}}"#),
                .unprocessableContent, field: "budget.amount"
            )
            #expect(try await Self.stored(app, id.uuidString) == (20_000, "USD"))
            #expect(try await app.request(.patch, "/api/campaigns/\(id)", json: #"{"budget": {"amount": "0.01", "currency": "USD"}}"#).status == .ok)
            let messaging = app.services.messaging
            #expect(try await AudienceFreeze(database: app.database, segments: messaging.segments).freeze(campaign, category: "MARKETING") == 2)
            let rows = try await app.database.read { sql in
                try await sql.raw("SELECT id, phone FROM messages WHERE campaign_id = \(bind: id) ORDER BY phone").all()
            }
            var updates: [StatusUpdate] = []
            for (index, row) in rows.enumerated() {
                let wamid = "wamid.BUDGET\(index)", phone = try row.decode(column: "phone", as: String.self)
                try await app.database.transaction { sql in
                    try await sql.raw(
                        """
                        UPDATE messages SET status = 'accepted', wamid = \(bind: wamid), accepted_at = \(bind: Date()), attempts = 1
                        WHERE id = \(bind: try row.decode(column: "id", as: UUID.self))
                        """
                    ).run()
                }
                // Delivered and billed at the rate table's German marketing price, 0.1365 USD each.
                updates.append(
                    StatusUpdate(
                        wamid: wamid,
                        status: "delivered",
                        timestamp: Date(),
                        recipientID: String(phone.dropFirst()),
                        pricing: Pricing(billable: true, pricingModel: "PMP", type: "regular", category: "marketing")
                    )
                )
            }
            #expect(try await f.deliver(f.statuses(updates)).status == .ok)
            try await f.process()

            let evaluator = AlertEvaluator(database: app.database, grace: 0)
            let first = try await evaluator.evaluate(workspaceID: app.workspace.id)
            #expect(first.fired.count == 1)
            #expect(try await evaluator.evaluate(workspaceID: app.workspace.id).fired.isEmpty, "once per episode")
            let episodes = try await messaging.alerts.list(workspaceID: app.workspace.id).filter { $0.kind == "spend_over_budget" }
            #expect(episodes.count == 1)
            let episode = try #require(episodes.first)
            #expect(episode.id == first.fired.first && episode.campaignID == id && episode.resolvedAt == nil)
            #expect(episode.value == 27.3, "0.2730 USD of 0.01")
            #expect(episode.message == "Campaign Small budget has cost 0.2730 USD of its 0.0100 USD budget")

            let (cookie, _) = try await WebConsoleTests.signIn(app)
            let page = try await WebConsoleMessagingTests.page(app, "/campaigns/\(id.uuidString.lowercased())", cookie: cookie)
            #expect(page.contains(#"<dd id="campaign-budget">0.01 USD · 0.2730 USD spent (2730.0%)</dd>"#), "\(page)")
            let other = try await WebConsoleMessagingTests.page(app, "/campaigns/\(f.campaign.id.uuidString.lowercased())", cookie: cookie)
            #expect(!other.contains("campaign-budget"), "a campaign without a budget shows none")
        }
    }
}
