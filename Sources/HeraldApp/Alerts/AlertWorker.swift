import Foundation
import Logging
import ServiceLifecycle
import SQLKit
import Storage

/// Evaluates each workspace's alert rules when due and sends the notifications in the outbox (design section 7). The
/// schedule is a column (`analytics_state.alerts_next_at`), claimed with a lease by a conditional update, so servers
/// sharing a database evaluate a workspace once per interval; an episode opens once anyway (a unique index).
struct AlertWorker: Service {
    let services: AlertServices
    let publicBaseURL: String
    let logger: Logger
    var owner = "herald-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    /// How long a claim lasts; a server that dies mid-evaluation frees the workspace after this.
    var lease: TimeInterval = 60

    var database: Database { services.database }
    var poll: Duration { .milliseconds(Int(min(max(services.settings.interval, 0.05), 1) * 1000)) }
    var evaluator: AlertEvaluator { AlertEvaluator(database: database, grace: services.settings.grace) }
    var sender: AlertSender {
        AlertSender(outbox: services.outbox, webhooks: services.webhooks, retry: services.retryPolicy, publicBaseURL: publicBaseURL, logger: logger)
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                var didWork = false
                do {
                    didWork = try await evaluateDue()
                } catch {
                    logger.error("alert evaluation failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                do {
                    didWork = try await deliverDue() || didWork
                } catch {
                    logger.error("alert notification sending failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                if !didWork { try? await Task.sleep(for: poll) }
            }
        }
    }

    /// Claims one workspace whose evaluation is due, evaluates it and schedules the next; false when none was due.
    @discardableResult
    func evaluateDue(now: Date = Date()) async throws -> Bool {
        guard let workspaceID = try await claim(now: now) else { return false }
        do {
            let result = try await evaluator.evaluate(workspaceID: workspaceID, now: now)
            if !result.fired.isEmpty || !result.resolved.isEmpty {
                logger.info(
                    "alerts evaluated",
                    metadata: ["workspace_id": "\(workspaceID)", "fired": "\(result.fired.count)", "resolved": "\(result.resolved.count)"]
                )
            }
        } catch {
            try? await release(workspaceID, next: now.addingTimeInterval(services.settings.interval))
            throw error
        }
        try await release(workspaceID, next: now.addingTimeInterval(services.settings.interval))
        return true
    }

    /// Every workspace gets its schedule row (new workspaces have none); workspaces whose cells are being rebuilt wait.
    private func claim(now: Date) async throws -> UUID? {
        let owner = owner, lease = lease
        return try await database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO analytics_state (workspace_id) SELECT id FROM workspaces w
                WHERE NOT EXISTS (SELECT 1 FROM analytics_state s WHERE s.workspace_id = w.id)
                ON CONFLICT (workspace_id) DO NOTHING
                """
            ).run()
            let due: SQLQueryString = """
                (alerts_next_at IS NULL OR alerts_next_at <= \(bind: now)) AND (alerts_lease_until IS NULL OR alerts_lease_until < \(bind: now))
                    AND (rebuild_requested_at IS NULL OR (rebuilt_at IS NOT NULL AND rebuilt_at >= rebuild_requested_at))
                """
            return try await sql.raw(
                """
                UPDATE analytics_state SET alerts_owner = \(bind: owner), alerts_lease_until = \(bind: now.addingTimeInterval(lease))
                WHERE workspace_id = (SELECT workspace_id FROM analytics_state WHERE \(due) ORDER BY alerts_next_at, workspace_id LIMIT 1) AND \(due)
                RETURNING workspace_id
                """
            ).first()?.decode(column: "workspace_id", as: UUID.self)
        }
    }

    private func release(_ workspaceID: UUID, next: Date) async throws {
        let owner = owner
        try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE analytics_state SET alerts_next_at = \(bind: next), alerts_owner = NULL, alerts_lease_until = NULL
                WHERE workspace_id = \(bind: workspaceID) AND alerts_owner = \(bind: owner)
                """
            ).run()
        }
    }

    /// Sends the notifications that are due (at most 20 at a time, concurrently); false when none was.
    @discardableResult
    func deliverDue(only id: UUID? = nil) async throws -> Bool {
        let claimed = try await services.outbox.claim(owner: owner, lease: lease, only: id)
        guard !claimed.isEmpty else { return false }
        let sender = sender, owner = owner, logger = logger
        await withTaskGroup(of: Void.self) { group in
            for notification in claimed {
                group.addTask {
                    do { try await sender.send(notification, owner: owner) } catch {
                        logger.error("alert notification failed", metadata: ["notification_id": "\(notification.id)", "error": "\(error)"])
                    }
                }
            }
        }
        return true
    }
}
