import Foundation
import SQLKit
import Storage

/// A workspace's connection to a shop: where it is, how Herald calls its API and how its webhooks are signed.
struct Integration: Sendable, Encodable {
    enum Kind: String, Sendable, Encodable, CaseIterable {
        case shopify, woocommerce
        var title: String { self == .shopify ? "Shopify" : "WooCommerce" }
    }

    var id: UUID
    var workspaceID: UUID
    var kind: Kind
    var name: String
    /// The shop's host: `acme.myshopify.com`, or the WooCommerce site's host. Order and product ids are kept under it.
    var shopHost: String
    /// The shop's own address: `https://acme.myshopify.com`, or the WooCommerce site URL.
    var siteURL: String
    /// Where Herald calls the shop's API instead of `siteURL` (a fake shop in tests, the demo's shop); only a host the
    /// operator allows in `HERALD_ALLOWED_API_HOSTS`.
    var apiBaseURL: String?
    var apiVersion: String?
    /// Phones without a country code are read as this country's (the billing country wins).
    var defaultCountry: String?
    var createdAt: Date
    var updatedAt: Date
    var lastDeliveryAt: Date?
    var lastError: String?

    var baseURL: String { apiBaseURL ?? siteURL }
    /// The prefix of every order and product id this shop writes: two shops in one workspace may both have order 1001.
    var externalPrefix: String { "\(shopHost)/" }

    static let defaultShopifyVersion = "2025-01"

    enum CodingKeys: String, CodingKey {
        case id, kind, name
        case shopHost = "shop_host", siteURL = "site_url", apiBaseURL = "api_base_url", apiVersion = "api_version"
        case defaultCountry = "default_country", createdAt = "created_at", updatedAt = "updated_at"
        case lastDeliveryAt = "last_delivery_at", lastError = "last_error"
    }

    static let columns = """
        id, workspace_id, kind, name, shop_host, site_url, api_base_url, api_version, default_country, created_at, updated_at, last_delivery_at,
        last_error
        """

    static func decode(_ row: any SQLRow) throws -> Integration {
        Integration(
            id: try row.decode(column: "id", as: UUID.self), workspaceID: try row.decode(column: "workspace_id", as: UUID.self),
            kind: Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .shopify, name: try row.decode(column: "name", as: String.self),
            shopHost: try row.decode(column: "shop_host", as: String.self), siteURL: try row.decode(column: "site_url", as: String.self),
            apiBaseURL: try row.decode(column: "api_base_url", as: String?.self), apiVersion: try row.decode(column: "api_version", as: String?.self),
            defaultCountry: try row.decode(column: "default_country", as: String?.self), createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self), lastDeliveryAt: try row.decode(column: "last_delivery_at", as: Date?.self),
            lastError: try row.decode(column: "last_error", as: String?.self)
        )
    }
}

/// The opened secrets of a connection.
struct IntegrationSecrets: Sendable {
    /// Shopify's Admin API access token.
    var accessToken: String?
    /// WooCommerce's REST API key pair.
    var consumerKey: String?
    var consumerSecret: String?
    /// Shopify's app client secret, or the secret of the WooCommerce webhooks.
    var webhookSecret: String
}

/// The sealed columns of `integrations`, each sealed for its own column and row.
enum IntegrationSecretColumn: String, CaseIterable {
    case accessToken = "access_token_sealed"
    case consumerKey = "consumer_key_sealed"
    case consumerSecret = "consumer_secret_sealed"
    case webhookSecret = "webhook_secret_sealed"
}
