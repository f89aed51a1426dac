import Foundation
import SQLKit
import Storage

/// The notifications waiting to be sent (`alert_notifications`), claimed with a lease so that each is sent by one
/// worker at a time, and skipped while locked on PostgreSQL so workers do not queue behind each other.
struct AlertOutbox: Sendable {
    let database: Database

    struct Claimed: Sendable {
        var id: UUID
        var workspaceID: UUID
        var webhookID: UUID
        var event: String
        var body: String
        /// Including this one.
        var attempts: Int
    }

    func claim(owner: String, lease: TimeInterval, limit: Int = 20, only id: UUID? = nil, now: Date = Date()) async throws -> [Claimed] {
        let dialect = database.dialect
        return try await database.transaction { sql in
            let free: SQLQueryString = "status = 'pending' AND next_attempt_at <= \(bind: now) AND (lease_until IS NULL OR lease_until < \(bind: now))"
            let one: SQLQueryString = id.map { " AND id = \(bind: $0)" } ?? ""
            return try await sql.raw(
                """
                UPDATE alert_notifications SET lease_owner = \(bind: owner), lease_until = \(bind: now.addingTimeInterval(lease)), attempts = attempts + 1
                WHERE id IN (
                    SELECT id FROM alert_notifications WHERE \(free)\(one) ORDER BY next_attempt_at, id LIMIT \(bind: limit)\(dialect.skipLocked)
                ) AND \(free)
                RETURNING id, workspace_id, webhook_id, event, body, attempts
                """
            ).all().map {
                Claimed(
                    id: try $0.decode(column: "id", as: UUID.self), workspaceID: try $0.decode(column: "workspace_id", as: UUID.self),
                    webhookID: try $0.decode(column: "webhook_id", as: UUID.self), event: try $0.decode(column: "event", as: String.self),
                    body: try $0.decode(column: "body", as: String.self), attempts: try $0.decode(column: "attempts", as: Int.self)
                )
            }
        }
    }

    func delivered(_ id: UUID, owner: String, status: Int, now: Date = Date()) async throws {
        try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE alert_notifications SET status = 'delivered', delivered_at = \(bind: now), last_status = \(bind: status), last_error = NULL,
                    lease_owner = NULL, lease_until = NULL
                WHERE id = \(bind: id) AND lease_owner = \(bind: owner)
                """
            ).run()
        }
    }

    func retry(_ id: UUID, owner: String, at next: Date, status: Int?, error: String?) async throws {
        try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE alert_notifications SET next_attempt_at = \(bind: next), last_status = \(bind: status), last_error = \(bind: error),
                    lease_owner = NULL, lease_until = NULL
                WHERE id = \(bind: id) AND lease_owner = \(bind: owner)
                """
            ).run()
        }
    }

    /// Gives up on a notification; unless it was a test, an info alert tells the workspace its webhook is failing.
    func failed(_ notification: Claimed, owner: String, status: Int?, error: String?, webhookName: String, now: Date = Date()) async throws {
        try await database.transaction { sql in
            let moved = try await sql.raw(
                """
                UPDATE alert_notifications SET status = 'failed', last_status = \(bind: status), last_error = \(bind: error),
                    lease_owner = NULL, lease_until = NULL
                WHERE id = \(bind: notification.id) AND lease_owner = \(bind: owner) RETURNING id
                """
            ).first()
            guard moved != nil, notification.event != "test" else { return }
            let why = status.map { "it answered \($0)" } ?? (error ?? "it could not be reached")
            try await AlertStore.raise(
                workspaceID: notification.workspaceID, level: "info", kind: "alert_webhook_failed",
                message: "Alert webhook \(webhookName) gave up on a notification after \(notification.attempts) attempt(s): \(why).", in: sql
            )
        }
    }

    /// Delivery state of one notification (the test endpoint's answer).
    func state(_ id: UUID) async throws -> (status: String, lastStatus: Int?, lastError: String?)? {
        try await database.read { sql in
            try await sql.raw("SELECT status, last_status, last_error FROM alert_notifications WHERE id = \(bind: id)").first().map {
                (try $0.decode(column: "status", as: String.self), try $0.decode(column: "last_status", as: Int?.self), try $0.decode(column: "last_error", as: String?.self))
            }
        }
    }

    /// Queues a test notification for one webhook.
    func enqueueTest(workspaceID: UUID, webhookID: UUID, now: Date = Date()) async throws -> UUID {
        let id = UUID.timeOrdered()
        let notice = AlertNotice(
            alertID: nil, rule: "Test", ruleID: nil, level: "info", state: .test, value: nil, message: "A test notification from Herald.",
            campaignID: nil, campaign: nil, at: now
        )
        let body = try notice.stored()
        try await database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO alert_notifications (id, workspace_id, webhook_id, alert_id, event, body, status, attempts, next_attempt_at, created_at)
                VALUES (\(bind: id), \(bind: workspaceID), \(bind: webhookID), NULL, 'test', \(bind: body), 'pending', 0, \(bind: now), \(bind: now))
                """
            ).run()
        }
        return id
    }
}
