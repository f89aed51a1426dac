import Analytics
import Foundation
import SQLKit
import Storage

extension AttributionStore {
    /// A contact's candidate touches for one order: the latest (last touch) or earliest (first touch) click in the
    /// click window and read in the read window, each one indexed probe of `message_events_contact`.
    static func touches(
        contactID: UUID, workspaceID: UUID, orderedAt: Date, settings: Attribution.Settings, in sql: any SQLDatabase
    ) async throws -> [Attribution.Touch] {
        let direction: SQLQueryString = settings.model == .lastTouch ? "DESC" : "ASC"
        var found: [Attribution.Touch] = []
        for (type, kind, window) in [("clicked", Attribution.Kind.click, settings.clickWindowSeconds), ("read", .read, settings.readWindowSeconds)] {
            let from = orderedAt.addingTimeInterval(-TimeInterval(window))
            let row = try await sql.raw(
                """
                SELECT e.message_id, m.campaign_id, e.occurred_at FROM message_events e JOIN messages m ON m.id = e.message_id
                WHERE e.workspace_id = \(bind: workspaceID) AND e.contact_id = \(bind: contactID) AND e.type = \(bind: type)
                    AND e.occurred_at >= \(bind: from) AND e.occurred_at <= \(bind: orderedAt) AND e.message_id IS NOT NULL
                ORDER BY e.occurred_at \(direction), e.message_id ASC LIMIT 1
                """
            ).first()
            guard let row else { continue }
            let touch = Attribution.Touch(
                messageID: try row.decode(column: "message_id", as: UUID.self), campaignID: try row.decode(column: "campaign_id", as: UUID.self),
                kind: kind, at: try row.decode(column: "occurred_at", as: Date.self)
            )
            found.append(touch)
            // A click in its window wins over any read: the read probe is not needed.
            if kind == .click { break }
        }
        return found
    }

    /// The stored conversions of these orders.
    static func stored(orderIDs: [UUID], in sql: any SQLDatabase) async throws -> [UUID: Conversion] {
        var result: [UUID: Conversion] = [:]
        for row in try await sql.raw(
            """
            SELECT order_id, message_id, campaign_id, touch, touched_at, ordered_at, amount_minor, currency, reversed_at FROM conversions
            WHERE order_id IN (\(binds: orderIDs))
            """
        ).all() {
            result[try row.decode(column: "order_id", as: UUID.self)] = Conversion(
                messageID: try row.decode(column: "message_id", as: UUID.self), campaignID: try row.decode(column: "campaign_id", as: UUID.self),
                touch: Attribution.Kind(rawValue: try row.decode(column: "touch", as: String.self)) ?? .click,
                touchedAt: try row.decode(column: "touched_at", as: Date.self), orderedAt: try row.decode(column: "ordered_at", as: Date.self),
                amountMinor: try row.decode(column: "amount_minor", as: Int64.self), currency: try row.decode(column: "currency", as: String.self),
                reversed: try row.decode(column: "reversed_at", as: Date?.self) != nil
            )
        }
        return result
    }

    /// Messages' active conversion counts; `lock` takes their rows first (PostgreSQL), in id order.
    static func conversionCounts(_ messageIDs: [UUID], dialect: Dialect, lock: Bool, in sql: any SQLDatabase) async throws -> [UUID: Int] {
        var counts: [UUID: Int] = [:]
        for start in stride(from: 0, to: messageIDs.count, by: 500) {
            let part = Array(messageIDs[start..<min(start + 500, messageIDs.count)])
            let clause: SQLQueryString = lock ? dialect.forUpdate : ""
            for row in try await sql.raw("SELECT id, conversion_count FROM messages WHERE id IN (\(binds: part)) ORDER BY id\(clause)").all() {
                counts[try row.decode(column: "id", as: UUID.self)] = try row.decode(column: "conversion_count", as: Int.self)
            }
        }
        return counts
    }

    /// Stores an order's conversion, or removes it when the order converts nothing. A reversal keeps its first moment.
    static func write(_ conversion: Conversion?, orderID: UUID, contactID: UUID, workspaceID: UUID, now: Date, in sql: any SQLDatabase) async throws {
        guard let c = conversion else {
            try await sql.raw("DELETE FROM conversions WHERE order_id = \(bind: orderID)").run()
            return
        }
        let reversedAt: Date? = c.reversed ? now : nil
        try await sql.raw(
            """
            INSERT INTO conversions (order_id, workspace_id, message_id, campaign_id, contact_id, touch, touched_at, ordered_at, amount_minor, currency,
                reversed_at, updated_at)
            VALUES (\(bind: orderID), \(bind: workspaceID), \(bind: c.messageID), \(bind: c.campaignID), \(bind: contactID), \(bind: c.touch.rawValue),
                \(bind: c.touchedAt), \(bind: c.orderedAt), \(bind: c.amountMinor), \(bind: c.currency), \(bind: reversedAt), \(bind: now))
            ON CONFLICT (order_id) DO UPDATE SET message_id = excluded.message_id, campaign_id = excluded.campaign_id,
                contact_id = excluded.contact_id, touch = excluded.touch, touched_at = excluded.touched_at, ordered_at = excluded.ordered_at,
                amount_minor = excluded.amount_minor, currency = excluded.currency,
                reversed_at = CASE WHEN excluded.reversed_at IS NULL THEN NULL ELSE COALESCE(conversions.reversed_at, excluded.reversed_at) END,
                updated_at = excluded.updated_at
            """
        ).run()
    }
}
