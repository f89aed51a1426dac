import Foundation
import HTTPTypes
import SQLKit
import Testing

@testable import HeraldApp

@Suite("Web console: Integrations")
struct WebConsoleIntegrationsTests {
    @Test("connect a shop from the page, see its webhook URL and topics, test it, import, and read the deliveries", arguments: Engine.available)
    func page(engine: Engine) async throws {
        let fake = FakeShop()
        await fake.set(shopify: [ShopPayloads.shopifyOrder(id: 71, total: "9.99")])
        try await FakeShop.run(fake) { url in
            try await TestApp.with(engine) { app in
                let (cookie, csrf) = try await WebConsoleTests.signIn(app)
                let empty = try await WebConsoleMessagingTests.page(app, "/integrations", cookie: cookie)
                #expect(empty.contains("id=\"no-integrations\"") && empty.contains("id=\"connect-form\"") && !empty.contains("Coming next"))
                #expect(empty.contains("/api/integrations/crm/sync-contacts"))

                let refused = try await WebConsoleMessagingTests.post(
                    app, "/integrations", [("kind", "shopify"), ("shop_domain", "not a shop"), ("access_token", "shpat_typed"), ("webhook_secret", "s")],
                    cookie: cookie, csrf: csrf)
                #expect(refused.status == .unprocessableContent)
                #expect(refused.text.contains("id=\"error-shop_domain\"") && !refused.text.contains("shpat_typed"), "the error sits by its field; secrets are not echoed")
                #expect(try await WebConsoleMessagingTests.count(app, "integrations") == 0)

                let made = try await WebConsoleMessagingTests.post(
                    app, "/integrations",
                    [("kind", "shopify"), ("name", "Acme shop"), ("shop_domain", "acme-test"), ("access_token", FakeShop.token),
                     ("webhook_secret", ShopFixture.secret), ("api_base_url", url), ("api_version", "2025-01"), ("site_url", ""), ("consumer_key", "")],
                    cookie: cookie, csrf: csrf)
                #expect(made.status == .ok, "\(made.text)")
                #expect(made.text.contains("Shopify shop “Acme shop” connected"))
                #expect(made.text.contains("http://127.0.0.1:8080/api/integrations/shopify/webhook") && made.text.contains("orders/create, orders/paid"))
                #expect(!made.text.contains(FakeShop.token) && !made.text.contains(ShopFixture.secret))
                let id = try await app.services.integrations.list(workspaceID: app.workspace.id)[0].id.uuidString.lowercased()

                let tested = try await WebConsoleMessagingTests.post(app, "/integrations/\(id)/test", [], cookie: cookie, csrf: csrf)
                #expect(tested.text.contains("answered: Acme Test Shop"), "\(tested.text)")
                let started = try await WebConsoleMessagingTests.post(app, "/integrations/\(id)/import/orders", [], cookie: cookie, csrf: csrf)
                #expect(started.text.contains("Importing orders") && started.text.contains("id=\"auto-refresh\""), "the page follows a running import")
                try await ShopSyncTests().runSyncs(app)
                let shop = ShopFixture(app: app, integrationID: id, kind: .shopify)
                try await shop.shopify("orders/create", ShopPayloads.shopifyOrder(id: 72, total: "5.00"))
                try await shop.shopify("orders/create", "not json")
                try await shop.process()
                let after = try await WebConsoleMessagingTests.page(app, "/integrations", cookie: cookie)
                #expect(after.contains("<span class=\"status done\">done</span>") && !after.contains("id=\"auto-refresh\""))
                #expect(after.contains("order_saved") && after.contains("the body is not JSON"), "deliveries show their outcome and error")

                let viewer = try await WebConsoleTests.signIn(app, email: "viewer@acme.test", role: .viewer)
                let page = try await WebConsoleMessagingTests.page(app, "/integrations", cookie: viewer.cookie)
                #expect(!page.contains("id=\"connect-form\"") && !page.contains("class=\"start-import\""))
                let denied = try await WebConsoleMessagingTests.post(app, "/integrations/\(id)/remove", [], cookie: viewer.cookie, csrf: viewer.csrf)
                #expect(denied.status == .forbidden)
                let removed = try await WebConsoleMessagingTests.post(app, "/integrations/\(id)/remove", [], cookie: cookie, csrf: csrf)
                #expect(removed.text.contains("removed. The orders it brought stay."))
                #expect(try await WebConsoleMessagingTests.count(app, "orders") == 2)
            }
        }
    }
}
