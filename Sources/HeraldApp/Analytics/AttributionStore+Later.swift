import Analytics
import Foundation
import SQLKit
import Storage

extension AttributionStore {
    /// Re-attributes the orders that new clicks or reads may convert: those of the touched contacts placed at or after a
    /// touch and within the longest window of it (a read status can arrive after the order it preceded). The caller
    /// flushes the returned increments in the transaction that recorded the events.
    static func afterTouches(
        _ touches: [(contactID: UUID, at: Date)], workspaceID: UUID, dialect: Dialect, in sql: any SQLDatabase
    ) async throws -> RollupDelta {
        guard !touches.isEmpty else { return RollupDelta() }
        let window = TimeInterval(try await settings(workspaceID: workspaceID, in: sql).longestWindowSeconds)
        var earliest: [UUID: Date] = [:]
        var latest: [UUID: Date] = [:]
        for touch in touches {
            earliest[touch.contactID] = min(earliest[touch.contactID] ?? touch.at, touch.at)
            latest[touch.contactID] = max(latest[touch.contactID] ?? touch.at, touch.at)
        }
        let contacts = earliest.keys.sorted { $0.uuidString < $1.uuidString }
        var orderIDs: [UUID] = []
        for start in stride(from: 0, to: contacts.count, by: 500) {
            let part = Array(contacts[start..<min(start + 500, contacts.count)])
            // One probe for the part over the span of its touches (a delivery's touches are close together); each
            // contact's own span is checked below.
            let from = part.compactMap { earliest[$0] }.min()!
            let to = part.compactMap { latest[$0] }.max()!.addingTimeInterval(window)
            for row in try await sql.raw(
                """
                SELECT id, contact_id, ordered_at FROM orders WHERE workspace_id = \(bind: workspaceID) AND contact_id IN (\(binds: part))
                    AND ordered_at >= \(bind: from) AND ordered_at <= \(bind: to)
                """
            ).all() {
                let contactID = try row.decode(column: "contact_id", as: UUID.self)
                let orderedAt = try row.decode(column: "ordered_at", as: Date.self)
                guard let first = earliest[contactID], let last = latest[contactID] else { continue }
                if orderedAt >= first && orderedAt <= last.addingTimeInterval(window) { orderIDs.append(try row.decode(column: "id", as: UUID.self)) }
            }
        }
        return try await reattribute(orderIDs: orderIDs, workspaceID: workspaceID, dialect: dialect, in: sql)
    }

    /// Re-attributes every order of the workspace (after a settings change, and in the rebuild): pages of 1,000 orders
    /// by id, one transaction each, flushing each page's increments with it. `progress` hears (done, total) after each page.
    static func reattributeAll(
        workspaceID: UUID, dialect: Dialect, in database: Database, progress: @Sendable (_ done: Int, _ total: Int) async throws -> Void = { _, _ in }
    ) async throws {
        let total = try await database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM orders WHERE workspace_id = \(bind: workspaceID)").first()!.decode(column: "n", as: Int.self)
        }
        var after: UUID?
        var done = 0
        while true {
            let last = after
            let page = try await database.transaction(retryingConflicts: 3) { sql -> [UUID] in
                var query: SQLQueryString = "SELECT id FROM orders WHERE workspace_id = \(bind: workspaceID)"
                if let last { query.appendInterpolation(" AND id > \(bind: last)" as SQLQueryString) }
                query.appendInterpolation(" ORDER BY id LIMIT 1000" as SQLQueryString)
                let ids = try await sql.raw(query).all().map { try $0.decode(column: "id", as: UUID.self) }
                let delta = try await reattribute(orderIDs: ids, workspaceID: workspaceID, dialect: dialect, in: sql)
                try await delta.flush(dialect: dialect, in: sql)
                return ids
            }
            guard let next = page.last else { break }
            after = next
            done += page.count
            try await progress(done, max(total, done))
        }
    }
}
