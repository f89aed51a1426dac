import Foundation
import SQLKit
import Segments
import Storage

/// Saved segments, their members and their membership history.
public struct SegmentStore: Sendable {
    let database: Database

    func find(workspaceID: UUID, id: UUID) async throws -> Segment? {
        let d = database.dialect
        return try await database.read { sql in
            try await sql.raw("SELECT \(Segment.columns(d)) FROM segments WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)")
                .first().map(Segment.decode)
        }
    }

    func list(workspaceID: UUID) async throws -> [Segment] {
        let d = database.dialect
        return try await database.read { sql in
            try await sql.raw("SELECT \(Segment.columns(d)) FROM segments WHERE workspace_id = \(bind: workspaceID) ORDER BY name")
                .all().map(Segment.decode)
        }
    }

    private func checkName(_ s: Segment, in sql: any SQLDatabase) async throws {
        if try await sql.raw("SELECT id FROM segments WHERE workspace_id = \(bind: s.workspaceID) AND name = \(bind: s.name) AND id <> \(bind: s.id)")
            .first() != nil
        {
            throw APIError(.conflict, "name_taken", "a segment named '\(s.name)' already exists", field: "name")
        }
    }

    func insert(_ s: Segment) async throws {
        let d = database.dialect
        try await database.transaction { sql in
            try await checkName(s, in: sql)
            try await sql.raw(
                """
                INSERT INTO segments (id, workspace_id, name, description, kind, rules, contact_count, created_at, updated_at)
                VALUES (\(bind: s.id), \(bind: s.workspaceID), \(bind: s.name), \(bind: s.description), \(bind: s.kind.rawValue),
                    \(d.json(Segment.rulesJSON(s.rules))), 0, \(bind: s.createdAt), \(bind: s.updatedAt))
                """
            ).run()
        }
    }

    func update(_ s: Segment) async throws {
        let d = database.dialect
        try await database.transaction { sql in
            try await checkName(s, in: sql)
            try await sql.raw(
                """
                UPDATE segments SET name = \(bind: s.name), description = \(bind: s.description), kind = \(bind: s.kind.rawValue),
                    rules = \(d.json(Segment.rulesJSON(s.rules))), updated_at = \(bind: s.updatedAt)
                WHERE id = \(bind: s.id) AND workspace_id = \(bind: s.workspaceID)
                """
            ).run()
        }
    }

    /// Deletes a segment unless another segment's rules or a campaign not yet sent still use it.
    func delete(_ s: Segment, usedBy: [String]) async throws {
        try await database.transaction { sql in
            let campaigns = try await sql.raw(
                """
                SELECT name FROM campaigns WHERE workspace_id = \(bind: s.workspaceID) AND segment_id = \(bind: s.id)
                  AND status IN ('draft', 'scheduled', 'paused') ORDER BY name
                """
            ).all().map { try $0.decode(column: "name", as: String.self) }
            let users = usedBy.map { "segment '\($0)'" } + campaigns.map { "campaign '\($0)'" }
            if !users.isEmpty {
                throw APIError(.conflict, "in_use", "the segment is used by \(users.joined(separator: ", ")); change those first")
            }
            try await sql.raw("DELETE FROM segments WHERE id = \(bind: s.id) AND workspace_id = \(bind: s.workspaceID)").run()
        }
    }

    /// Evaluates `predicate` and brings `segment_members` up to date in one transaction, recording each
    /// contact that entered or left and a summary row. A scheduled refresh that changed nothing keeps
    /// no summary, so the history shows changes rather than ticks.
    func refresh(_ segment: Segment, predicate: SQLQueryString, reason: String, now: Date) async throws -> Segment {
        if database.dialect.kind == .sqlite {
            // SQLite has one writer: evaluating the rules inside the write transaction would hold up every other write
            // (webhooks, sends) for as long as the rules take, so a reader evaluates them first.
            let started = ContinuousClock.now
            let ws = segment.workspaceID
            let matching = try await database.read { sql in
                Set(try await sql.raw("SELECT c.id FROM contacts c WHERE c.workspace_id = \(bind: ws) AND \(predicate)").all()
                    .map { try $0.decode(column: "id", as: UUID.self) })
            }
            return try await refresh(segment, matching: matching, started: started, reason: reason, now: now)
        }
        let started = ContinuousClock.now
        let refreshID = UUID.timeOrdered(at: now)
        let ws = segment.workspaceID, sid = segment.id
        let d = database.dialect
        let counts = try await database.transaction(retryingConflicts: 3) { sql in
            // One refresh of a segment at a time: a manual refresh and the background one would otherwise
            // both insert the same entering contacts.
            try await sql.raw("SELECT id FROM segments WHERE id = \(bind: sid)\(d.forUpdate)").run()
            try await sql.raw(
                """
                INSERT INTO segment_refreshes (id, workspace_id, segment_id, at, reason, contact_count, entered_count, left_count, took_ms)
                VALUES (\(bind: refreshID), \(bind: ws), \(bind: sid), \(bind: now), \(bind: reason), 0, 0, 0, 0)
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO segment_membership_changes (refresh_id, segment_id, workspace_id, contact_id, change, at)
                SELECT \(bind: refreshID), \(bind: sid), \(bind: ws), c.id, 'entered', \(bind: now) FROM contacts c
                WHERE c.workspace_id = \(bind: ws) AND \(predicate)
                  AND NOT EXISTS (SELECT 1 FROM segment_members m WHERE m.segment_id = \(bind: sid) AND m.contact_id = c.id)
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO segment_membership_changes (refresh_id, segment_id, workspace_id, contact_id, change, at)
                SELECT \(bind: refreshID), \(bind: sid), \(bind: ws), m.contact_id, 'left', \(bind: now) FROM segment_members m
                WHERE m.segment_id = \(bind: sid)
                  AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = m.contact_id AND c.workspace_id = \(bind: ws) AND \(predicate))
                """
            ).run()
            try await sql.raw(
                """
                DELETE FROM segment_members WHERE segment_id = \(bind: sid) AND contact_id IN
                  (SELECT contact_id FROM segment_membership_changes WHERE refresh_id = \(bind: refreshID) AND change = 'left')
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO segment_members (segment_id, workspace_id, contact_id, since)
                SELECT \(bind: sid), \(bind: ws), contact_id, \(bind: now) FROM segment_membership_changes
                WHERE refresh_id = \(bind: refreshID) AND change = 'entered'
                """
            ).run()
            var entered = 0, left = 0
            for row in try await sql.raw(
                "SELECT change, COUNT(*) AS n FROM segment_membership_changes WHERE refresh_id = \(bind: refreshID) GROUP BY change"
            ).all() {
                let n = try row.decode(column: "n", as: Int.self)
                if try row.decode(column: "change", as: String.self) == "entered" { entered = n } else { left = n }
            }
            let total = try await sql.raw("SELECT COUNT(*) AS n FROM segment_members WHERE segment_id = \(bind: sid)").first()?
                .decode(column: "n", as: Int.self) ?? 0
            let took = Self.milliseconds(ContinuousClock.now - started)
            if entered + left == 0 && reason == "scheduled" {
                try await sql.raw("DELETE FROM segment_refreshes WHERE id = \(bind: refreshID)").run()
            } else {
                try await sql.raw(
                    """
                    UPDATE segment_refreshes SET contact_count = \(bind: total), entered_count = \(bind: entered), left_count = \(bind: left),
                        took_ms = \(bind: took) WHERE id = \(bind: refreshID)
                    """
                ).run()
            }
            try await Self.recordRefreshed(sid, total: total, took: took, now: now, in: sql)
            return (total, took)
        }
        return Self.refreshed(segment, total: counts.0, took: counts.1, now: now)
    }

    /// Brings `segment_members` to `matching`, who matches the rules now (evaluated before the write transaction: by the
    /// audience index, or by an SQLite reader), recording each contact that entered or left and a summary row as
    /// ``refresh(_:predicate:reason:now:)`` does. The transaction compares that answer with the stored members, read
    /// again inside it after locking the segment, so a refresh in between is taken into account.
    func refresh(_ segment: Segment, matching: Set<UUID>, started: ContinuousClock.Instant = .now, reason: String, now: Date) async throws -> Segment {
        let ws = segment.workspaceID, sid = segment.id
        let refreshID = UUID.timeOrdered(at: now)
        let forUpdate = database.dialect.forUpdate
        let counts = try await database.transaction(retryingConflicts: 3) { sql in
            // One refresh of a segment at a time (SQLite's single writer already is one).
            try await sql.raw("SELECT id FROM segments WHERE id = \(bind: sid)\(forUpdate)").run()
            let current = Set(try await sql.raw("SELECT contact_id FROM segment_members WHERE segment_id = \(bind: sid)").all()
                .map { try $0.decode(column: "contact_id", as: UUID.self) })
            // `matching` was read before this transaction: a contact deleted since cannot enter.
            let entered = try await existing(matching.subtracting(current), workspaceID: ws, in: sql).sorted { $0.uuidString < $1.uuidString }
            let left = current.subtracting(matching).sorted { $0.uuidString < $1.uuidString }
            let total = current.count - left.count + entered.count
            let took = Self.milliseconds(ContinuousClock.now - started)
            if entered.count + left.count > 0 || reason != "scheduled" {
                try await sql.raw(
                    """
                    INSERT INTO segment_refreshes (id, workspace_id, segment_id, at, reason, contact_count, entered_count, left_count, took_ms)
                    VALUES (\(bind: refreshID), \(bind: ws), \(bind: sid), \(bind: now), \(bind: reason), \(bind: total), \(bind: entered.count),
                        \(bind: left.count), \(bind: took))
                    """
                ).run()
                let changes = entered.map { ($0, "entered") } + left.map { ($0, "left") }
                try await sql.insertRows(
                    "INSERT INTO segment_membership_changes (refresh_id, segment_id, workspace_id, contact_id, change, at) VALUES ", changes
                ) { "(\(bind: refreshID), \(bind: sid), \(bind: ws), \(bind: $0.0), \(bind: $0.1), \(bind: now))" }
            }
            for start in stride(from: 0, to: left.count, by: 500) {
                let batch = left[start..<min(start + 500, left.count)]
                try await sql.raw("DELETE FROM segment_members WHERE segment_id = \(bind: sid) AND contact_id IN (\(binds: Array(batch)))").run()
            }
            try await sql.insertRows("INSERT INTO segment_members (segment_id, workspace_id, contact_id, since) VALUES ", entered) {
                "(\(bind: sid), \(bind: ws), \(bind: $0), \(bind: now))"
            }
            try await Self.recordRefreshed(sid, total: total, took: took, now: now, in: sql)
            return (total, took)
        }
        return Self.refreshed(segment, total: counts.0, took: counts.1, now: now)
    }

    /// The contacts of `ids` that exist, locked on PostgreSQL against deletion (`FOR KEY SHARE`, as the foreign keys
    /// of the rows about to be written would) until the transaction ends; SQLite's single writer already excludes it.
    private func existing(_ ids: Set<UUID>, workspaceID: UUID, in sql: any SQLDatabase) async throws -> Set<UUID> {
        let all = Array(ids)
        let lock: SQLQueryString = database.dialect.kind == .postgres ? " FOR KEY SHARE" : ""
        var found = Set<UUID>()
        found.reserveCapacity(all.count)
        for start in stride(from: 0, to: all.count, by: 500) {
            let batch = Array(all[start..<min(start + 500, all.count)])
            for row in try await sql.raw("SELECT id FROM contacts WHERE workspace_id = \(bind: workspaceID) AND id IN (\(binds: batch))\(lock)").all() {
                found.insert(try row.decode(column: "id", as: UUID.self))
            }
        }
        return found
    }

    /// Stores a finished refresh's count and time on the segment, and frees its lease.
    private static func recordRefreshed(_ id: UUID, total: Int, took: Double, now: Date, in sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            UPDATE segments SET contact_count = \(bind: total), refreshed_at = \(bind: now), refresh_ms = \(bind: took), refresh_error = NULL,
                refresh_lease_until = NULL WHERE id = \(bind: id)
            """
        ).run()
    }

    private static func refreshed(_ segment: Segment, total: Int, took: Double, now: Date) -> Segment {
        var updated = segment
        updated.contactCount = total
        updated.refreshedAt = now
        updated.refreshMs = took
        updated.refreshError = nil
        return updated
    }

    func recordRefreshError(_ segment: Segment, message: String) async throws {
        try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE segments SET refresh_error = \(bind: message), refreshed_at = \(bind: Date()), refresh_lease_until = NULL
                WHERE id = \(bind: segment.id)
                """
            ).run()
        }
    }

    /// Asks the background refresh to re-evaluate every dynamic segment of a workspace soon (after imports).
    static func requestRefresh(workspaceID: UUID, in sql: any SQLDatabase, at now: Date = Date()) async throws {
        try await sql.raw(
            "UPDATE segments SET refresh_requested_at = \(bind: now) WHERE workspace_id = \(bind: workspaceID) AND kind = 'dynamic'"
        ).run()
    }

    /// Claims one dynamic segment that is due (never refreshed, older than `interval`, or asked for
    /// since its last refresh) by setting a lease, so that servers sharing a database never refresh the
    /// same segment at once. Returns nil when none is due.
    func claimDue(interval: TimeInterval, lease: TimeInterval, now: Date = Date()) async throws -> Segment? {
        let d = database.dialect
        let stale = now.addingTimeInterval(-interval)
        return try await database.transaction(retryingConflicts: 3) { sql in
            let candidates = try await sql.raw(
                """
                SELECT id FROM segments
                WHERE kind = 'dynamic' AND (refresh_lease_until IS NULL OR refresh_lease_until < \(bind: now))
                  AND (refreshed_at IS NULL OR refreshed_at < \(bind: stale) OR refresh_requested_at > refreshed_at)
                ORDER BY refreshed_at LIMIT 5
                """
            ).all().map { try $0.decode(column: "id", as: UUID.self) }
            for id in candidates {
                let claimed = try await sql.raw(
                    """
                    UPDATE segments SET refresh_lease_until = \(bind: now.addingTimeInterval(lease))
                    WHERE id = \(bind: id) AND (refresh_lease_until IS NULL OR refresh_lease_until < \(bind: now)) RETURNING id
                    """
                ).first()
                if claimed != nil {
                    return try await sql.raw("SELECT \(Segment.columns(d)) FROM segments WHERE id = \(bind: id)").first().map(Segment.decode)
                }
            }
            return nil
        }
    }

    struct RefreshSummary: Encodable {
        let id: UUID
        let at: Date
        let reason: String
        let count: Int
        let entered: Int
        let left: Int
        let took_ms: Double
    }

    struct Change: Encodable {
        let contact_id: UUID
        let name: String?
        let phone: String?
        let username: String?
        let bsuid: String?
        let change: String
        let at: Date
    }

    func history(segmentID: UUID, before: Date?, limit: Int) async throws -> (refreshes: [RefreshSummary], changes: [Change]) {
        let cutoff: SQLQueryString = before.map { " AND at < \(bind: $0)" } ?? ""
        let cutoffChange: SQLQueryString = before.map { " AND h.at < \(bind: $0)" } ?? ""
        return try await database.read { sql in
            let refreshes = try await sql.raw(
                """
                SELECT id, at, reason, contact_count, entered_count, left_count, took_ms FROM segment_refreshes
                WHERE segment_id = \(bind: segmentID)\(cutoff) ORDER BY at DESC LIMIT \(bind: limit)
                """
            ).all().map {
                RefreshSummary(
                    id: try $0.decode(column: "id", as: UUID.self), at: try $0.decode(column: "at", as: Date.self),
                    reason: try $0.decode(column: "reason", as: String.self), count: try $0.decode(column: "contact_count", as: Int.self),
                    entered: try $0.decode(column: "entered_count", as: Int.self), left: try $0.decode(column: "left_count", as: Int.self),
                    took_ms: ((try $0.decode(column: "took_ms", as: Double.self)) * 10).rounded() / 10
                )
            }
            let changes = try await sql.raw(
                """
                SELECT h.contact_id, c.name, c.phone, c.username, c.bsuid, h.change, h.at
                FROM segment_membership_changes h JOIN contacts c ON c.id = h.contact_id
                WHERE h.segment_id = \(bind: segmentID)\(cutoffChange) ORDER BY h.at DESC, h.contact_id LIMIT \(bind: limit)
                """
            ).all().map {
                Change(
                    contact_id: try $0.decode(column: "contact_id", as: UUID.self), name: try $0.decode(column: "name", as: String?.self),
                    phone: try $0.decode(column: "phone", as: String?.self), username: try $0.decode(column: "username", as: String?.self),
                    bsuid: try $0.decode(column: "bsuid", as: String?.self), change: try $0.decode(column: "change", as: String.self),
                    at: try $0.decode(column: "at", as: Date.self)
                )
            }
            return (refreshes, changes)
        }
    }

    struct Membership: Encodable {
        let segment_id: UUID
        let name: String
        let kind: String
        let since: Date
    }

    struct MembershipChange: Encodable {
        let segment_id: UUID
        let name: String
        let change: String
        let at: Date
    }

    /// The segments a contact is in (as of each segment's last refresh or snapshot) and its entries and exits over time.
    func memberships(workspaceID: UUID, contactID: UUID, limit: Int = 200) async throws -> (current: [Membership], history: [MembershipChange]) {
        try await database.read { sql in
            let current = try await sql.raw(
                """
                SELECT s.id, s.name, s.kind, m.since FROM segment_members m JOIN segments s ON s.id = m.segment_id
                WHERE m.contact_id = \(bind: contactID) AND s.workspace_id = \(bind: workspaceID) ORDER BY s.name
                """
            ).all().map {
                Membership(
                    segment_id: try $0.decode(column: "id", as: UUID.self), name: try $0.decode(column: "name", as: String.self),
                    kind: try $0.decode(column: "kind", as: String.self), since: try $0.decode(column: "since", as: Date.self)
                )
            }
            let history = try await sql.raw(
                """
                SELECT s.id, s.name, h.change, h.at FROM segment_membership_changes h JOIN segments s ON s.id = h.segment_id
                WHERE h.contact_id = \(bind: contactID) AND s.workspace_id = \(bind: workspaceID) ORDER BY h.at DESC LIMIT \(bind: limit)
                """
            ).all().map {
                MembershipChange(
                    segment_id: try $0.decode(column: "id", as: UUID.self), name: try $0.decode(column: "name", as: String.self),
                    change: try $0.decode(column: "change", as: String.self), at: try $0.decode(column: "at", as: Date.self)
                )
            }
            return (current, history)
        }
    }

    static func milliseconds(_ duration: Duration) -> Double { duration.milliseconds }
}

extension Duration {
    /// The duration in milliseconds, for timings shown to people (refreshes, previews, benchmarks).
    public var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}
