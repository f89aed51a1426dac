import Contacts
import Foundation
import Hummingbird
import SQLKit
import Storage

/// `GET /api/jobs/{id}`: progress of background work; `GET /api/jobs/{id}/errors`: its per-row error report.
struct JobController {
    let database: Database

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("jobs/{id}", use: get)
        group.get("jobs/{id}/errors", use: errors)
    }

    struct JobView: Encodable {
        let id: UUID
        let kind: String
        let status: String
        let progress: Progress
        let rows: Rows
        let result: JSONValue?
        let error: String?
        let created_at: Date
        let started_at: Date?
        let finished_at: Date?
        let errors_url: String

        struct Progress: Encodable {
            let done: Int64
            let total: Int64
            let percent: Double
        }
        struct Rows: Encodable {
            let processed: Int64
            let succeeded: Int64
            let failed: Int64
        }
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try context.parameters.uuid("id", what: "job")
        let workspaceID = context.access.workspaceID
        let dialect = database.dialect
        let row = try await database.read { sql in
            try await sql.raw(
                """
                SELECT id, kind, status, progress_done, progress_total, rows_processed, rows_succeeded, rows_failed,
                       \(dialect.jsonText("result")) AS result, error, created_at, started_at, finished_at
                FROM jobs WHERE id = \(bind: id) AND workspace_id = \(bind: workspaceID)
                """
            ).first()
        }
        guard let row else { throw APIError.notFound("job") }
        let done = try row.decode(column: "progress_done", as: Int64.self), total = try row.decode(column: "progress_total", as: Int64.self)
        let status = try row.decode(column: "status", as: String.self)
        let percent = status == "completed" ? 100 : total > 0 ? (Double(done) / Double(total) * 1000).rounded() / 10 : 0
        let view = JobView(
            id: id, kind: try row.decode(column: "kind", as: String.self), status: status,
            progress: .init(done: done, total: total, percent: percent),
            rows: .init(
                processed: try row.decode(column: "rows_processed", as: Int64.self),
                succeeded: try row.decode(column: "rows_succeeded", as: Int64.self),
                failed: try row.decode(column: "rows_failed", as: Int64.self)
            ),
            result: try row.decode(column: "result", as: String?.self).flatMap { try? JSONValue.parse(Data($0.utf8)) },
            error: try row.decode(column: "error", as: String?.self),
            created_at: try row.decode(column: "created_at", as: Date.self),
            started_at: try row.decode(column: "started_at", as: Date?.self),
            finished_at: try row.decode(column: "finished_at", as: Date?.self),
            errors_url: "/api/jobs/\(id.uuidString.lowercased())/errors"
        )
        return try JSONResponse.make(view)
    }

    struct RowErrorView: Encodable {
        let row: Int64
        let field: String?
        let code: String
        let message: String
        let raw: String?
    }

    /// The bad rows of an import, as JSON (`?format=json`, default) or CSV (`?format=csv`).
    @Sendable func errors(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try context.parameters.uuid("id", what: "job")
        let workspaceID = context.access.workspaceID
        let format = request.uri.queryParameters["format"].map(String.init) ?? "json"
        guard format == "json" || format == "csv" else {
            throw APIError(.badRequest, "invalid_parameter", "format must be json or csv", field: "format")
        }
        let rows = try await database.read { sql -> [RowErrorView]? in
            guard try await sql.raw("SELECT id FROM jobs WHERE id = \(bind: id) AND workspace_id = \(bind: workspaceID)").first() != nil else {
                return nil
            }
            return try await sql.raw("SELECT row_number, field, code, message, raw FROM job_row_errors WHERE job_id = \(bind: id) ORDER BY row_number LIMIT 100000")
                .all().map {
                    RowErrorView(
                        row: try $0.decode(column: "row_number", as: Int64.self), field: try $0.decode(column: "field", as: String?.self),
                        code: try $0.decode(column: "code", as: String.self), message: try $0.decode(column: "message", as: String.self),
                        raw: try $0.decode(column: "raw", as: String?.self)
                    )
                }
        }
        guard let rows else { throw APIError.notFound("job") }
        if format == "csv" {
            var text = CSVWriter.row(["row", "field", "code", "message", "raw"])
            for r in rows { text += CSVWriter.row([String(r.row), r.field ?? "", r.code, r.message, r.raw ?? ""]) }
            return Response(
                status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"import-errors.csv\""],
                body: .init(byteBuffer: ByteBuffer(string: text))
            )
        }
        struct List: Encodable { let data: [RowErrorView] }
        return try JSONResponse.make(List(data: rows))
    }
}
