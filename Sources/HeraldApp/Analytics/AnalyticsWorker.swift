import Foundation
import Logging
import ServiceLifecycle
import SQLKit
import Storage

/// Runs requested rebuilds of a workspace's analytics (docs/design-analytics.md 2.3): after migration 8 (every
/// workspace asks once), and after an attribution settings change. The request is a column, so a restart loses nothing;
/// servers sharing a database take turns through a lease on the workspace's `analytics_state` row. A request made while
/// a rebuild runs is honoured by another rebuild: `rebuilt_at` records the request a rebuild served.
struct AnalyticsWorker: Service {
    let database: Database
    let logger: Logger
    var owner = "herald-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    var poll: Duration = .seconds(1)
    var lease: TimeInterval = 300
    /// A pause between campaigns on SQLite, whose single writer the rebuild would otherwise hold for long stretches.
    var pause: Duration = .milliseconds(50)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                var didWork = false
                do {
                    didWork = try await rebuildDue()
                } catch {
                    logger.error("analytics rebuild failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                if !didWork { try? await Task.sleep(for: poll) }
            }
        }
    }

    /// Claims one workspace whose rebuild is due and rebuilds it; false when none was due.
    @discardableResult
    func rebuildDue(now: Date = Date()) async throws -> Bool {
        guard let (workspaceID, requestedAt) = try await claim(now: now) else { return false }
        let started = ContinuousClock.now
        do {
            let dialect = database.dialect
            let database = database, owner = owner, lease = lease
            try await AttributionStore.reattributeAll(workspaceID: workspaceID, dialect: dialect, in: database) { done, total in
                try await Self.report(["step": "attribution", "done": done, "total": total], workspaceID: workspaceID, owner: owner, lease: lease, in: database)
            }
            // Each campaign's progress also extends the lease, so a long rebuild is never taken over half-way.
            try await RollupRebuild(database: database).rebuild(workspaceID: workspaceID, pause: dialect.kind == .sqlite ? pause : .zero) { done, total in
                try await Self.report(["step": "cells", "done": done, "total": total], workspaceID: workspaceID, owner: owner, lease: lease, in: database)
            }
            try await database.transaction { sql in
                try await sql.raw(
                    """
                    UPDATE analytics_state SET
                        rebuilt_at = CASE WHEN rebuild_requested_at <= \(bind: requestedAt.addingTimeInterval(0.001)) THEN rebuild_requested_at
                            ELSE \(bind: requestedAt) END,
                        rebuild_owner = NULL, rebuild_lease_until = NULL, progress = NULL
                    WHERE workspace_id = \(bind: workspaceID) AND rebuild_owner = \(bind: owner)
                    """
                ).run()
            }
            logger.info("analytics rebuilt", metadata: ["workspace_id": "\(workspaceID)", "seconds": "\(ContinuousClock.now - started)"])
        } catch {
            try? await database.transaction { sql in
                try await sql.raw(
                    "UPDATE analytics_state SET rebuild_owner = NULL, rebuild_lease_until = NULL WHERE workspace_id = \(bind: workspaceID) AND rebuild_owner = \(bind: owner)"
                ).run()
            }
            throw error
        }
        return true
    }

    private func claim(now: Date) async throws -> (UUID, Date)? {
        try await database.transaction { sql in
            let free: SQLQueryString = "(rebuild_lease_until IS NULL OR rebuild_lease_until < \(bind: now))"
            let due: SQLQueryString = "rebuild_requested_at IS NOT NULL AND (rebuilt_at IS NULL OR rebuilt_at < rebuild_requested_at)"
            return try await sql.raw(
                """
                UPDATE analytics_state SET rebuild_owner = \(bind: owner), rebuild_lease_until = \(bind: now.addingTimeInterval(lease))
                WHERE workspace_id = (SELECT workspace_id FROM analytics_state WHERE \(due) AND \(free) ORDER BY rebuild_requested_at LIMIT 1)
                  AND \(due) AND \(free)
                RETURNING workspace_id, rebuild_requested_at
                """
            ).first().map { (try $0.decode(column: "workspace_id", as: UUID.self), try $0.decode(column: "rebuild_requested_at", as: Date.self)) }
        }
    }

    /// Stores progress for the pages ("numbers are being rebuilt") and extends the lease.
    static func report(_ progress: [String: Any], workspaceID: UUID, owner: String, lease: TimeInterval, in database: Database) async throws {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: progress, options: [.sortedKeys]), as: UTF8.self)
        try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE analytics_state SET progress = \(database.dialect.json(json)), rebuild_lease_until = \(bind: Date().addingTimeInterval(lease))
                WHERE workspace_id = \(bind: workspaceID) AND rebuild_owner = \(bind: owner)
                """
            ).run()
        }
    }
}
