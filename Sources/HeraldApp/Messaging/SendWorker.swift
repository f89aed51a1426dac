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
            for started in try await CampaignStore.perform(.start, on: .due(now), at: now, in: sql) {
                try await JobQueue.enqueue(
                    sql, dialect: d, workspaceID: started.workspaceID, kind: CampaignStartJob.kind,
                    payload: "{\"campaign_id\":\"\(started.id.uuidString)\"}"
                )
                logger.info("campaign started", metadata: ["campaign_id": "\(started.id)", "workspace_id": "\(started.workspaceID)"])
            }
        }
        try await services.database.transaction { sql in
            try await CampaignStore.perform(.complete, on: .doneSending, at: now, in: sql)
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
