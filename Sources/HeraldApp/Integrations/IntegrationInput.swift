import Foundation

/// A connection as the API and the console's form give it, checked before anything is stored.
struct IntegrationInput: Sendable {
    var kind: Integration.Kind
    var name: String
    var shopHost: String
    var siteURL: String
    var apiBaseURL: String?
    var apiVersion: String?
    var defaultCountry: String?
    var secrets: IntegrationSecrets

    static let fields: Set<String> = [
        "kind", "name", "shop_domain", "site_url", "access_token", "consumer_key", "consumer_secret", "webhook_secret", "api_base_url",
        "api_version", "default_country",
    ]

    static func parse(_ reader: FieldReader, hosts: CloudAPIHosts) throws(APIError) -> IntegrationInput {
        try reader.rejectUnknown(fields)
        let kindText = try reader.string("kind", required: true)!
        guard let kind = Integration.Kind(rawValue: kindText.lowercased()) else {
            throw APIError.invalid(reader.name("kind"), "kind must be shopify or woocommerce")
        }
        let webhookSecret = try reader.string("webhook_secret", required: true, maxLength: 500)!
        let host: String, site: String
        var secrets = IntegrationSecrets(webhookSecret: webhookSecret)
        var apiVersion: String?
        switch kind {
        case .shopify:
            host = try shopDomain(try reader.string("shop_domain", required: true, maxLength: 300)!, field: reader.name("shop_domain"))
            site = "https://\(host)"
            secrets.accessToken = try reader.string("access_token", required: true, maxLength: 500)!
            apiVersion = try reader.string("api_version", maxLength: 20) ?? Integration.defaultShopifyVersion
            guard apiVersion!.wholeMatch(of: /\d{4}-\d{2}|unstable/) != nil else {
                throw APIError.invalid(reader.name("api_version"), "api_version is a Shopify API version such as \(Integration.defaultShopifyVersion)")
            }
            if reader.has("site_url") || reader.has("consumer_key") || reader.has("consumer_secret") {
                throw APIError.invalid(reader.name("site_url"), "site_url, consumer_key and consumer_secret are for WooCommerce; Shopify takes shop_domain and access_token")
            }
        case .woocommerce:
            (host, site) = try siteURL(try reader.string("site_url", required: true, maxLength: 500)!, field: reader.name("site_url"), hosts: hosts)
            secrets.consumerKey = try reader.string("consumer_key", required: true, maxLength: 200)!
            secrets.consumerSecret = try reader.string("consumer_secret", required: true, maxLength: 200)!
            if reader.has("shop_domain") || reader.has("access_token") || reader.has("api_version") {
                throw APIError.invalid(reader.name("shop_domain"), "shop_domain, access_token and api_version are for Shopify; WooCommerce takes site_url and its consumer key and secret")
            }
        }
        var apiBase: String?
        if let text = try reader.string("api_base_url", maxLength: 500) {
            guard let url = URL(string: text), hosts.allowsOperatorHost(url), url.query == nil, url.user == nil else {
                throw APIError.invalid(
                    reader.name("api_base_url"),
                    "api_base_url may only name a host this server allows in HERALD_ALLOWED_API_HOSTS; without it Herald calls the shop at \(site)",
                    code: "host_not_allowed"
                )
            }
            apiBase = text.hasSuffix("/") ? String(text.dropLast()) : text
        }
        var country: String?
        if let text = try reader.string("default_country", maxLength: 2) {
            guard text.count == 2, text.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw APIError.invalid(reader.name("default_country"), "default_country is a two-letter country code such as US")
            }
            country = text.uppercased()
        }
        let name = try reader.string("name", maxLength: 200) ?? host
        return IntegrationInput(
            kind: kind, name: name, shopHost: host, siteURL: site, apiBaseURL: apiBase, apiVersion: apiVersion, defaultCountry: country, secrets: secrets
        )
    }

    /// `acme`, `acme.myshopify.com` or `https://acme.myshopify.com/` → `acme.myshopify.com`.
    static func shopDomain(_ text: String, field: String) throws(APIError) -> String {
        var value = text.lowercased().trimmingCharacters(in: .whitespaces)
        for prefix in ["https://", "http://"] where value.hasPrefix(prefix) { value.removeFirst(prefix.count) }
        while value.hasSuffix("/") { value.removeLast() }
        if !value.contains(".") { value += ".myshopify.com" }
        guard value.wholeMatch(of: /[a-z0-9][a-z0-9-]*\.myshopify\.com/) != nil else {
            throw APIError.invalid(field, "shop_domain is the shop's myshopify.com domain, such as acme.myshopify.com")
        }
        return value
    }

    /// A WooCommerce site over HTTPS (plain HTTP only on a host the operator allows): its host and its URL without a
    /// trailing slash.
    static func siteURL(_ text: String, field: String, hosts: CloudAPIHosts) throws(APIError) -> (host: String, url: String) {
        var value = text.trimmingCharacters(in: .whitespaces)
        while value.hasSuffix("/") { value.removeLast() }
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(), !host.isEmpty,
            url.query == nil, url.user == nil, url.fragment == nil
        else { throw APIError.invalid(field, "site_url is the shop's address, such as https://shop.example.com") }
        guard scheme == "https" || (scheme == "http" && hosts.allowsOperatorHost(url)) else {
            throw APIError.invalid(field, "site_url must use https: WooCommerce's keys are sent with every request")
        }
        return (url.port.map { "\(host):\($0)" } ?? host, value)
    }
}
