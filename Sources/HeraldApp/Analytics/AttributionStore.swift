import Analytics
import Foundation
import SQLKit
import Storage

/// Orders converted into campaign messages (docs/design-analytics.md, section 3). One row of `conversions` per order
/// that has a touch: active while the order is paid, kept with `reversed_at` while it is refunded or cancelled. The
/// row, the message's `conversion_count` and `converted_at`, and the rollup cells follow the order and the events, never
/// the order's history, so a rebuild arrives at the same state.
enum AttributionStore {
    /// A conversion as stored: which message the order converts and how the cells count it.
    struct Conversion: Equatable {
        var messageID: UUID
        var campaignID: UUID
        var touch: Attribution.Kind
        var touchedAt: Date
        var orderedAt: Date
        var amountMinor: Int64
        var currency: String
        var reversed: Bool
    }

    /// The workspace's model and windows.
    static func settings(workspaceID: UUID, in sql: any SQLDatabase) async throws -> Attribution.Settings {
        guard
            let row = try await sql.raw(
                "SELECT attribution_model, click_window_seconds, read_window_seconds FROM workspaces WHERE id = \(bind: workspaceID)"
            ).first()
        else { return Attribution.Settings() }
        return Attribution.Settings(
            model: Attribution.Model(rawValue: try row.decode(column: "attribution_model", as: String.self)) ?? .lastTouch,
            clickWindowSeconds: try row.decode(column: "click_window_seconds", as: Int.self),
            readWindowSeconds: try row.decode(column: "read_window_seconds", as: Int.self)
        )
    }

    /// Recomputes which message each order converts and applies the difference: `conversions`, the messages' counters,
    /// and the returned rollup increments, which the caller flushes in the same transaction.
    static func reattribute(orderIDs: [UUID], workspaceID: UUID, dialect: Dialect, in sql: any SQLDatabase) async throws -> RollupDelta {
        var delta = RollupDelta()
        let ids = Array(Set(orderIDs)).sorted { $0.uuidString < $1.uuidString }
        guard !ids.isEmpty else { return delta }
        let settings = try await settings(workspaceID: workspaceID, in: sql)
        let now = Date()
        var changes: [(orderID: UUID, contactID: UUID, old: Conversion?, new: Conversion?)] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            let part = Array(ids[start..<min(start + 500, ids.count)])
            // Locked in id order, so two transactions never both convert one order.
            let orders = try await sql.raw(
                """
                SELECT id, contact_id, total_minor, currency, status, ordered_at FROM orders
                WHERE workspace_id = \(bind: workspaceID) AND id IN (\(binds: part)) ORDER BY id\(dialect.forUpdate)
                """
            ).all()
            let existing = try await stored(orderIDs: part, in: sql)
            for row in orders {
                let orderID = try row.decode(column: "id", as: UUID.self)
                let contactID = try row.decode(column: "contact_id", as: UUID.self)
                let orderedAt = try row.decode(column: "ordered_at", as: Date.self)
                let touches = try await touches(contactID: contactID, workspaceID: workspaceID, orderedAt: orderedAt, settings: settings, in: sql)
                let new = Attribution.choose(orderedAt: orderedAt, touches: touches, settings: settings).map { touch in
                    Conversion(
                        messageID: touch.messageID, campaignID: touch.campaignID, touch: touch.kind, touchedAt: touch.at, orderedAt: orderedAt,
                        amountMinor: (try? row.decode(column: "total_minor", as: Int64.self)) ?? 0,
                        currency: ((try? row.decode(column: "currency", as: String.self)) ?? "").uppercased(),
                        reversed: (try? row.decode(column: "status", as: String.self)) != "paid"
                    )
                }
                let old = existing[orderID]
                // A refund or cancellation reverses a conversion that counted; an order never paid converts nothing.
                let next = new?.reversed == true && old == nil ? nil : new
                if old != next { changes.append((orderID, contactID, old, next)) }
            }
        }
        guard !changes.isEmpty else { return delta }
        let messageIDs = Set(changes.flatMap { [$0.old?.messageID, $0.new?.messageID].compactMap { $0 } }).sorted { $0.uuidString < $1.uuidString }
        let before = try await conversionCounts(messageIDs, dialect: dialect, lock: true, in: sql)
        for change in changes {
            try await write(change.new, orderID: change.orderID, contactID: change.contactID, workspaceID: workspaceID, now: now, in: sql)
        }
        // Counters recomputed from the rows rather than adjusted, so they cannot drift.
        for start in stride(from: 0, to: messageIDs.count, by: 500) {
            let part = Array(messageIDs[start..<min(start + 500, messageIDs.count)])
            try await sql.raw(
                """
                UPDATE messages SET
                    conversion_count = (SELECT COUNT(*) FROM conversions c WHERE c.message_id = messages.id AND c.reversed_at IS NULL),
                    converted_at = (SELECT MIN(c.ordered_at) FROM conversions c WHERE c.message_id = messages.id AND c.reversed_at IS NULL)
                WHERE id IN (\(binds: part))
                """
            ).run()
        }
        let after = try await conversionCounts(messageIDs, dialect: dialect, lock: false, in: sql)
        let cells = try await MessageCells.load(messageIDs, fallback: now, in: sql)
        for change in changes {
            for (conversion, sign) in [(change.old, Int64(-1)), (change.new, Int64(1))] {
                guard let conversion, let key = cells[conversion.messageID] else { continue }
                if conversion.reversed {
                    delta.addMoney(key, currency: conversion.currency, MoneyCounts(refundedOrders: sign, refundedMinor: sign * conversion.amountMinor))
                } else {
                    delta.add(key, CellCounts(orders: sign))
                    delta.addMoney(key, currency: conversion.currency, MoneyCounts(revenueMinor: sign * conversion.amountMinor))
                }
            }
        }
        for id in messageIDs {
            guard let key = cells[id] else { continue }
            let was = (before[id] ?? 0) > 0, now = (after[id] ?? 0) > 0
            if was != now { delta.add(key, CellCounts(converted: now ? 1 : -1)) }
        }
        return delta
    }
}
