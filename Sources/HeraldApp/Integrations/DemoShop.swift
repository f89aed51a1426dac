import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SQLKit
import Storage

/// `herald demo`'s shop: a small Shopify stand-in on this machine that serves the Admin REST API Herald calls
/// (`shop.json`, `orders.json` paged by the `Link` header, `products/{id}.json`) and, like a live store, posts a
/// signed `orders/create` webhook now and then for a contact who clicked a demo campaign message. The demo workspace
/// is connected to it, so the Integrations page shows deliveries, an import and their outcomes.
public struct DemoShop: Sendable {
    public static let domain = "herald-demo.myshopify.com"
    static let token = "shpat_demo_shop_token"
    let state = DemoShopState()
    public let port: Int
    public let webhookSecret: String

    public init(port: Int, webhookSecret: String) {
        self.port = port
        self.webhookSecret = webhookSecret
    }

    static let products: [(id: Int, title: String, type: String, price: String)] = [
        (8001, "Linen shirt", "Apparel", "49.00"), (8002, "Canvas sneakers", "Shoes", "79.90"), (8003, "Leather belt", "Accessories", "35.00"),
        (8004, "Wool scarf", "Accessories", "29.50"), (8005, "Denim jacket", "Apparel", "119.00"),
    ]

    /// Connects the demo workspace to the shop once; later runs keep the connection (and its webhook secret).
    public static func ensureConnection(database: Database, secretKey: SecretKey, workspaceID: UUID, shopURL: String) async throws -> (UUID, String) {
        let store = IntegrationStore(database: database, secretKey: secretKey)
        if let existing = try await store.find(kind: .shopify, shopHost: domain) {
            return (existing.id, try await store.secrets(existing).webhookSecret)
        }
        let secret = "demo-" + UUID().uuidString.lowercased()
        let input = IntegrationInput(
            kind: .shopify, name: "Demo shop", shopHost: domain, siteURL: "https://\(domain)", apiBaseURL: shopURL, apiVersion: Integration.defaultShopifyVersion,
            defaultCountry: "DE", secrets: IntegrationSecrets(accessToken: token, webhookSecret: secret)
        )
        let made = try await store.create(workspaceID: workspaceID, input)
        // The first run imports the shop's history, as a merchant would after connecting.
        try await database.transaction { sql in
            _ = try await ShopSyncStore(database: database).start(made, resource: .products, in: sql, dialect: database.dialect)
        }
        return (made.id, secret)
    }

    public func makeApplication(logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        let state = self.state
        @Sendable func authorized(_ request: Request) -> Bool { request.headers[HTTPField.Name("X-Shopify-Access-Token")!] == Self.token }
        router.get("admin/api/:version/shop.json") { request, _ -> Response in
            guard authorized(request) else { return Self.json(#"{"errors":"[API] Invalid API key or access token"}"#, status: .unauthorized) }
            return Self.json(#"{"shop":{"id":1,"name":"Herald demo shop","currency":"EUR","domain":"\#(Self.domain)"}}"#)
        }
        router.get("admin/api/:version/products.json") { request, _ -> Response in
            guard authorized(request) else { return Self.json(#"{"errors":"unauthorized"}"#, status: .unauthorized) }
            let items = Self.products.map { #"{"id":\#($0.id),"title":"\#($0.title)","product_type":"\#($0.type)"}"# }
            return Self.json(#"{"products":[\#(items.joined(separator: ","))]}"#)
        }
        router.get("admin/api/:version/products/:file") { request, context -> Response in
            guard authorized(request) else { return Self.json(#"{"errors":"unauthorized"}"#, status: .unauthorized) }
            let id = Int(context.parameters.get("file")?.replacingOccurrences(of: ".json", with: "") ?? "") ?? 0
            guard let product = Self.products.first(where: { $0.id == id }) else { return Self.json(#"{"errors":"Not Found"}"#, status: .notFound) }
            return Self.json(#"{"product":{"id":\#(product.id),"title":"\#(product.title)","product_type":"\#(product.type)"}}"#)
        }
        router.get("admin/api/:version/orders.json") { request, _ -> Response in
            guard authorized(request) else { return Self.json(#"{"errors":"unauthorized"}"#, status: .unauthorized) }
            let orders = await state.orders
            let query = request.uri.queryParameters
            let limit = min(250, Int(query["limit"].map(String.init) ?? "50") ?? 50)
            let offset = query["page_info"].flatMap { Int(String($0), radix: 36) } ?? 0
            let slice = orders[min(offset, orders.count)..<min(offset + limit, orders.count)]
            var headers: HTTPFields = [.contentType: "application/json"]
            if offset + limit < orders.count {
                headers[HTTPField.Name("Link")!] =
                    "<http://127.0.0.1:\(port)/admin/api/\(Integration.defaultShopifyVersion)/orders.json?limit=\(limit)&page_info=\(String(offset + limit, radix: 36))>; rel=\"next\""
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: #"{"orders":[\#(slice.joined(separator: ","))]}"#)))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "herald-demo-shop"), logger: logger)
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// An order in Shopify's shape.
    static func order(id: Int, phone: String, email: String?, at: Date, product: (id: Int, title: String, type: String, price: String), quantity: Int) -> String {
        let total = (Decimal(string: product.price)! * Decimal(quantity))
        let email = email.map { #""\#($0)""# } ?? "null"
        return """
            {"id":\(id),"name":"#\(id)","email":\(email),"phone":"\(phone)","currency":"EUR","total_price":"\(total)","financial_status":"paid",\
            "cancelled_at":null,"created_at":"\(ISODate.format(at))","customer":{"id":\(id + 1000),"phone":"\(phone)"},\
            "billing_address":{"country_code":"DE"},"line_items":[{"id":\(id * 10),"product_id":\(product.id),"title":"\(product.title)",\
            "quantity":\(quantity),"price":"\(product.price)"}],"refunds":[]}
            """
    }
}

actor DemoShopState {
    var orders: [String] = []
    func add(_ order: String) { orders.append(order) }
}

/// Places a demo order every `interval` for a contact who clicked a demo campaign message, and posts it to Herald as
/// Shopify would: signed, with the shop's domain, topic and a webhook id.
public struct DemoShopDriver: Service {
    let shop: DemoShop
    let database: Database
    let workspaceID: UUID
    let heraldURL: String
    let logger: Logger
    var interval: Duration = .seconds(20)
    var count = 12
    var startDelay: Duration = .seconds(5)

    public init(shop: DemoShop, database: Database, workspaceID: UUID, heraldURL: String, logger: Logger) {
        self.shop = shop
        self.database = database
        self.workspaceID = workspaceID
        self.heraldURL = heraldURL
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var generator = SystemRandomNumberGenerator()
            try? await Task.sleep(for: startDelay)
            for n in 0..<count where !Task.isCancelled {
                do {
                    let buyers = try await database.read { sql in
                        try await sql.raw(
                            """
                            SELECT c.phone, c.email FROM messages m JOIN contacts c ON c.id = m.contact_id
                            WHERE m.workspace_id = \(bind: workspaceID) AND m.clicked_at IS NOT NULL AND c.phone IS NOT NULL
                            ORDER BY m.clicked_at DESC LIMIT 50
                            """
                        ).all().map { (try $0.decode(column: "phone", as: String.self), try $0.decode(column: "email", as: String?.self)) }
                    }
                    if let buyer = buyers.randomElement(using: &generator) {
                        let product = DemoShop.products.randomElement(using: &generator)!
                        let id = Int(Date().timeIntervalSince1970) * 100 + n
                        let body = DemoShop.order(id: id, phone: buyer.0, email: buyer.1, at: Date(), product: product, quantity: Int.random(in: 1...2, using: &generator))
                        await shop.state.add(body)
                        try await post(body, topic: "orders/create")
                    }
                } catch {
                    logger.notice("the demo shop could not place an order", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
        // A service that returns ends the whole service group: after its last order the shop waits for shutdown.
        try? await gracefulShutdown()
    }

    func post(_ body: String, topic: String) async throws {
        var request = HTTPClientRequest(url: heraldURL + "/api/integrations/shopify/webhook")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Shopify-Topic", value: topic)
        request.headers.add(name: "X-Shopify-Shop-Domain", value: DemoShop.domain)
        request.headers.add(name: "X-Shopify-Webhook-Id", value: UUID().uuidString.lowercased())
        request.headers.add(name: "X-Shopify-API-Version", value: Integration.defaultShopifyVersion)
        request.headers.add(name: "X-Shopify-Hmac-Sha256", value: ShopSignature.sign(body: Array(body.utf8), secret: shop.webhookSecret))
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        _ = try? await response.body.collect(upTo: 1 << 16)
        if response.status != .ok { logger.notice("the demo shop's webhook was refused", metadata: ["status": "\(response.status.code)"]) }
    }
}
