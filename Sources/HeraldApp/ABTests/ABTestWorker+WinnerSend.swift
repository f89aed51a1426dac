import Foundation
import SQLKit
import Storage

extension ABTestWorker {
    /// A decided test whose winner send is still `pending` a while after the decision, with no live
    /// `ab_test.send_winner` job: the job failed (the job queue does not retry a job that threw), and without this the
    /// winner would never go out and the campaign would stay `sending`. Queues the job again; it is idempotent, so a
    /// second server doing the same at the same moment only costs a job that finds nothing left to do.
    /// Returns how many were queued again.
    @discardableResult
    func requeueStalledWinnerSends(now: Date = Date(), after delay: TimeInterval = 60) async throws -> Int {
        let dialect = database.dialect
        return try await database.transaction { sql in
            let stalled = try await sql.raw(
                """
                SELECT id, workspace_id FROM ab_tests
                WHERE status = 'completed' AND winner_send = 'pending' AND decided_at < \(bind: now.addingTimeInterval(-delay))
                """
            ).all().map { (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "workspace_id", as: UUID.self)) }
            guard !stalled.isEmpty else { return 0 }
            let live = try await sql.raw(
                """
                SELECT \(dialect.jsonText("payload")) AS payload FROM jobs
                WHERE kind = \(bind: ABTestWinnerJob.kind) AND status IN ('queued', 'running')
                """
            ).all().compactMap { try? $0.decode(column: "payload", as: String.self).lowercased() }
            var queued = 0
            for (testID, workspaceID) in stalled where !live.contains(where: { $0.contains(testID.uuidString.lowercased()) }) {
                try await JobQueue.enqueue(
                    sql, dialect: dialect, workspaceID: workspaceID, kind: ABTestWinnerJob.kind,
                    payload: ABTestWinnerJob.payload(testID: testID)
                )
                logger.warning("A/B test winner send queued again: its job had stopped", metadata: ["ab_test_id": "\(testID)"])
                queued += 1
            }
            return queued
        }
    }
}
