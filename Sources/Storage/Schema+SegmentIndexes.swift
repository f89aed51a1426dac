extension Schema {
    /// Indexes for segment evaluation (docs/benchmarks.md, "Segment preview"), then fresh planner statistics.
    ///
    /// Both engines count a contact's purchases with one probe per contact: `orders_contact_paid` answers every
    /// purchase field (sum, count, average, first and last date in a window, the order ids for product and
    /// category rules) from the index alone, and `order_lines_order_product` finds an order's products.
    /// PostgreSQL also evaluates rules over a period as whole sets (a grouped scan of the period joined to
    /// contacts), which read `orders_paid_time` and `message_events_type_time` in time order.
    /// ANALYZE gives SQLite statistics it never gathers on its own and PostgreSQL fresh ones for the new indexes.
    static let segmentIndexes = Migration(version: 4, name: "segment_indexes") { d in
        if d.kind == .postgres {
            return [
                "CREATE INDEX orders_contact_paid ON orders (workspace_id, contact_id, status, ordered_at) INCLUDE (total_minor, id)",
                "CREATE INDEX orders_paid_time ON orders (workspace_id, status, ordered_at) INCLUDE (contact_id, total_minor, id)",
                "CREATE INDEX order_lines_order_product ON order_lines (order_id, product_id)",
                "CREATE INDEX message_events_type_time ON message_events (workspace_id, type, occurred_at) INCLUDE (contact_id)",
                "ANALYZE contacts, orders, order_lines, products, message_events",
            ]
        }
        return [
            "CREATE INDEX orders_contact_paid ON orders (workspace_id, contact_id, status, ordered_at, total_minor, id)",
            "CREATE INDEX order_lines_order_product ON order_lines (order_id, product_id)",
            // Full statistics: a sample (analysis_limit) sees one workspace's first rows and makes
            // `workspace_id = ?` look selective, so SQLite reads whole tables through an index.
            "ANALYZE",
        ]
    }
}
