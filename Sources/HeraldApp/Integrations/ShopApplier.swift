import Foundation
import SQLKit
import Storage

/// Applies one shop delivery or one backfilled record inside the caller's transaction: orders through
/// ``OrderStore/Writer`` (so spend, products and attribution follow as they do for the API), refunds, and customers.
struct ShopApplier {
    let integration: Integration
    let matcher: ShopContactMatcher
    let dialect: Dialect
    let sql: any SQLDatabase
    /// Categories found for the shop's product ids (Shopify's product type, WooCommerce's first category).
    var categories: [String: String] = [:]
    var writer: OrderStore.Writer

    init(integration: Integration, workspaceDefaultCountry: String?, contacts: ContactStore, dialect: Dialect, sql: any SQLDatabase) {
        self.integration = integration
        self.matcher = ShopContactMatcher(
            workspaceID: integration.workspaceID, defaultCountry: integration.defaultCountry ?? workspaceDefaultCountry, contacts: contacts
        )
        self.dialect = dialect
        self.sql = sql
        self.writer = OrderStore.Writer(workspaceID: integration.workspaceID)
    }

    /// What became of a delivery, shown in the console's log.
    enum Outcome: String, Sendable {
        case orderSaved = "order_saved"
        case orderCancelled = "order_cancelled"
        case notPaid = "not_paid"
        case refundSaved = "refund_saved"
        case unknownOrder = "unknown_order"
        case contactCreated = "contact_created"
        case contactUpdated = "contact_updated"
        case contactUnchanged = "contact_unchanged"
        case noContact = "no_contact"
        case ignored
    }

    /// Applies a webhook's body by its topic.
    mutating func apply(topic: String, body: Data) async throws -> Outcome {
        let json = try ShopJSON(parsing: body)
        switch (integration.kind, topic) {
        case (.shopify, ShopifyPayload.refundTopic):
            let (orderID, refund) = try ShopifyPayload.refund(json, currency: nil)
            guard let orderID else { throw ShopPayloadError("the refund names no order_id") }
            return try await addRefund(refund, toOrder: orderID)
        case (.shopify, let t) where ShopifyPayload.orderTopics.contains(t): return try await save(try ShopifyPayload.order(json))
        case (.shopify, let t) where ShopifyPayload.customerTopics.contains(t): return try await customer(try ShopifyPayload.customer(json))
        case (.woocommerce, WooCommercePayload.deletedTopic): return try await cancel(orderID: try json["id"].id("the order's id"))
        case (.woocommerce, let t) where WooCommercePayload.orderTopics.contains(t): return try await save(try WooCommercePayload.order(json))
        case (.woocommerce, let t) where WooCommercePayload.customerTopics.contains(t): return try await customer(try WooCommercePayload.customer(json))
        default: return .ignored
        }
    }

    func externalID(_ shopID: String) -> String { integration.externalPrefix + shopID }

    func storedOrder(_ shopID: String) async throws -> (id: UUID, gross: Int64)? {
        guard let row = try await sql.raw(
            """
            SELECT id, total_minor, refunded_minor FROM orders WHERE workspace_id = \(bind: integration.workspaceID)
                AND external_id = \(bind: externalID(shopID))\(dialect.forUpdate)
            """
        ).first() else { return nil }
        return (try row.decode(column: "id", as: UUID.self),
                try row.decode(column: "total_minor", as: Int64.self) + row.decode(column: "refunded_minor", as: Int64.self))
    }

    /// Saves an order; a not-yet-paid one is saved only once it was paid before (it is then cancelled in Herald's terms).
    mutating func save(_ order: ShopOrder) async throws -> Outcome {
        if order.status == .unpaid {
            guard try await storedOrder(order.id) != nil else { return .notPaid }
            return try await cancel(orderID: order.id)
        }
        guard let contactID = try await matcher.match(order.buyer, in: sql).contactID else { return .noContact }
        let refunded = order.refundedMinor
        let lines = order.lines.map {
            Order.Line(
                productExternalID: externalID($0.productID), name: $0.name, category: categories[$0.productID] ?? $0.category, quantity: $0.quantity,
                unitPriceMinor: $0.unitPriceMinor
            )
        }
        let saved = try await writer.write(
            Order(
                id: UUID(), externalID: externalID(order.id), contactID: contactID, totalMinor: order.totalMinor - refunded, currency: order.currency,
                status: Self.status(order.status, gross: order.totalMinor, refunded: refunded), orderedAt: order.orderedAt, lines: lines
            ),
            source: integration.kind.rawValue, refundedMinor: refunded, in: sql
        )
        for refund in order.refunds { try await insert(refund, orderID: saved.id) }
        try await settleRefunds(orderID: saved.id, gross: order.totalMinor, status: order.status)
        return .orderSaved
    }

    static func status(_ status: ShopOrder.Status, gross: Int64, refunded: Int64) -> String {
        switch status {
        case .paid: gross > 0 && refunded >= gross ? "refunded" : "paid"
        case .refunded: "refunded"
        case .cancelled, .unpaid: "cancelled"
        }
    }

    mutating func addRefund(_ refund: ShopOrder.Refund, toOrder shopID: String) async throws -> Outcome {
        guard let stored = try await storedOrder(shopID) else { return .unknownOrder }
        try await insert(refund, orderID: stored.id)
        try await settleRefunds(orderID: stored.id, gross: stored.gross, status: nil)
        writer.written.append(stored.id)
        return .refundSaved
    }

    func insert(_ refund: ShopOrder.Refund, orderID: UUID) async throws {
        try await sql.raw(
            """
            INSERT INTO order_refunds (id, workspace_id, order_id, external_id, amount_minor, refunded_at)
            VALUES (\(bind: UUID()), \(bind: integration.workspaceID), \(bind: orderID), \(bind: refund.id), \(bind: refund.amountMinor), \(bind: refund.at))
            ON CONFLICT (order_id, external_id) DO NOTHING
            """
        ).run()
    }

    /// Every refund the order has had, whichever delivery brought it, lowers its counted total: spend in segments and
    /// attributed revenue are net of refunds, and an order refunded in full no longer counts.
    func settleRefunds(orderID: UUID, gross: Int64, status: ShopOrder.Status?) async throws {
        let row = try await sql.raw("SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) AS refunded FROM order_refunds WHERE order_id = \(bind: orderID)").first()
        let refunded = min(gross, try row?.decode(column: "refunded", as: Int64.self) ?? 0)
        let current = try await sql.raw("SELECT status FROM orders WHERE id = \(bind: orderID)").first()?.decode(column: "status", as: String.self)
        var next = current ?? "paid"
        if next == "paid", gross > 0, refunded >= gross { next = "refunded" }
        if let status { next = Self.status(status, gross: gross, refunded: refunded) }
        try await sql.raw(
            """
            UPDATE orders SET total_minor = \(bind: gross - refunded), refunded_minor = \(bind: refunded), status = \(bind: next),
                updated_at = \(bind: Date()) WHERE id = \(bind: orderID)
            """
        ).run()
    }

    mutating func cancel(orderID shopID: String) async throws -> Outcome {
        guard let stored = try await storedOrder(shopID) else { return .notPaid }
        try await sql.raw("UPDATE orders SET status = 'cancelled', updated_at = \(bind: Date()) WHERE id = \(bind: stored.id)").run()
        writer.written.append(stored.id)
        return .orderCancelled
    }

    func customer(_ buyer: ShopBuyer) async throws -> Outcome {
        switch try await matcher.match(buyer, in: sql) {
        case .created: .contactCreated
        case .found(_, let filled): filled ? .contactUpdated : .contactUnchanged
        case .none: .noContact
        }
    }

    /// Converts messages for the orders written, in the same transaction.
    func finish() async throws { try await writer.attribute(dialect: dialect, in: sql) }
}
