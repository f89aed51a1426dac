import Foundation
import HTTPTypes
import SQLKit
import Testing

@testable import HeraldApp

@Suite("Shop integrations")
struct ShopWebhookTests {
    @Test("connecting a shop checks what it is given, never shows a secret and refuses hosts the operator did not allow", arguments: Engine.available)
    func connect(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            expectError(try await app.request(.post, "/api/integrations", json: #"{"kind":"magento","webhook_secret":"x"}"#), .unprocessableContent, field: "kind")
            expectError(
                try await app.request(.post, "/api/integrations", json: #"{"kind":"shopify","shop_domain":"acme.myshopify.com","webhook_secret":"x"}"#),
                .unprocessableContent, code: "required", field: "access_token")
            expectError(
                try await app.request(.post, "/api/integrations", json: #"{"kind":"shopify","shop_domain":"acme.example.com","access_token":"t","webhook_secret":"x"}"#),
                .unprocessableContent, field: "shop_domain")
            expectError(
                try await app.request(
                    .post, "/api/integrations",
                    json: #"{"kind":"shopify","shop_domain":"acme","access_token":"t","webhook_secret":"x","api_base_url":"https://evil.example.com"}"#),
                .unprocessableContent, code: "host_not_allowed", field: "api_base_url")
            expectError(
                try await app.request(
                    .post, "/api/integrations", json: #"{"kind":"woocommerce","site_url":"http://shop.example.com","consumer_key":"k","consumer_secret":"s","webhook_secret":"x"}"#),
                .unprocessableContent, field: "site_url")
            #expect(try await app.request(.get, "/api/integrations").json["data"].array.isEmpty, "nothing half-written is stored")

            let made = try await app.request(.post, "/api/integrations", json: #"{"kind":"shopify","shop_domain":"https://Acme.myshopify.com/","access_token":"shpat_secret_1","webhook_secret":"whsec_secret_2"}"#)
            #expect(made.status == .created, "\(made.text)")
            #expect(made.json["shop_host"].string == "acme.myshopify.com" && made.json["site_url"].string == "https://acme.myshopify.com")
            #expect(made.json["webhook_url"].string == "http://127.0.0.1:8080/api/integrations/shopify/webhook")
            #expect(made.json["topics"].array.count == 7)
            let listed = try await app.request(.get, "/api/integrations")
            #expect(!listed.text.contains("shpat_secret_1") && !listed.text.contains("whsec_secret_2"), "secrets are never shown")
            let stored = try await app.database.read { sql in
                try await sql.raw("SELECT access_token_sealed FROM integrations").first()!.decode(column: "access_token_sealed", as: String.self)
            }
            #expect(!stored.contains("shpat_secret_1"), "the token is sealed at rest")
            expectError(
                try await app.request(.post, "/api/integrations", json: #"{"kind":"shopify","shop_domain":"acme","access_token":"t","webhook_secret":"x"}"#),
                .conflict, code: "already_connected")
            let id = made.json["id"].string!
            #expect(try await app.request(.delete, "/api/integrations/\(id)").status == .noContent)
            #expect(try await app.request(.get, "/api/integrations/\(id)").status == .notFound)
        }
    }

    @Test("a bad or missing signature, or an unknown shop, gets 401 and stores nothing", arguments: Engine.available)
    func signatures(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let shop = try await ShopFixture.shopify(app, shopURL: "http://127.0.0.1:9")
            let body = ShopPayloads.shopifyOrder(id: 1001, total: "10.00")
            expectError(try await shop.shopify("orders/create", body, secret: "wrong"), .unauthorized, code: "bad_signature")
            expectError(try await shop.shopify("orders/create", body, domain: "other.myshopify.com"), .unauthorized, code: "unknown_shop")
            var unsigned = try await app.request(
                .post, "/api/integrations/shopify/webhook", body: body, contentType: "application/json", key: "",
                headers: [HTTPField.Name("X-Shopify-Shop-Domain")!: ShopFixture.domain, HTTPField.Name("X-Shopify-Topic")!: "orders/create"])
            expectError(unsigned, .unauthorized, code: "bad_signature")
            // A signature of another body.
            unsigned = try await app.request(
                .post, "/api/integrations/shopify/webhook", body: body, contentType: "application/json", key: "",
                headers: [
                    HTTPField.Name("X-Shopify-Shop-Domain")!: ShopFixture.domain, HTTPField.Name("X-Shopify-Topic")!: "orders/create",
                    HTTPField.Name("X-Shopify-Hmac-Sha256")!: ShopSignature.sign(body: Array((body + " ").utf8), secret: ShopFixture.secret),
                ])
            expectError(unsigned, .unauthorized, code: "bad_signature")
            let woo = try await ShopFixture.wooCommerce(app, shopURL: "http://127.0.0.1:9")
            expectError(try await woo.woo("order.created", ShopPayloads.wooOrder(id: 5, total: "1.00"), secret: "wrong"), .unauthorized, code: "bad_signature")
            expectError(try await woo.woo("order.created", ShopPayloads.wooOrder(id: 5, total: "1.00"), secret: nil), .unauthorized, code: "bad_signature")
            expectError(try await woo.woo("order.created", "{}", integration: UUID().uuidString), .unauthorized, code: "unknown_shop")
            try await shop.process()
            for table in ["integration_deliveries", "orders", "contacts", "products"] { #expect(try await shop.count(table) == 0, "\(table)") }
        }
    }

    @Test("a Shopify order: the buyer matched by phone or made a contact with consent unknown, categories fetched once, duplicates change nothing", arguments: Engine.available)
    func shopifyOrders(engine: Engine) async throws {
        let fake = FakeShop()
        await fake.set(categories: ["632910392": "Electronics"])
        try await FakeShop.run(fake) { url in
            try await TestApp.with(engine) { app in
                let shop = try await ShopFixture.shopify(app, shopURL: url)
                let known = try await app.request(.post, "/api/contacts", json: #"{"phone":"+16136120707","consent":"opted_in"}"#)
                let ipod = ShopPayloads.Line(productID: 632910392, title: "IPod Nano - 8gb", price: "199.00")
                let first = ShopPayloads.shopifyOrder(id: 450789469, total: "398.00", currency: "EUR", lines: [ipod, ipod])
                #expect(try await shop.shopify("orders/create", first, webhookID: "b54557e4-1").status == .ok)
                #expect(try await shop.shopify("orders/create", first, webhookID: "b54557e4-1").status == .ok, "a redelivery is acknowledged")
                #expect(try await shop.count("integration_deliveries") == 1, "and stores nothing")
                // A guest with a free-text phone and no other trace.
                let guest = ShopPayloads.shopifyOrder(id: 450789470, phone: "(415) 555-0100", email: "guest@example.com", total: "199.00", lines: [ipod])
                #expect(try await shop.shopify("orders/create", guest).status == .ok)
                let unpaid = ShopPayloads.shopifyOrder(id: 450789471, total: "5.00", financialStatus: "pending")
                #expect(try await shop.shopify("orders/create", unpaid).status == .ok)
                #expect(try await shop.shopify("app/uninstalled", #"{"id":1}"#).status == .ok)
                try await shop.process()
                #expect(try await shop.outcomes() == ["order_saved", "order_saved", "not_paid", "ignored"])

                let orders = try await app.request(.get, "/api/orders").json["data"].array
                #expect(orders.map { $0["external_id"].string } == ["\(ShopFixture.domain)/450789469", "\(ShopFixture.domain)/450789470"])
                #expect(orders[0]["contact_id"].string == known.json["id"].string, "matched by phone")
                #expect(orders[0]["currency"].string == "EUR" && orders[0]["total"].number == 39800, "the order keeps its currency")
                #expect(orders[0]["lines"][0]["category"].string == "Electronics", "the product type is the category")
                #expect(await fake.count("shopify product") == 1, "each product is asked for once")
                let guestContact = try await app.request(.get, "/api/contacts/\(orders[1]["contact_id"].string!)").json
                #expect(guestContact["phone"].string == "+14155550100" && guestContact["email"].string == "guest@example.com")
                #expect(guestContact["consent"]["status"].string == "unknown", "an order never opts anyone in")
                #expect(guestContact["name"].string == "Bob Norman")

                // The same order again under another webhook id (orders/updated with nothing new) changes nothing.
                #expect(try await shop.shopify("orders/updated", first).status == .ok)
                try await shop.process()
                let counts = [try await shop.count("orders"), try await shop.count("order_lines"), try await shop.count("contacts"), try await shop.count("products")]
                #expect(counts == [2, 3, 2, 1])
                let again = try await app.request(.get, "/api/orders").json["data"].array
                #expect(again[0]["total"].number == 39800)
                let detail = try await app.request(.get, "/api/integrations/\(shop.integrationID)").json["deliveries"]
                #expect(detail["received"].number == 5 && detail["pending"].number == 0 && detail["outcomes"]["order_saved"].number == 3, "\(detail)")
                let deliveries = try await app.request(.get, "/api/integrations/\(shop.integrationID)/deliveries").json["data"].array
                #expect(deliveries.count == 5 && deliveries[0]["outcome"].string == "order_saved")
            }
        }
    }

    @Test("refunds lower the contact's spend in a segment preview; a full refund or cancellation stops the order counting", arguments: Engine.available)
    func refunds(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let shop = try await ShopFixture.shopify(app, shopURL: "http://127.0.0.1:9")
            let order = ShopPayloads.shopifyOrder(id: 2001, total: "600.00", createdAt: SegmentData.iso(daysAgo: 3))
            try await shop.shopify("orders/create", order)
            try await shop.process()
            // Spend rules are in units of the currency: "spent over 500".
            #expect(try await shop.preview(ShopFixture.spentOver(500)) == 1)
            try await shop.shopify("refunds/create", ShopPayloads.shopifyRefund(id: 801, orderID: 2001, amount: "150.00"))
            try await shop.shopify("refunds/create", ShopPayloads.shopifyRefund(id: 801, orderID: 2001, amount: "150.00"))
            try await shop.process()
            #expect(try await shop.preview(ShopFixture.spentOver(500)) == 0, "600 - 150 is not over 500")
            #expect(try await shop.preview(ShopFixture.spentOver(449)) == 1, "the same refund twice counts once")
            let stored = try await app.database.read { sql in
                try await sql.raw("SELECT total_minor, refunded_minor, status FROM orders").first()!
            }
            #expect(try stored.decode(column: "total_minor", as: Int64.self) == 45000 && stored.decode(column: "refunded_minor", as: Int64.self) == 15000)
            // orders/updated lists the same refund and a new one: the order is refunded in full.
            let updated = ShopPayloads.shopifyOrder(
                id: 2001, total: "600.00", financialStatus: "refunded", createdAt: SegmentData.iso(daysAgo: 3), refunds: [(801, "150.00"), (802, "450.00")])
            try await shop.shopify("orders/updated", updated)
            try await shop.shopify("refunds/create", ShopPayloads.shopifyRefund(id: 999, orderID: 777, amount: "1.00"))
            try await shop.process()
            #expect(try await shop.preview(ShopFixture.spentOver(0)) == 0)
            #expect(try await shop.count("order_refunds") == 2)
            #expect(try await shop.count("orders", where: "status = 'refunded'") == 1)
            #expect(try await shop.outcomes().suffix(2) == ["order_saved", "unknown_order"])
        }
    }

    @Test("WooCommerce: the ping, signed orders with free-text phones, categories, deletion and customers", arguments: Engine.available)
    func wooCommerce(engine: Engine) async throws {
        let fake = FakeShop()
        await fake.set(categories: ["93": "Music"])
        try await FakeShop.run(fake) { url in
            try await TestApp.with(engine) { app in
                let woo = try await ShopFixture.wooCommerce(app, shopURL: url)
                let ping = try await app.request(
                    .post, "/api/integrations/woocommerce/\(woo.integrationID)/webhook", body: "webhook_id=12",
                    contentType: "application/x-www-form-urlencoded", key: "")
                #expect(ping.status == .ok)
                let body = ShopPayloads.wooOrder(id: 727, total: "29.35", lines: [.init(productID: 93, title: "Woo Single #1", price: "29.35")])
                #expect(try await woo.woo("order.created", body).status == .ok)
                #expect(try await woo.woo("order.created", body).status == .ok)
                try await woo.process()
                #expect(try await woo.count("integration_deliveries") == 2, "the ping and one order: the same body twice is one delivery")
                let orders = try await app.request(.get, "/api/orders").json["data"].array
                #expect(orders.count == 1 && orders[0]["total"].number == 2935 && orders[0]["lines"][0]["category"].string == "Music")
                let contact = try await app.request(.get, "/api/contacts/\(orders[0]["contact_id"].string!)").json
                #expect(contact["phone"].string == "+12125550142", "(212) 555-0142 read with the billing country")
                #expect(contact["email"].string == "ann@example.com" && contact["name"].string == "Ann Lee")

                try await woo.woo("order.deleted", #"{"id":727}"#)
                try await woo.woo("customer.created", #"{"id":25,"email":"cy@example.com","first_name":"Cy","last_name":"Ng","billing":{"phone":"020 7946 0018","country":"GB"}}"#)
                try await woo.process()
                #expect(try await woo.count("orders", where: "status = 'cancelled'") == 1)
                #expect(try await woo.outcomes() == ["ping", "order_saved", "order_cancelled", "contact_created"])
                #expect(try await app.request(.get, "/api/contacts?q=%2B442079460018").json["data"].array.count == 1)
            }
        }
    }

    @Test("an order from a contact who clicked a campaign message is that campaign's conversion, with its revenue", arguments: Engine.available)
    func conversion(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let world = try await AttributionWorld.make(app)
            let shop = try await ShopFixture.shopify(app, shopURL: "http://127.0.0.1:9")
            // Ana clicked campaign A's message at 18:00 UTC on 28 April; she buys the next morning.
            let order = ShopPayloads.shopifyOrder(id: 3001, phone: "015112340001", email: nil, total: "80.00", createdAt: "2026-04-29T10:00:00+02:00")
            try await shop.shopify("orders/create", order.replacingOccurrences(of: #""country_code":"US""#, with: #""country_code":"DE""#))
            try await shop.process()
            #expect(try await world.conversion("\(ShopFixture.domain)/3001") == AttributionWorld.Row(message: "A", touch: "click", reversed: false))
            let metrics = try await app.request(.get, "/api/analytics/campaigns/\(world.campaigns["A"]!.uuidString.lowercased())/metrics").json["metrics"]
            #expect(metrics["counts"]["converted"].number == 1 && metrics["counts"]["orders"].number == 1)
            #expect(metrics["revenue"]["minor"].number == 8000, "\(metrics["revenue"])")
        }
    }
}
