import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Calls a shop's REST API with the connection's credentials: Shopify's Admin API with `X-Shopify-Access-Token`,
/// WooCommerce's `wp-json/wc/v3` with HTTP Basic auth of the consumer key and secret.
struct ShopClient: Sendable {
    let integration: Integration
    let secrets: IntegrationSecrets
    let http: HTTPClient
    var timeout: TimeAmount = .seconds(15)

    struct Page: Sendable {
        let json: ShopJSON
        /// The `rel="next"` URL of Shopify's `Link` header, used as it is.
        let next: String?
        /// WooCommerce's `X-WP-TotalPages` and `X-WP-Total`.
        let totalPages: Int?
        let total: Int?
    }

    struct Failure: Error, CustomStringConvertible {
        let status: Int?
        let description: String
        /// Seconds the shop asked to wait (429's `Retry-After`).
        var retryAfter: Double?
    }

    /// The API's root: `…/admin/api/2025-01` or `…/wp-json/wc/v3`.
    var root: String {
        switch integration.kind {
        case .shopify: "\(integration.baseURL)/admin/api/\(integration.apiVersion ?? Integration.defaultShopifyVersion)"
        case .woocommerce: "\(integration.baseURL)/wp-json/wc/v3"
        }
    }

    /// GETs a path under the API's root (`/orders.json?status=any`), or a whole URL the shop gave (a `Link` header's).
    func get(_ pathOrURL: String) async throws -> Page {
        let url = pathOrURL.hasPrefix("http") ? pathOrURL : root + pathOrURL
        guard url.hasPrefix(integration.baseURL + "/") else {
            throw Failure(status: nil, description: "the shop named a next page on another host: \(url)")
        }
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Herald/1")
        switch integration.kind {
        case .shopify: request.headers.add(name: "X-Shopify-Access-Token", value: secrets.accessToken ?? "")
        case .woocommerce:
            let pair = Data("\(secrets.consumerKey ?? ""):\(secrets.consumerSecret ?? "")".utf8).base64EncodedString()
            request.headers.add(name: "Authorization", value: "Basic \(pair)")
        }
        let response: HTTPClientResponse
        do { response = try await http.execute(request, timeout: timeout) } catch {
            throw Failure(status: nil, description: "the shop did not answer: \(error)")
        }
        let body = try await response.body.collect(upTo: 32 * 1024 * 1024)
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            let text = String(buffer: body).prefix(200)
            var failure = Failure(status: status, description: "the shop answered \(status): \(text)")
            if status == 429 { failure.retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init) ?? 2 }
            throw failure
        }
        let json = try ShopJSON(parsing: Data(buffer: body))
        return Page(
            json: json, next: response.headers.first(name: "Link").flatMap(Self.nextLink),
            totalPages: response.headers.first(name: "X-WP-TotalPages").flatMap { Int($0) },
            total: response.headers.first(name: "X-WP-Total").flatMap { Int($0) }
        )
    }

    /// The `rel="next"` target of a `Link` header: `<https://…page_info=abc>; rel="previous", <…>; rel="next"`.
    static func nextLink(_ header: String) -> String? {
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count >= 2, pieces.dropFirst().contains(where: { $0.replacingOccurrences(of: " ", with: "") == "rel=\"next\"" }),
                pieces[0].hasPrefix("<"), pieces[0].hasSuffix(">")
            else { continue }
            return String(pieces[0].dropFirst().dropLast())
        }
        return nil
    }

    /// A product's category: Shopify's product type, or WooCommerce's first category; nil when it has none.
    func category(productID: String) async throws -> String? {
        switch integration.kind {
        case .shopify:
            return ShopifyPayload.productType(try await get("/products/\(productID).json?fields=id,product_type").json)
        case .woocommerce:
            return WooCommercePayload.categories(try await get("/products/\(productID)").json).first
        }
    }

    /// One cheap authenticated call; returns what the shop calls itself.
    func check() async throws -> String {
        switch integration.kind {
        case .shopify:
            let page = try await get("/shop.json")
            return page.json["shop"]["name"].text ?? integration.shopHost
        case .woocommerce:
            let page = try await get("/orders?per_page=1")
            return "\(page.total.map { "\($0) orders" } ?? "connected")"
        }
    }
}
