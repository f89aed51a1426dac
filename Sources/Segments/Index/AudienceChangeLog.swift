import Foundation
import SQLKit
import Storage

/// Where the change log (`audience_changes`, written by triggers) stood for one workspace when a snapshot was read.
///
/// PostgreSQL hands out ids before commit, so a change can become visible after a later one. A position therefore
/// holds the highest id and how many of the workspace's changes lie in the last ``window`` ids below it: a change
/// that commits late, below the highest id, still alters that count.
public struct AudienceLogPosition: Sendable, Equatable, CustomStringConvertible {
    public let last: Int64
    public let recent: Int
    let floor: Int64

    /// Ids below the highest that a late commit is looked for in.
    static let window: Int64 = 1000

    public var description: String { "\(last)" }

    /// The log now, read in the same consistent read as the snapshot's rows.
    static func read(workspaceID: UUID, in sql: any SQLDatabase) async throws -> AudienceLogPosition {
        let last =
            try await sql.raw("SELECT MAX(id) AS m FROM audience_changes WHERE workspace_id = \(bind: workspaceID)").first()?
            .decode(column: "m", as: Int64?.self) ?? 0
        let floor = max(0, last - window)
        return AudienceLogPosition(last: last, recent: try await recentCount(workspaceID: workspaceID, floor: floor, in: sql), floor: floor)
    }

    private static func recentCount(workspaceID: UUID, floor: Int64, in sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("SELECT COUNT(*) AS n FROM audience_changes WHERE workspace_id = \(bind: workspaceID) AND id > \(bind: floor)").first()?
            .decode(column: "n", as: Int.self) ?? 0
    }

    /// Whether nothing was logged for the workspace since this position (one indexed range read).
    public func isCurrent(workspaceID: UUID, in database: Database) async throws -> Bool {
        let floor = floor
        let row = try await database.read { sql in
            try await sql.raw(
                """
                SELECT MAX(id) AS m, COUNT(*) AS n FROM audience_changes WHERE workspace_id = \(bind: workspaceID) AND id > \(bind: floor)
                """
            ).first()
        }
        let recent = try row?.decode(column: "n", as: Int.self) ?? 0
        let last = try row?.decode(column: "m", as: Int64?.self)
        return recent == self.recent && (recent == 0 || last == self.last)
    }
}

extension AudienceSnapshot {
    /// Builds a snapshot and the log position it reflects, from one consistent read.
    public static func buildWithPosition(from database: Database, workspaceID: UUID) async throws -> (AudienceSnapshot, AudienceLogPosition) {
        let dialect = database.dialect
        return try await database.consistentRead { sql in
            let position = try await AudienceLogPosition.read(workspaceID: workspaceID, in: sql)
            let snapshot = try await build(in: sql, dialect: dialect, workspaceID: workspaceID)
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
