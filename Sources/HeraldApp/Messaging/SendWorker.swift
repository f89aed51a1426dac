import Foundation
import Logging
import ServiceLifecycle
import SQLKit
import Storage

/// The send pipeline of one process: starts campaigns that are due, runs a sender per account with
/// work, finishes campaigns with nothing left, and returns interrupted sends to the queue.
struct SendWorker: Service {
    let services: MessagingServices
    let jobs: JobQueue
    let logger: Logger
    let owner = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
    var poll: Duration = .milliseconds(250)

    func run() async throws {
        let running = RunningAccounts()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                var lastHousekeeping = ContinuousClock.now - .seconds(10)
                while !Task.isCancelled {
                    if ContinuousClock.now - lastHousekeeping > .seconds(1) {
                        lastHousekeeping = .now
                        do { try await housekeeping() } catch {
                            logger.error("send housekeeping failed", metadata: ["error": "\(String(reflecting: error))"])
                        }
                    }
                    do {
                        for account in try await services.accounts.withSendingCampaigns() where await running.start(account.id) {
                            group.addTask {
                                await AccountSender(account: account, services: services, owner: owner, logger: logger).run()
                                await running.stop(account.id)
                            }
                        }
                    } catch {
                        logger.error("could not list accounts with work", metadata: ["error": "\(String(reflecting: error))"])
                    }
                    try? await Task.sleep(for: poll)
                }
            }
        }
    }

    /// Starts due campaigns, completes finished ones, and requeues messages whose send was interrupted.
    func housekeeping() async throws {
        let now = Date()
        let d = services.database.dialect
        try await services.database.transaction { sql in
            let due = try await sql.raw(
                "SELECT id, workspace_id FROM campaigns WHERE status = 'scheduled' AND scheduled_at <= \(bind: now)"
            ).all().map { (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "workspace_id", as: UUID.self)) }
            for (id, workspaceID) in due {
                let started = try await sql.raw(
                    """
                    UPDATE campaigns SET status = 'sending', started_at = \(bind: now), status_reason = NULL, updated_at = \(bind: now)
                    WHERE id = \(bind: id) AND status = 'scheduled' RETURNING id
                    """
                ).first()
                if started != nil {
                    try await JobQueue.enqueue(
                        sql, dialect: d, workspaceID: workspaceID, kind: CampaignStartJob.kind, payload: "{\"campaign_id\":\"\(id.uuidString)\"}"
                    )
                    logger.info("campaign started", metadata: ["campaign_id": "\(id)", "workspace_id": "\(workspaceID)"])
                }
            }
        }
        try await services.database.transaction { sql in
            try await sql.raw(
                """
                UPDATE campaigns SET status = 'completed', completed_at = \(bind: now), updated_at = \(bind: now)
                WHERE status = 'sending' AND audience_size IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.campaign_id = campaigns.id AND m.status IN ('queued', 'sending'))
                """
            ).run()
            // A send interrupted by a crash is in doubt: its status webhook (matched by callback data) settles
            // it if Meta took it; only when none came within the in-doubt window is it sent again.
            try await sql.raw(
                """
                UPDATE messages SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = \(bind: now),
                    error_detail = 'sent again: no answer or status arrived for an interrupted send'
                WHERE status = 'sending' AND lease_expires_at < \(bind: now)
                """
            ).run()
        }
    }
}

/// Which accounts have a sender running in this process.
actor RunningAccounts {
    var ids = Set<UUID>()
    func start(_ id: UUID) -> Bool { ids.insert(id).inserted }
    func stop(_ id: UUID) { ids.remove(id) }
}
