import Foundation
import SQLKit

/// A queued unit of background work, as a worker sees it after claiming it.
public struct ClaimedJob: Sendable {
    public let id: UUID
    public let workspaceID: UUID
    public let kind: String
    public let payload: String
    public let attempts: Int
}

/// The durable job queue in the `jobs` table. Several processes may share it on PostgreSQL:
/// claims use `FOR UPDATE SKIP LOCKED` and a lease, so a job whose worker died is taken up again.
public struct JobQueue: Sendable {
    public let database: Database
    public let leaseSeconds: Double
    /// Claims a job gets before it is failed: a worker that crashes or overruns its lease on every
    /// attempt (a file that exhausts memory, say) must not take the queue down again and again.
    public let maxAttempts: Int

    public init(database: Database, leaseSeconds: Double = 60, maxAttempts: Int = 3) {
        self.database = database
        self.leaseSeconds = leaseSeconds
        self.maxAttempts = maxAttempts
    }

    /// Queues a job inside the caller's transaction.
    public static func enqueue(
        _ sql: any SQLDatabase, dialect: Dialect, id: UUID = UUID(), workspaceID: UUID, kind: String,
        payload: String, total: Int64 = 0
    ) async throws {
        let now = Date()
        try await sql.raw(
            """
            INSERT INTO jobs (id, workspace_id, kind, status, payload, progress_total, run_at, created_at)
            VALUES (\(bind: id), \(bind: workspaceID), \(bind: kind), 'queued', \(dialect.json(payload)), \(bind: total), \(bind: now), \(bind: now))
            """
        ).run()
    }

    /// Takes the oldest runnable job of the given kinds, or one whose lease ran out. A job whose lease ran
    /// out on its last attempt (its worker crashed or overran every time) is failed instead of run again.
    public func claim(owner: String, kinds: [String]) async throws -> ClaimedJob? {
        let now = Date()
        let dialect = database.dialect
        let maxAttempts = maxAttempts
        return try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE jobs SET status = 'failed', finished_at = \(bind: now), lease_owner = NULL, lease_expires_at = NULL,
                    error = \(bind: "the job crashed or timed out on each of its \(maxAttempts) attempts, so it was stopped")
                WHERE kind IN (\(binds: kinds)) AND status = 'running' AND lease_expires_at < \(bind: now) AND attempts >= \(bind: maxAttempts)
                """
            ).run()
            let row = try await sql.raw(
                """
                UPDATE jobs SET status = 'running', lease_owner = \(bind: owner),
                    lease_expires_at = \(bind: now.addingTimeInterval(leaseSeconds)),
                    attempts = attempts + 1, started_at = COALESCE(started_at, \(bind: now))
                WHERE id = (
                    SELECT id FROM jobs
                    WHERE kind IN (\(binds: kinds))
                      AND ((status = 'queued' AND run_at <= \(bind: now)) OR (status = 'running' AND lease_expires_at < \(bind: now)))
                    ORDER BY run_at LIMIT 1\(dialect.skipLocked)
                )
                RETURNING id, workspace_id, kind, \(dialect.jsonText("payload")) AS payload, attempts
                """
            ).first()
            guard let row else { return nil }
            return ClaimedJob(
                id: try row.decode(column: "id", as: UUID.self),
                workspaceID: try row.decode(column: "workspace_id", as: UUID.self),
                kind: try row.decode(column: "kind", as: String.self),
                payload: try row.decode(column: "payload", as: String.self),
                attempts: try row.decode(column: "attempts", as: Int.self)
            )
        }
    }

    /// Records progress and extends the lease. Returns false when the lease was lost to another worker.
    @discardableResult
    public func progress(
        _ job: ClaimedJob, owner: String, done: Int64, total: Int64, processed: Int64, succeeded: Int64, failed: Int64
    ) async throws -> Bool {
        let expires = Date().addingTimeInterval(leaseSeconds)
        return try await database.transaction { sql in
            let row = try await sql.raw(
                """
                UPDATE jobs SET progress_done = \(bind: done), progress_total = \(bind: total),
                    rows_processed = \(bind: processed), rows_succeeded = \(bind: succeeded), rows_failed = \(bind: failed),
                    lease_expires_at = \(bind: expires)
                WHERE id = \(bind: job.id) AND lease_owner = \(bind: owner) AND status = 'running'
                RETURNING id
                """
            ).first()
            return row != nil
        }
    }

    /// Marks the job finished, with a JSON result or an error message.
    public func finish(_ job: ClaimedJob, owner: String, result: String?, error: String?) async throws {
        let dialect = database.dialect
        let status = error == nil ? "completed" : "failed"
        try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE jobs SET status = \(bind: status), result = \(result.map { dialect.json($0) } ?? "NULL"),
                    error = \(bind: error), finished_at = \(bind: Date()), lease_owner = NULL, lease_expires_at = NULL,
                    progress_done = CASE WHEN \(bind: status) = 'completed' THEN progress_total ELSE progress_done END
                WHERE id = \(bind: job.id) AND lease_owner = \(bind: owner)
                """
            ).run()
        }
    }

    /// Jobs waiting or running, for the queue-depth gauge.
    public func depth() async throws -> Int {
        try await database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM jobs WHERE status IN ('queued', 'running')").first()?
                .decode(column: "n", as: Int.self) ?? 0
        }
    }
}
