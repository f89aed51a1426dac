import Foundation
import SQLKit
import Segments
import Storage

extension World {
    /// Writes the workspace, catalog, contacts, orders and events.
    func insert(into database: Database) async throws {
        let d = database.dialect
        let now = self.now, workspaceID = self.workspaceID
        let attributes = Self.attributes, products = self.products, categories = self.categories, campaigns = self.campaigns
        let contacts = self.contacts, orders = self.orders, events = self.events
        try await database.transaction { sql in
            try await sql.raw(
                "INSERT INTO workspaces (id, name, time_zone, currency, created_at, updated_at) VALUES (\(bind: workspaceID), \(bind: "ws \(workspaceID)"), 'America/New_York', 'USD', \(bind: now), \(bind: now))"
            ).run()
            for attribute in attributes {
                let options = String(decoding: try JSONEncoder().encode(attribute.options), as: UTF8.self)
                try await sql.raw(
                    """
                    INSERT INTO custom_field_definitions (id, workspace_id, key, label, type, options, created_at) VALUES
                    (\(bind: UUID()), \(bind: workspaceID), \(bind: attribute.key), \(bind: attribute.label), \(bind: attribute.kind.rawValue), \(d.json(options)), \(bind: now))
                    """
                ).run()
            }
            for (i, category) in categories.enumerated() {
                try await sql.raw("INSERT INTO categories (id, workspace_id, name, created_at) VALUES (\(bind: category), \(bind: workspaceID), \(bind: "c\(i)"), \(bind: now))").run()
            }
            for (i, product) in products.enumerated() {
                try await sql.raw(
                    """
                    INSERT INTO products (id, workspace_id, external_id, name, category_id, created_at, updated_at)
                    VALUES (\(bind: product.id), \(bind: workspaceID), \(bind: "p\(i)"), \(bind: "Product \(i)"), \(bind: product.category), \(bind: now), \(bind: now))
                    """
                ).run()
            }
            for (i, campaign) in campaigns.enumerated() {
                try await sql.raw(
                    "INSERT INTO campaigns (id, workspace_id, name, status, created_at, updated_at) VALUES (\(bind: campaign), \(bind: workspaceID), \(bind: "k\(i)"), 'completed', \(bind: now), \(bind: now))"
                ).run()
            }
            try await sql.insertRows(
                """
                INSERT INTO contacts (id, workspace_id, phone, bsuid, username, country, city, language, tags, attributes, consent_status, created_at,
                updated_at) VALUES
                """,
                contacts
            ) { c in
                let tags = String(decoding: try! JSONEncoder().encode(c.tags), as: UTF8.self)
                let attributes = String(decoding: try! JSONEncoder().encode(c.attributes), as: UTF8.self)
                return """
                    (\(bind: c.id), \(bind: workspaceID), \(bind: c.phone), \(bind: c.bsuid), \(bind: c.username), \(bind: c.country),
                     \(bind: c.city), \(bind: c.language), \(d.json(tags)), \(d.json(attributes)), \(bind: c.consent), \(bind: c.createdAt), \(bind: c.createdAt))
                    """
            }
            try await sql.insertRows(
                "INSERT INTO orders (id, workspace_id, external_id, contact_id, total_minor, currency, status, ordered_at, created_at, updated_at) VALUES ",
                orders
            ) { o in
                "(\(bind: o.id), \(bind: workspaceID), \(bind: o.id.uuidString), \(bind: o.contactID), \(bind: o.totalMinor), 'USD', \(bind: o.status), \(bind: o.orderedAt), \(bind: now), \(bind: now))"
            }
            let lines = orders.flatMap { o in o.productIDs.map { (o.id, $0) } }
            try await sql.insertRows("INSERT INTO order_lines (id, workspace_id, order_id, product_id, quantity, unit_price_minor) VALUES ", lines) { line in
                "(\(bind: UUID()), \(bind: workspaceID), \(bind: line.0), \(bind: line.1), 1, 100)"
            }
            try await sql.insertRows(
                "INSERT INTO message_events (id, workspace_id, contact_id, campaign_id, type, occurred_at, created_at) VALUES ", events
            ) { e in
                "(\(bind: e.id), \(bind: workspaceID), \(bind: e.contactID), \(bind: e.campaignID), \(bind: e.type), \(bind: e.occurredAt), \(bind: now))"
            }
        }
    }
}
