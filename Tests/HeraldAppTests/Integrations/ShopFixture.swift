import Foundation
import HTTPTypes
import HummingbirdTesting
import SQLKit
import Testing

@testable import HeraldApp

/// A Herald app with a shop connected, whose API is a ``FakeShop``; sends signed webhooks and applies them as the
/// worker in `herald serve` would.
struct ShopFixture {
    let app: TestApp
    let integrationID: String
    let kind: Integration.Kind
    static let secret = "whsec_7f3a9c"
    static let domain = "acme-test.myshopify.com"

    static func shopify(_ app: TestApp, shopURL: String, country: String? = nil) async throws -> ShopFixture {
        let country = country.map { #","default_country":"\#($0)""# } ?? ""
        let response = try await app.request(.post, "/api/integrations", json: """
            {"kind":"shopify","shop_domain":"\(domain)","access_token":"\(FakeShop.token)","webhook_secret":"\(secret)","api_base_url":"\(shopURL)"\(country)}
            """)
        #expect(response.status == .created, "\(response.text)")
        return ShopFixture(app: app, integrationID: response.json["id"].string ?? "", kind: .shopify)
    }

    static func wooCommerce(_ app: TestApp, shopURL: String) async throws -> ShopFixture {
        let response = try await app.request(.post, "/api/integrations", json: """
            {"kind":"woocommerce","site_url":"\(shopURL)","consumer_key":"\(FakeShop.consumerKey)","consumer_secret":"\(FakeShop.consumerSecret)",
             "webhook_secret":"\(secret)"}
            """)
        #expect(response.status == .created, "\(response.text)")
        return ShopFixture(app: app, integrationID: response.json["id"].string ?? "", kind: .woocommerce)
    }

    /// Posts a Shopify webhook as Shopify does: signed with `secret`, with the shop's domain, topic and webhook id.
    @discardableResult
    func shopify(_ topic: String, _ body: String, webhookID: String = UUID().uuidString, secret: String = ShopFixture.secret, domain: String = ShopFixture.domain)
        async throws -> TestResponse
    {
        try await app.request(
            .post, "/api/integrations/shopify/webhook", body: body, contentType: "application/json", key: "",
            headers: [
                HTTPField.Name("X-Shopify-Topic")!: topic, HTTPField.Name("X-Shopify-Hmac-Sha256")!: ShopSignature.sign(body: Array(body.utf8), secret: secret),
                HTTPField.Name("X-Shopify-Shop-Domain")!: domain, HTTPField.Name("X-Shopify-Webhook-Id")!: webhookID,
                HTTPField.Name("X-Shopify-API-Version")!: "2025-01", HTTPField.Name("X-Shopify-Triggered-At")!: "2026-11-20T16:00:00.000Z",
            ]
        )
    }

    /// Posts a WooCommerce webhook as WooCommerce does; `signature` nil sends none.
    @discardableResult
    func woo(_ topic: String, _ body: String, secret: String? = ShopFixture.secret, integration: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [
            HTTPField.Name("X-WC-Webhook-Topic")!: topic, HTTPField.Name("X-WC-Webhook-Source")!: "https://shop.example.com/",
            HTTPField.Name("X-WC-Webhook-Delivery-ID")!: UUID().uuidString, HTTPField.Name("X-WC-Webhook-ID")!: "12",
        ]
        if let secret { headers[HTTPField.Name("X-WC-Webhook-Signature")!] = ShopSignature.sign(body: Array(body.utf8), secret: secret) }
        return try await app.request(
            .post, "/api/integrations/woocommerce/\(integration ?? integrationID)/webhook", body: body, contentType: "application/json", key: "",
            headers: headers
        )
    }

    /// Applies every stored delivery.
    func process() async throws {
        let processor = ShopDeliveryProcessor(
            database: app.database, integrations: app.services.integrations, contacts: app.services.contacts, workspaces: app.services.workspaces,
            http: .shared, logger: TestDatabase.logger
        )
        while try await processor.processBatch() > 0 {}
    }

    func count(_ table: String, where condition: String = "1 = 1") async throws -> Int {
        try await app.database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table) WHERE \(unsafeRaw: condition)").first()!.decode(column: "n", as: Int.self)
        }
    }

    /// The outcomes of the stored deliveries, oldest first.
    func outcomes() async throws -> [String] {
        try await app.database.read { sql in
            try await sql.raw("SELECT outcome FROM integration_deliveries ORDER BY received_at, id").all().map {
                try $0.decode(column: "outcome", as: String?.self) ?? "pending"
            }
        }
    }

    /// How many contacts a segment preview of `rules` counts.
    func preview(_ rules: String) async throws -> Int {
        let response = try await app.request(.post, "/api/segments/preview", json: #"{"rules":\#(rules)}"#)
        #expect(response.status == .ok, "\(response.text)")
        return Int(response.json["count"].number ?? -1)
    }

    static func spentOver(_ amount: Int) -> String {
        #"{"combinator":"and","children":[{"field":"purchases.total_spend","operator":"gt","value":\#(amount)}]}"#
    }
}
