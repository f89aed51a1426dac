import Foundation
import SQLKit
import Storage

/// Where the change log (`audience_changes`, written by triggers) stood for one workspace when an index read it.
///
/// PostgreSQL hands out ids before commit, so a change can become visible after a later one. A position therefore
/// holds the highest id and the workspace's ids in the ``window`` below it: a change that commits late, below the
/// highest id, is one that position has not seen.
public struct AudienceLogPosition: Sendable, Equatable, CustomStringConvertible {
    public let last: Int64
    let seen: Set<Int64>

    /// Ids below the highest that a late commit is looked for in.
    static let window: Int64 = 1000
    var floor: Int64 { max(0, last - Self.window) }

    public var description: String { "\(last)" }

    /// The log of an index built in the same consistent read.
    static func read(workspaceID: UUID, in sql: any SQLDatabase) async throws -> AudienceLogPosition {
        let last =
            try await sql.raw("SELECT MAX(id) AS m FROM audience_changes WHERE workspace_id = \(bind: workspaceID)").first()?
            .decode(column: "m", as: Int64?.self) ?? 0
        let floor = max(0, last - window)
        let seen = try await sql.raw(
            "SELECT id FROM audience_changes WHERE workspace_id = \(bind: workspaceID) AND id > \(bind: floor)"
        ).all().map { try $0.decode(column: "id", as: Int64.self) }
        return AudienceLogPosition(last: last, seen: Set(seen))
    }

    /// What was logged for the workspace that this position has not seen, and the position after it.
    public func tail(workspaceID: UUID, limit: Int = 20_000, in sql: any SQLDatabase) async throws -> AudienceLogTail {
        let rows = try await sql.raw(
            """
            SELECT id, contact_id, changed_at FROM audience_changes WHERE workspace_id = \(bind: workspaceID) AND id > \(bind: floor)
            ORDER BY id LIMIT \(bind: limit + Int(Self.window) + 1)
            """
        ).all()
        var contacts = Set<UUID>(), whole = false, last = self.last, ids: [Int64] = [], fresh = 0, oldest: Double?
        for row in rows {
            let id = try row.decode(column: "id", as: Int64.self)
            ids.append(id)
            last = max(last, id)
            // Every id in (floor, last] this position saw is in `seen`: anything else is new, a late commit included.
            guard !seen.contains(id) else { continue }
            fresh += 1
            // SQLite keeps seconds since 1970 (REAL), PostgreSQL a timestamptz.
            let at = (try? row.decode(column: "changed_at", as: Double.self)) ?? (try? row.decode(column: "changed_at", as: Date.self))?.timeIntervalSince1970
            if let at { oldest = min(oldest ?? at, at) }
            if let contact = try row.decode(column: "contact_id", as: UUID?.self) { contacts.insert(contact) } else { whole = true }
        }
        let newFloor = max(0, last - Self.window)
        let position = AudienceLogPosition(last: last, seen: Set(ids.filter { $0 > newFloor }))
        let truncated = rows.count > limit + Int(Self.window)
        return AudienceLogTail(
            contacts: contacts, wholeWorkspace: whole || truncated, changes: fresh, position: position,
            oldestChange: oldest.map(Date.init(timeIntervalSince1970:)))
    }
}

/// Changes found in the log after a position.
public struct AudienceLogTail: Sendable {
    /// Contacts whose rows changed.
    public let contacts: Set<UUID>
    /// A change to the whole workspace (a product's category), or more changes than a delta should take.
    public let wholeWorkspace: Bool
    /// How many log rows were new.
    public let changes: Int
    /// The position after these changes.
    public let position: AudienceLogPosition
    /// When the earliest of the new changes was written (on PostgreSQL: when its transaction began).
    public let oldestChange: Date?

    public var isEmpty: Bool { changes == 0 }
}

extension AudienceSnapshot {
    /// Builds a snapshot and the log position it reflects, from one consistent read.
    public static func buildWithPosition(from database: Database, workspaceID: UUID) async throws -> (AudienceSnapshot, AudienceLogPosition) {
        let dialect = database.dialect
        return try await database.consistentBulkRead { reader in
            let position = try await AudienceLogPosition.read(workspaceID: workspaceID, in: reader.sql)
            let snapshot = try await build(in: reader, dialect: dialect, workspaceID: workspaceID)
            return (snapshot, position)
        }
    }
}

/// Pruning of the change log: rows older than the age kept; an index older than that rebuilds anyway.
public enum AudienceChangeLog {
    public static func prune(olderThan age: TimeInterval, now: Date = Date(), in database: Database) async throws -> Int {
        let cutoff = now.addingTimeInterval(-age)
        let bound: SQLQueryString =
            database.kind == .postgres ? "\(bind: cutoff)" : "\(bind: cutoff.timeIntervalSince1970)"
        var total = 0
        while true {
            let deleted = try await database.transaction { sql in
                try await sql.raw(
                    """
                    DELETE FROM audience_changes WHERE id IN (SELECT id FROM audience_changes WHERE changed_at < \(bound) LIMIT 5000) RETURNING id
                    """
                ).all().count
            }
            total += deleted
            if deleted < 5000 { return total }
        }
    }
}
