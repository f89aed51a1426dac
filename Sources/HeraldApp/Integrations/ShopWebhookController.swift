import Foundation
import HTTPTypes
import Hummingbird

/// The shops' webhooks. Each delivery's signature is checked against the connection's secret before its body is
/// read, then the delivery is stored as it came and acknowledged; ``ShopDeliveryProcessor`` applies it later, so the
/// answer comes well within Shopify's 5 seconds. A redelivery (same Shopify webhook id, or the same WooCommerce body)
/// stores nothing and is acknowledged again.
struct ShopWebhookController {
    let integrations: IntegrationStore
    static let maxBody = 8 * 1024 * 1024

    static let shopDomain = HTTPField.Name("X-Shopify-Shop-Domain")!
    static let shopifyHMAC = HTTPField.Name("X-Shopify-Hmac-Sha256")!
    static let shopifyTopic = HTTPField.Name("X-Shopify-Topic")!
    static let shopifyWebhookID = HTTPField.Name("X-Shopify-Webhook-Id")!
    static let wooSignature = HTTPField.Name("X-WC-Webhook-Signature")!
    static let wooTopic = HTTPField.Name("X-WC-Webhook-Topic")!

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("api/integrations/shopify/webhook", use: shopify)
        router.post("api/integrations/woocommerce/:integration_id/webhook", use: wooCommerce)
    }

    @Sendable func shopify(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = Array(try await request.body.collect(upTo: Self.maxBody).readableBytesView)
        guard let domain = request.headers[Self.shopDomain], !domain.isEmpty else {
            throw APIError(.unauthorized, "unknown_shop", "X-Shopify-Shop-Domain is required")
        }
        guard let integration = try await integrations.find(kind: .shopify, shopHost: domain) else {
            context.logger.notice("shop webhook refused: no such connection", metadata: ["shop": "\(domain)"])
            throw APIError(.unauthorized, "unknown_shop", "\(domain) is not connected to Herald")
        }
        let secrets = try await integrations.secrets(integration)
        guard ShopSignature.isValid(body: body, header: request.headers[Self.shopifyHMAC], secret: secrets.webhookSecret) else {
            context.logger.warning("shop webhook refused: bad signature", metadata: ["integration_id": "\(integration.id)"])
            throw APIError(.unauthorized, "bad_signature", "X-Shopify-Hmac-Sha256 does not match the body for this shop's secret")
        }
        let topic = request.headers[Self.shopifyTopic] ?? "unknown"
        let key = request.headers[Self.shopifyWebhookID].map { "shopify:\($0)" } ?? ShopSignature.contentKey(topic: topic, body: body)
        // A topic Herald does not apply (app/uninstalled, the privacy topics) is kept in the log, already processed.
        let outcome = ShopifyPayload.topics.contains(topic) ? nil : "ignored"
        _ = try await integrations.receive(integrationID: integration.id, topic: topic, key: key, body: body, outcome: outcome)
        return Response(status: .ok)
    }

    @Sendable func wooCommerce(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("integration_id", as: String.self)
        guard let uuid = UUID(uuidString: id), let integration = try await integrations.find(kind: .woocommerce, id: uuid) else {
            throw APIError(.unauthorized, "unknown_shop", "no WooCommerce connection has this webhook URL")
        }
        let body = Array(try await request.body.collect(upTo: Self.maxBody).readableBytesView)
        let signature = request.headers[Self.wooSignature]
        if signature == nil, let ping = Self.ping(body) {
            // WooCommerce posts `webhook_id=<id>`, unsigned, when a webhook is created, and disables it unless it gets 200.
            _ = try await integrations.receive(integrationID: integration.id, topic: "ping", key: "ping:\(ping)", body: body, outcome: "ping")
            return Response(status: .ok)
        }
        let secrets = try await integrations.secrets(integration)
        guard ShopSignature.isValid(body: body, header: signature, secret: secrets.webhookSecret) else {
            context.logger.warning("shop webhook refused: bad signature", metadata: ["integration_id": "\(integration.id)"])
            throw APIError(.unauthorized, "bad_signature", "X-WC-Webhook-Signature does not match the body for this shop's secret")
        }
        let topic = request.headers[Self.wooTopic] ?? "unknown"
        let outcome = WooCommercePayload.topics.contains(topic) ? nil : "ignored"
        _ = try await integrations.receive(
            integrationID: integration.id, topic: topic, key: ShopSignature.contentKey(topic: topic, body: body), body: body, outcome: outcome
        )
        return Response(status: .ok)
    }

    /// The webhook id of WooCommerce's ping body, `webhook_id=12`.
    static func ping(_ body: [UInt8]) -> String? {
        let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("webhook_id=") else { return nil }
        let id = text.dropFirst("webhook_id=".count)
        guard !id.isEmpty, id.count <= 20, id.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return String(id)
    }
}
