import Foundation
import SQLKit
import Storage

/// Orders with their lines; products and categories are created as they first appear.
struct OrderStore: Sendable {
    let database: Database
    let contacts: ContactStore

    /// Upserts orders by external id in one transaction; an existing order's lines are replaced.
    func upsert(workspaceID: UUID, orders: [(order: Order, contact: ContactReference, path: String)]) async throws -> [Order] {
        let store = contacts
        let dialect = database.dialect
        return try await database.transaction(retryingConflicts: 3) { sql in
            var writer = Writer(workspaceID: workspaceID)
            var saved: [Order] = []
            for (order, reference, path) in orders {
                var order = order
                order.contactID = try await reference.resolve(sql, workspaceID: workspaceID, store: store, field: "\(path)contact", createByPhone: true)
                saved.append(try await writer.write(order, source: "api", in: sql))
            }
            try await writer.attribute(dialect: dialect, in: sql)
            return saved
        }
    }

    /// Writes orders inside a caller's transaction (the API's upsert, a shop delivery): each order by its external id,
    /// its lines replaced, products and categories made as they first appear; `attribute` then converts messages.
    struct Writer {
        let workspaceID: UUID
        var products: [String: UUID] = [:]
        var categories: [String: UUID] = [:]
        var written: [UUID] = []

        init(workspaceID: UUID) { self.workspaceID = workspaceID }

        /// Inserts or updates the order by external id; returns it with its stored id. `refundedMinor`, when given,
        /// replaces the stored refunded amount (shops say it; the API leaves it as it is).
        mutating func write(_ order: Order, source: String, refundedMinor: Int64? = nil, in sql: any SQLDatabase) async throws -> Order {
            var order = order
            let now = Date()
            if let existing = try await sql.raw(
                "SELECT id FROM orders WHERE workspace_id = \(bind: workspaceID) AND external_id = \(bind: order.externalID)"
            ).first() {
                order.id = try existing.decode(column: "id", as: UUID.self)
                try await sql.raw(
                    """
                    UPDATE orders SET contact_id = \(bind: order.contactID), total_minor = \(bind: order.totalMinor), currency = \(bind: order.currency),
                        status = \(bind: order.status), ordered_at = \(bind: order.orderedAt), updated_at = \(bind: now),
                        refunded_minor = COALESCE(\(bind: refundedMinor), refunded_minor) WHERE id = \(bind: order.id)
                    """
                ).run()
                try await sql.raw("DELETE FROM order_lines WHERE order_id = \(bind: order.id)").run()
            } else {
                try await sql.raw(
                    """
                    INSERT INTO orders (id, workspace_id, external_id, contact_id, total_minor, currency, status, source, refunded_minor, ordered_at,
                        created_at, updated_at)
                    VALUES (\(bind: order.id), \(bind: workspaceID), \(bind: order.externalID), \(bind: order.contactID), \(bind: order.totalMinor),
                            \(bind: order.currency), \(bind: order.status), \(bind: source), \(bind: refundedMinor ?? 0), \(bind: order.orderedAt),
                            \(bind: now), \(bind: now))
                    """
                ).run()
            }
            for line in order.lines {
                var categoryID: UUID?
                if let category = line.category {
                    if let known = categories[category] {
                        categoryID = known
                    } else {
                        categoryID = try await OrderStore.category(sql, workspaceID: workspaceID, name: category)
                        categories[category] = categoryID
                    }
                }
                let productID: UUID
                if let known = products[line.productExternalID] {
                    productID = known
                } else {
                    productID = try await OrderStore.product(sql, workspaceID: workspaceID, line: line, categoryID: categoryID)
                    products[line.productExternalID] = productID
                }
                try await sql.raw(
                    """
                    INSERT INTO order_lines (id, workspace_id, order_id, product_id, quantity, unit_price_minor)
                    VALUES (\(bind: UUID()), \(bind: workspaceID), \(bind: order.id), \(bind: productID), \(bind: line.quantity), \(bind: line.unitPriceMinor))
                    """
                ).run()
            }
            written.append(order.id)
            return order
        }

        /// Each written order converts a message, or stops converting one, in the same transaction (docs/analytics.md).
        func attribute(dialect: Dialect, in sql: any SQLDatabase) async throws {
            let delta = try await AttributionStore.reattribute(orderIDs: written, workspaceID: workspaceID, dialect: dialect, in: sql)
            try await delta.flush(dialect: dialect, in: sql)
        }
    }

    static func category(_ sql: any SQLDatabase, workspaceID: UUID, name: String) async throws -> UUID {
        if let row = try await sql.raw("SELECT id FROM categories WHERE workspace_id = \(bind: workspaceID) AND name = \(bind: name)").first() {
            return try row.decode(column: "id", as: UUID.self)
        }
        let id = UUID()
        try await sql.raw("INSERT INTO categories (id, workspace_id, name, created_at) VALUES (\(bind: id), \(bind: workspaceID), \(bind: name), \(bind: Date()))").run()
        return id
    }

    static func product(_ sql: any SQLDatabase, workspaceID: UUID, line: Order.Line, categoryID: UUID?) async throws -> UUID {
        let now = Date()
        if let row = try await sql.raw("SELECT id FROM products WHERE workspace_id = \(bind: workspaceID) AND external_id = \(bind: line.productExternalID)").first() {
            let id = try row.decode(column: "id", as: UUID.self)
            try await sql.raw(
                "UPDATE products SET name = \(bind: line.name), category_id = COALESCE(\(bind: categoryID), category_id), updated_at = \(bind: now) WHERE id = \(bind: id)"
            ).run()
            return id
        }
        let id = UUID()
        try await sql.raw(
            """
            INSERT INTO products (id, workspace_id, external_id, name, category_id, created_at, updated_at)
            VALUES (\(bind: id), \(bind: workspaceID), \(bind: line.productExternalID), \(bind: line.name), \(bind: categoryID), \(bind: now), \(bind: now))
            """
        ).run()
        return id
    }

    /// Orders by external id, keyset-paged, optionally of one contact.
    func list(workspaceID: UUID, contactID: UUID?, limit: Int, after: String?) async throws -> (orders: [Order], next: String?) {
        var query: SQLQueryString = """
            SELECT id, external_id, contact_id, total_minor, currency, status, ordered_at FROM orders WHERE workspace_id = \(bind: workspaceID)
            """
        if let contactID { query.appendInterpolation(" AND contact_id = \(bind: contactID)" as SQLQueryString) }
        if let after { query.appendInterpolation(" AND external_id > \(bind: after)" as SQLQueryString) }
        query.appendInterpolation(" ORDER BY external_id LIMIT \(bind: limit + 1)" as SQLQueryString)
        let finalQuery = query
        return try await database.read { sql in
            var orders = try await sql.raw(finalQuery).all().map { row in
                Order(
                    id: try row.decode(column: "id", as: UUID.self), externalID: try row.decode(column: "external_id", as: String.self),
                    contactID: try row.decode(column: "contact_id", as: UUID.self), totalMinor: try row.decode(column: "total_minor", as: Int64.self),
                    currency: try row.decode(column: "currency", as: String.self), status: try row.decode(column: "status", as: String.self),
                    orderedAt: try row.decode(column: "ordered_at", as: Date.self), lines: []
                )
            }
            var next: String?
            if orders.count > limit {
                orders.removeLast()
                next = orders.last?.externalID
            }
            for index in orders.indices {
                orders[index].lines = try await sql.raw(
                    """
                    SELECT p.external_id, p.name, c.name AS category, l.quantity, l.unit_price_minor FROM order_lines l
                    JOIN products p ON p.id = l.product_id LEFT JOIN categories c ON c.id = p.category_id WHERE l.order_id = \(bind: orders[index].id)
                    """
                ).all().map {
                    Order.Line(
                        productExternalID: try $0.decode(column: "external_id", as: String.self), name: try $0.decode(column: "name", as: String.self),
                        category: try $0.decode(column: "category", as: String?.self), quantity: try $0.decode(column: "quantity", as: Int64.self),
                        unitPriceMinor: try $0.decode(column: "unit_price_minor", as: Int64.self)
                    )
                }
            }
            return (orders, next)
        }
    }
}
