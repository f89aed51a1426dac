import Foundation
import Logging
import ServiceLifecycle
import SQLKit
import Storage
import WhatsApp

/// Applies stored webhook deliveries, each in one transaction that also marks it processed, so a
/// delivery is applied exactly once even when processes crash. Deliveries are claimed with a lease
/// (and `SKIP LOCKED` on PostgreSQL), so several servers share the work.
struct WebhookProcessor: Service {
    let services: MessagingServices
    let logger: Logger
    let owner = "\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
    static let maxAttempts = 10

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let processed: Int
                do { processed = try await processBatch() } catch {
                    logger.error("webhook processing failed", metadata: ["error": "\(String(reflecting: error))"])
                    processed = 0
                }
                if processed == 0 { try? await Task.sleep(for: .milliseconds(100)) }
            }
        }
    }

    func apply(_ delivery: (id: UUID, accountID: UUID?, body: Data, attempts: Int)) async {
        let database = services.database
        let d = database.dialect
        let (id, accountID, body, attempts) = delivery
        do {
            try await database.transaction(retryingConflicts: 3) { sql in
                if let accountID, let decoded = try? WebhookDelivery.decode(Array(body)) {
                    try await PendingRollups.collecting(dialect: d, in: sql) {
                        try await DeliveryApplier(accountID: accountID, dialect: d, sql: sql, logger: logger).apply(decoded)
                    }
                }
                try await sql.raw(
                    "UPDATE webhook_deliveries SET processed_at = \(bind: Date()), lease_owner = NULL, error = NULL WHERE id = \(bind: id)"
                ).run()
            }
        } catch {
            let detail = String(reflecting: error)
            if detail.contains("40P01") {
                // Two transactions met on the same rows; PostgreSQL rolled this one back. It is applied again at once.
                logger.notice("webhook delivery deadlocked; retrying", metadata: ["delivery_id": "\(id)"])
            } else {
                logger.error("a webhook delivery could not be applied", metadata: ["delivery_id": "\(id)", "error": "\(detail)"])
            }
            let giveUp = attempts >= Self.maxAttempts
            try? await database.transaction { sql in
                try await sql.raw(
                    """
                    UPDATE webhook_deliveries SET error = \(bind: String(describing: error)), lease_owner = NULL, lease_expires_at = NULL,
                        processed_at = CASE WHEN \(bind: giveUp) THEN \(bind: Date()) ELSE NULL END WHERE id = \(bind: id)
                    """
                ).run()
            }
        }
    }

    /// Claims and applies up to 20 deliveries; returns how many.
    func processBatch() async throws -> Int {
        let database = services.database
        let d = database.dialect
        let now = Date()
        let claimed = try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE webhook_deliveries SET lease_owner = \(bind: owner), lease_expires_at = \(bind: now.addingTimeInterval(60)), attempts = attempts + 1
                WHERE id IN (
                    SELECT id FROM webhook_deliveries WHERE processed_at IS NULL AND (lease_expires_at IS NULL OR lease_expires_at < \(bind: now))
                    ORDER BY received_at LIMIT 20\(d.skipLocked))
                RETURNING id, account_id, body, attempts
                """
            ).all().map {
                (
                    try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "account_id", as: UUID?.self),
                    try $0.decode(column: "body", as: Data.self), try $0.decode(column: "attempts", as: Int.self)
                )
            }
        }
        // PostgreSQL applies several deliveries at once (each in its own transaction, rows touched in id
        // order so two never deadlock); SQLite has one writer anyway.
        let parallel = d.kind == .postgres ? 4 : 1
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for delivery in claimed {
                if running == parallel {
                    await group.next()
                    running -= 1
                }
                running += 1
                group.addTask { await apply(delivery) }
            }
        }
        return claimed.count
    }
}
