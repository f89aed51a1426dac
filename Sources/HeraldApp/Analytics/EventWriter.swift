import Foundation
import SQLKit
import Storage

/// One message event to record (a status, a click, a reply, a failure, an imported fact).
struct EventRecord: Sendable {
    var workspaceID: UUID
    var contactID: UUID
    var campaignID: UUID?
    var messageID: UUID?
    var variationID: UUID?
    var type: String
    var at: Date
    /// Makes a repeated fact count once: `sent:<message>`, `reply:<wamid>`, ...; nil for facts that may repeat (clicks).
    var dedupeKey: String?
    var detail: String? = nil
    var errorCode: Int? = nil
    var source: String = "whatsapp"
}

/// The one door to `message_events` (docs/design-analytics.md, 1.2): it inserts events, learns from `RETURNING` which
/// ones are new (a dedupe key makes a repeated webhook insert nothing), keeps the per-message counters that unique counts
/// need (`click_count`, `reply_count`) and returns the rollup increments of exactly the new events, for the caller to
/// flush in the same transaction.
enum EventWriter {
    static func record(_ events: [EventRecord], dialect: Dialect, in sql: any SQLDatabase) async throws -> RollupDelta {
        var delta = RollupDelta()
        guard !events.isEmpty else { return delta }
        let now = Date()
        var inserted: [EventRecord] = []
        // Dedupe keys in a fixed order, so concurrent writers touch the unique index in the same order.
        let ordered = events.enumerated().map { (UUID.timeOrdered(at: now), $0.element) }
            .sorted { ($0.1.dedupeKey ?? "", $0.0.uuidString) < ($1.1.dedupeKey ?? "", $1.0.uuidString) }
        for start in stride(from: 0, to: ordered.count, by: 300) {
            let part = ordered[start..<min(start + 300, ordered.count)]
            var query: SQLQueryString = """
                INSERT INTO message_events (id, workspace_id, contact_id, campaign_id, message_id, variation_id, type, occurred_at, source,
                    created_at, dedupe_key, detail, error_code) VALUES 
                """
            for (index, (id, e)) in part.enumerated() {
                if index > 0 { query.appendLiteral(", ") }
                query.appendInterpolation(
                    """
                    (\(bind: id), \(bind: e.workspaceID), \(bind: e.contactID), \(bind: e.campaignID), \(bind: e.messageID), \(bind: e.variationID),
                    \(bind: e.type), \(bind: e.at), \(bind: e.source), \(bind: now), \(bind: e.dedupeKey), \(e.detail.map { dialect.json($0) } ?? "NULL"),
                    \(bind: e.errorCode))
                    """ as SQLQueryString
                )
            }
            query.appendLiteral(" ON CONFLICT (dedupe_key) DO NOTHING RETURNING id")
            let ids = Set(try await sql.raw(query).all().map { try $0.decode(column: "id", as: UUID.self) })
            inserted += part.filter { ids.contains($0.0) }.map(\.1)
        }
        let messageEvents = inserted.filter { $0.messageID != nil }
        if messageEvents.isEmpty { return delta }
        let cells = try await MessageCells.load(messageEvents.compactMap(\.messageID), fallback: now, in: sql)
        // Counter updates in message order (each locks its row until the transaction ends).
        for e in messageEvents.sorted(by: { ($0.messageID!.uuidString, $0.at) < ($1.messageID!.uuidString, $1.at) }) {
            guard let messageID = e.messageID, let key = cells[messageID] else { continue }
            switch e.type {
            case "sent": delta.add(key, CellCounts(sent: 1))
            case "delivered": delta.add(key, CellCounts(delivered: 1))
            case "read": delta.add(key, CellCounts(read: 1))
            case "failed": delta.addFailure(key, code: e.errorCode)
            case "clicked":
                let count = try await sql.raw(
                    """
                    UPDATE messages SET clicked_at = CASE WHEN clicked_at IS NULL OR clicked_at > \(bind: e.at) THEN \(bind: e.at) ELSE clicked_at END,
                        click_count = click_count + 1, updated_at = \(bind: now)
                    WHERE id = \(bind: messageID) RETURNING click_count
                    """
                ).first()?.decode(column: "click_count", as: Int.self)
                delta.add(key, CellCounts(clicked: count == 1 ? 1 : 0, clicks: 1))
            case "replied":
                let count = try await sql.raw(
                    """
                    UPDATE messages SET replied_at = CASE WHEN replied_at IS NULL OR replied_at > \(bind: e.at) THEN \(bind: e.at) ELSE replied_at END,
                        reply_count = reply_count + 1, updated_at = \(bind: now)
                    WHERE id = \(bind: messageID) RETURNING reply_count
                    """
                ).first()?.decode(column: "reply_count", as: Int.self)
                delta.add(key, CellCounts(replied: count == 1 ? 1 : 0, replies: 1))
            default: break
            }
        }
        // A click or read can convert an order placed before it arrived (a late webhook): re-attribute those orders.
        let touches = messageEvents.filter { $0.type == "clicked" || $0.type == "read" }
        for (workspaceID, group) in Dictionary(grouping: touches, by: \.workspaceID).sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            delta.merge(try await AttributionStore.afterTouches(group.map { ($0.contactID, $0.at) }, workspaceID: workspaceID, dialect: dialect, in: sql))
        }
        return delta
    }

    /// Records events and adds their increments to the cells at once: for callers whose transaction writes nothing
    /// else to the rollups.
    static func recordAndFlush(_ events: [EventRecord], dialect: Dialect, in sql: any SQLDatabase) async throws {
        try await PendingRollups.flush(try await record(events, dialect: dialect, in: sql), dialect: dialect, in: sql)
    }
}
