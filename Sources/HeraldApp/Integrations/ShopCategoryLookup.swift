import AsyncHTTPClient
import Foundation
import Logging
import SQLKit
import Storage

/// Asks a shop for the categories of products Herald has not stored with one (Shopify's product type, WooCommerce's
/// first category), once per product and process; a product whose category cannot be fetched is saved without one.
/// Called before a transaction opens: no HTTP call is made while one is open.
struct ShopCategoryLookup: Sendable {
    let database: Database
    let integrations: IntegrationStore
    let http: HTTPClient
    let logger: Logger
    let asked = CategoryCache()

    func categories(orders: [ShopJSON], integration: Integration) async throws -> [String: String] {
        let ids = Set(orders.flatMap { $0["line_items"].array.compactMap { $0["product_id"].text } }.filter { $0 != "0" })
        guard !ids.isEmpty else { return [:] }
        let externalIDs = ids.map { integration.externalPrefix + $0 }
        let known = try await database.read { sql in
            Set(
                try await sql.raw(
                    """
                    SELECT external_id FROM products WHERE workspace_id = \(bind: integration.workspaceID) AND external_id IN (\(binds: externalIDs))
                        AND category_id IS NOT NULL
                    """
                ).all().map { try $0.decode(column: "external_id", as: String.self) }
            )
        }
        var wanted: [String] = []
        for id in ids.sorted() where !known.contains(integration.externalPrefix + id) {
            if await asked.shouldFetch(integration: integration.id, productID: id) { wanted.append(id) }
        }
        guard !wanted.isEmpty else { return [:] }
        let client = ShopClient(integration: integration, secrets: try await integrations.secrets(integration), http: http, timeout: .seconds(5))
        var found: [String: String] = [:]
        for id in wanted {
            do {
                if let category = try await client.category(productID: id) { found[id] = category }
            } catch {
                logger.notice("a product's category could not be fetched", metadata: ["product_id": "\(id)", "error": "\(error)"])
            }
        }
        return found
    }
}

/// Which products this process has asked a shop about, so each is asked once.
actor CategoryCache {
    private var asked: Set<String> = []
    func shouldFetch(integration: UUID, productID: String) -> Bool {
        if asked.count > 100_000 { asked.removeAll() }
        return asked.insert("\(integration)/\(productID)").inserted
    }
}
