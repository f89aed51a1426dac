import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

@testable import HeraldApp

/// A shop on a random local port that speaks Shopify's Admin REST API and WooCommerce's `wc/v3` as the real ones do:
/// money as decimal strings, WooCommerce's `*_gmt` times, free-text phones, Shopify's `Link` pagination with
/// `page_info` and WooCommerce's `page` with `X-WP-TotalPages`. It checks credentials, counts requests and can be told
/// to fail from a given page on.
actor FakeShop {
    var shopifyOrders: [String] = []
    var wooOrders: [String] = []
    var wooCustomers: [String] = []
    /// Product id → Shopify product type, or WooCommerce category.
    var productCategories: [String: String] = [:]
    private(set) var requests: [String] = []
    /// Pages from this one on answer 500 (nil: never).
    var failFromPage: Int?
    /// A request for this page waits until it is cleared (a shop that is slow while the server is killed).
    var holdPage: Int?
    static let token = "shpat_test_token"
    static let consumerKey = "ck_test", consumerSecret = "cs_test"

    func set(shopify: [String]? = nil, woo: [String]? = nil, customers: [String]? = nil, categories: [String: String]? = nil, failFromPage: Int?? = nil) {
        if let shopify { shopifyOrders = shopify }
        if let woo { wooOrders = woo }
        if let customers { wooCustomers = customers }
        if let categories { productCategories = categories }
        if let failFromPage { self.failFromPage = failFromPage }
    }

    func log(_ line: String) { requests.append(line) }
    func hold(_ page: Int?) { holdPage = page }
    func count(_ prefix: String) -> Int { requests.filter { $0.hasPrefix(prefix) }.count }

    /// Runs the shop for the duration of `body`, which gets its base URL.
    static func run(_ shop: FakeShop, _ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.get("admin/api/:version/shop.json") { request, _ -> Response in
            guard request.headers[HTTPField.Name("X-Shopify-Access-Token")!] == token else { return json(#"{"errors":"[API] Invalid API key or access token"}"#, status: .unauthorized) }
            await shop.log("shopify shop")
            return json(#"{"shop":{"id":548380009,"name":"Acme Test Shop","currency":"USD"}}"#)
        }
        router.get("admin/api/:version/products/:id") { request, context -> Response in
            guard request.headers[HTTPField.Name("X-Shopify-Access-Token")!] == token else { return json(#"{"errors":"unauthorized"}"#, status: .unauthorized) }
            let id = String(context.parameters.get("id")!.dropLast(".json".count))
            await shop.log("shopify product \(id)")
            guard let type = await shop.productCategories[id] else { return json(#"{"errors":"Not Found"}"#, status: .notFound) }
            return json(#"{"product":{"id":\#(id),"title":"Product \#(id)","product_type":"\#(type)"}}"#)
        }
        router.get("admin/api/:version/orders.json") { request, _ -> Response in
            guard request.headers[HTTPField.Name("X-Shopify-Access-Token")!] == token else { return json(#"{"errors":"unauthorized"}"#, status: .unauthorized) }
            let query = request.uri.queryParameters
            let limit = Int(query["limit"].map(String.init) ?? "50") ?? 50
            // page_info is opaque to the client: here, the offset in base 36.
            let offset = query["page_info"].flatMap { Int(String($0), radix: 36) } ?? 0
            let page = offset / max(limit, 1) + 1
            await shop.log("shopify orders page \(page)")
            while await shop.holdPage == page { try? await Task.sleep(for: .milliseconds(20)) }
            if let fail = await shop.failFromPage, page >= fail { return json(#"{"errors":"Internal Server Error"}"#, status: .internalServerError) }
            let orders = await shop.shopifyOrders
            let slice = orders[min(offset, orders.count)..<min(offset + limit, orders.count)]
            var headers: HTTPFields = [.contentType: "application/json"]
            if offset + limit < orders.count {
                let base = "http://\(request.head.authority ?? "127.0.0.1")/admin/api/2025-01/orders.json"
                headers[HTTPField.Name("Link")!] = "<\(base)?limit=\(limit)&page_info=\(String(offset + limit, radix: 36))>; rel=\"next\""
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: #"{"orders":[\#(slice.joined(separator: ","))]}"#)))
        }
        @Sendable func wooAuthorized(_ request: Request) -> Bool {
            let expected = "Basic " + Data("\(consumerKey):\(consumerSecret)".utf8).base64EncodedString()
            return request.headers[.authorization] == expected
        }
        @Sendable func wooPage(_ request: Request, _ items: [String], what: String) async -> Response {
            guard wooAuthorized(request) else { return json(#"{"code":"woocommerce_rest_cannot_view","message":"Sorry, you cannot list resources."}"#, status: .unauthorized) }
            let query = request.uri.queryParameters
            let perPage = Int(query["per_page"].map(String.init) ?? "10") ?? 10
            let page = Int(query["page"].map(String.init) ?? "1") ?? 1
            await shop.log("woo \(what) page \(page)" + (query["modified_after"].map { " modified_after=\($0)" } ?? ""))
            if let fail = await shop.failFromPage, page >= fail { return json(#"{"code":"internal_server_error"}"#, status: .internalServerError) }
            let start = (page - 1) * perPage
            let slice = items[min(start, items.count)..<min(start + perPage, items.count)]
            let pages = (items.count + perPage - 1) / perPage
            return Response(
                status: .ok,
                headers: [.contentType: "application/json", HTTPField.Name("X-WP-Total")!: "\(items.count)", HTTPField.Name("X-WP-TotalPages")!: "\(pages)"],
                body: .init(byteBuffer: ByteBuffer(string: "[\(slice.joined(separator: ","))]"))
            )
        }
        router.get("wp-json/wc/v3/orders") { request, _ in await wooPage(request, await shop.wooOrders, what: "orders") }
        router.get("wp-json/wc/v3/customers") { request, _ in await wooPage(request, await shop.wooCustomers, what: "customers") }
        router.get("wp-json/wc/v3/products/:id") { request, context -> Response in
            guard wooAuthorized(request) else { return json(#"{"code":"woocommerce_rest_cannot_view"}"#, status: .unauthorized) }
            let id = context.parameters.get("id")!
            await shop.log("woo product \(id)")
            guard let category = await shop.productCategories[id] else { return json(#"{"code":"woocommerce_rest_product_invalid_id"}"#, status: .notFound) }
            return json(#"{"id":\#(id),"name":"Product \#(id)","categories":[{"id":9,"name":"\#(category)","slug":"x"}]}"#)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body("http://127.0.0.1:\(client.port!)") }
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Real-shaped payloads.
enum ShopPayloads {
    struct Line {
        var productID: Int
        var title: String
        var quantity: Int = 1
        var price: String
    }

    static func shopifyOrder(
        id: Int, phone: String? = "+16136120707", email: String? = "bob@example.com", total: String, currency: String = "USD",
        financialStatus: String = "paid", createdAt: String = "2026-11-20T11:00:00-05:00", cancelledAt: String? = nil, lines: [Line] = [],
        refunds: [(id: Int, amount: String)] = []
    ) -> String {
        let items = lines.enumerated().map { index, line in
            #"{"id":\#(id * 10 + index),"product_id":\#(line.productID),"variant_id":\#(line.productID * 7),"title":"\#(line.title)","sku":"SKU\#(line.productID)","quantity":\#(line.quantity),"price":"\#(line.price)"}"#
        }
        let refundItems = refunds.map { refund in
            #"{"id":\#(refund.id),"order_id":\#(id),"created_at":"2026-11-21T10:00:00-05:00","processed_at":"2026-11-21T10:00:00-05:00","transactions":[{"id":\#(refund.id * 3),"kind":"refund","status":"success","amount":"\#(refund.amount)","currency":"\#(currency)"}]}"#
        }
        return """
            {"id":\(id),"name":"#\(id % 10000)","email":\(quoted(email)),"phone":\(quoted(phone)),"currency":"\(currency)","total_price":"\(total)",\
            "subtotal_price":"\(total)","financial_status":"\(financialStatus)","cancelled_at":\(quoted(cancelledAt)),"created_at":"\(createdAt)",\
            "customer":{"id":207119551,"email":\(quoted(email)),"phone":null,"first_name":"Bob","last_name":"Norman"},\
            "billing_address":{"phone":"555-625-1199","country_code":"US","first_name":"Bob","last_name":"Norman"},\
            "line_items":[\(items.joined(separator: ","))],"refunds":[\(refundItems.joined(separator: ","))]}
            """
    }

    static func shopifyRefund(id: Int, orderID: Int, amount: String, currency: String = "USD") -> String {
        #"{"id":\#(id),"order_id":\#(orderID),"created_at":"2026-11-22T09:00:00-05:00","processed_at":"2026-11-22T09:00:00-05:00","note":"damaged","refund_line_items":[],"transactions":[{"id":\#(id * 3),"order_id":\#(orderID),"kind":"refund","status":"success","amount":"\#(amount)","currency":"\#(currency)"}]}"#
    }

    static func wooOrder(
        id: Int, phone: String? = "(212) 555-0142", email: String? = "ann@example.com", country: String = "US", total: String, currency: String = "USD",
        status: String = "processing", created: String = "2026-11-20T16:28:02", lines: [Line] = [], refunds: [(id: Int, total: String)] = []
    ) -> String {
        let items = lines.enumerated().map { index, line in
            #"{"id":\#(id * 10 + index),"name":"\#(line.title)","product_id":\#(line.productID),"variation_id":0,"quantity":\#(line.quantity),"subtotal":"\#(line.price)","total":"\#(line.price)","price":\#(line.price)}"#
        }
        let refundItems = refunds.map { #"{"id":\#($0.id),"reason":"","total":"\#($0.total)"}"# }
        return """
            {"id":\(id),"number":"\(id)","status":"\(status)","currency":"\(currency)","date_created":"2026-11-20T11:28:02","date_created_gmt":"\(created)",\
            "date_modified_gmt":"\(created)","total":"\(total)","customer_id":0,\
            "billing":{"first_name":"Ann","last_name":"Lee","email":\(quoted(email)),"phone":\(quoted(phone)),"country":"\(country)"},\
            "shipping":{"first_name":"Ann","last_name":"Lee","country":"\(country)"},\
            "line_items":[\(items.joined(separator: ","))],"refunds":[\(refundItems.joined(separator: ","))]}
            """
    }

    static func quoted(_ text: String?) -> String { text.map { #""\#($0)""# } ?? "null" }
}
