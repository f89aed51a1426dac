import Foundation
import SQLKit
import Storage

/// The rows behind report exports: the `analytics.report` job, its rendered file in `job_files` pieces of 1 MiB (so any
/// server of a PostgreSQL deployment can answer the download), and the names a filter line shows.
struct ReportStore: Sendable {
    let database: Database
    static let pieceSize = 1 << 20
    /// Report jobs and their files are deleted this long after they finish **(our choice)**.
    static let retention: TimeInterval = 7 * 86_400

    /// A finished or unfinished report job as the download sees it.
    struct ReportJob: Sendable {
        var status: String
        var error: String?
        var result: ReportFile?
        var progress: (done: Int64, total: Int64)
    }

    /// Queues the job; the workspace's report jobs older than ``retention`` go in the same transaction, their files
    /// with them (`job_files` cascades).
    func enqueue(_ request: ReportRequest, workspaceID: UUID, id: UUID = UUID()) async throws {
        let dialect = database.dialect
        let payload = try request.jsonText()
        let cutoff = request.requestedAt.addingTimeInterval(-Self.retention)
        try await database.transaction { sql in
            try await sql.raw(
                """
                DELETE FROM jobs WHERE workspace_id = \(bind: workspaceID) AND kind = \(bind: ReportRequest.jobKind)
                    AND finished_at IS NOT NULL AND finished_at < \(bind: cutoff)
                """
            ).run()
            try await JobQueue.enqueue(
                sql,
                dialect: dialect,
                id: id,
                workspaceID: workspaceID,
                kind: ReportRequest.jobKind,
                payload: payload,
                total: 1
            )
        }
    }

    /// Replaces the job's file with `data`, cut into pieces.
    func save(_ data: Data, jobID: UUID) async throws {
        try await database.transaction { sql in
            try await sql.raw("DELETE FROM job_files WHERE job_id = \(bind: jobID)").run()
            var seq = 0
            var start = data.startIndex
            repeat {
                let end = min(start + Self.pieceSize, data.endIndex)
                let piece = Data(data[start..<end])
                try await sql.raw("INSERT INTO job_files (job_id, seq, data) VALUES (\(bind: jobID), \(bind: seq), \(bind: piece))").run()
                seq += 1
                start = end
            } while start < data.endIndex
        }
    }

    /// The workspace's report job with this id; nil for another workspace's job or a job of another kind.
    func job(_ jobID: UUID, workspaceID: UUID) async throws -> ReportJob? {
        let dialect = database.dialect
        let row = try await database.read { sql in
            try await sql.raw(
                """
                SELECT status, error, \(dialect.jsonText("result")) AS result, progress_done, progress_total FROM jobs
                WHERE id = \(bind: jobID) AND workspace_id = \(bind: workspaceID) AND kind = \(bind: ReportRequest.jobKind)
                """
            ).first()
        }
        guard let row else { return nil }
        let result = try row.decode(column: "result", as: String?.self).flatMap { try? JSONDecoder().decode(ReportFile.self, from: Data($0.utf8)) }
        return ReportJob(
            status: try row.decode(column: "status", as: String.self),
            error: try row.decode(column: "error", as: String?.self),
            result: result,
            progress: (try row.decode(column: "progress_done", as: Int64.self), try row.decode(column: "progress_total", as: Int64.self))
        )
    }

    /// Piece `seq` of the job's file.
    func piece(jobID: UUID, seq: Int) async throws -> Data? {
        try await database.read { sql in
            try await sql.raw("SELECT data FROM job_files WHERE job_id = \(bind: jobID) AND seq = \(bind: seq)").first()?.decode(
                column: "data",
                as: Data.self
            )
        }
    }

    /// The name of the workspace's saved segment, for the filter line.
    func segmentName(_ id: UUID, workspaceID: UUID) async throws -> String? {
        try await database.read { sql in
            try await sql.raw("SELECT name FROM segments WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)").first()?
                .decode(column: "name", as: String.self)
        }
    }
}

/// A finished report: the job's `result`.
struct ReportFile: Codable, Sendable, Equatable {
    var filename: String
    var contentType: String
    var bytes: Int

    enum CodingKeys: String, CodingKey {
        case filename
        case contentType = "content_type"
        case bytes
    }

    var pieces: Int { (bytes + ReportStore.pieceSize - 1) / ReportStore.pieceSize }
}
