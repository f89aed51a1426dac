import Contacts
import Foundation
import Hummingbird
import NIOCore
import SQLKit
import Storage

/// `POST /api/contacts/import` (CSV upload → job) and `GET /api/contacts/export` (CSV download).
struct ContactTransferController {
    let database: Database
    let contacts: ContactStore

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("contacts/import", use: upload)
        group.get("contacts/export", use: export)
    }

    @Sendable func upload(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("text/csv") || type.hasPrefix("application/csv") else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "send the file as text/csv")
        }
        var mapping: [String: String]?
        if let text = request.uri.queryParameters["mapping"] {
            guard let parsed = try? JSONDecoder().decode([String: String].self, from: Data(String(text).utf8)) else {
                throw APIError(.badRequest, "invalid_parameter", "mapping must be a JSON object of CSV column → contact field", field: "mapping")
            }
            mapping = parsed
        }
        let workspaceID = context.access.workspaceID
        let jobID = UUID()
        let dialect = database.dialect
        // The job exists (parked far in the future) while the upload streams in, so its pieces have a parent.
        try await database.transaction { sql in
            try await JobQueue.enqueue(sql, dialect: dialect, id: jobID, workspaceID: workspaceID, kind: ContactImport.kind, payload: "{}")
            try await sql.raw("UPDATE jobs SET run_at = \(bind: Date.distantFuture) WHERE id = \(bind: jobID)").run()
        }
        do {
            let rules = try await contacts.rules(workspaceID: workspaceID)
            var pending = ByteBuffer()
            var seq = 0
            var total: Int64 = 0
            var headerChecked = false
            func store(_ buffer: ByteBuffer) async throws {
                let data = Data(buffer: buffer)
                let piece = seq
                try await database.transaction { sql in
                    try await sql.raw("INSERT INTO job_files (job_id, seq, data) VALUES (\(bind: jobID), \(bind: piece), \(bind: data))").run()
                }
                seq += 1
            }
            for try await var part in request.body {
                total += Int64(part.readableBytes)
                if total > Int64(ContactImport.maxBytes) {
                    throw APIError(.contentTooLarge, "body_too_large", "CSV files are limited to \(ContactImport.maxBytes >> 30) GiB")
                }
                pending.writeBuffer(&part)
                if !headerChecked, let header = try Self.header(in: pending) {
                    _ = try ContactImport.resolveColumns(header: header, mapping: mapping, customFields: Set(rules.fields.keys))
                    headerChecked = true
                }
                while pending.readableBytes >= ContactImport.chunkSize {
                    try await store(pending.readSlice(length: ContactImport.chunkSize)!)
                    pending.discardReadBytes()
                }
            }
            if !headerChecked {
                guard let header = try Self.header(in: pending, final: true) else {
                    throw APIError(.unprocessableContent, "empty_file", "the file is empty or has no header row")
                }
                _ = try ContactImport.resolveColumns(header: header, mapping: mapping, customFields: Set(rules.fields.keys))
            }
            if pending.readableBytes > 0 { try await store(pending) }
            let payload = String(decoding: try JSONEncoder().encode(ContactImport.Payload(mapping: mapping, bytes: total, chunks: seq)), as: UTF8.self)
            let size = total
            try await database.transaction { sql in
                try await sql.raw(
                    "UPDATE jobs SET payload = \(dialect.json(payload)), progress_total = \(bind: size), run_at = \(bind: Date()) WHERE id = \(bind: jobID)"
                ).run()
            }
        } catch {
            // Nothing half-uploaded is kept.
            try? await database.transaction { sql in try await sql.raw("DELETE FROM jobs WHERE id = \(bind: jobID)").run() }
            throw error
        }
        context.logger.info("contact import queued", metadata: ["job_id": .string(jobID.uuidString.lowercased())])
        struct Accepted: Encodable {
            let job_id: UUID
            let status: String
            let status_url: String
        }
        var response = try JSONResponse.make(
            Accepted(job_id: jobID, status: "queued", status_url: "/api/jobs/\(jobID.uuidString.lowercased())"), status: .accepted
        )
        response.headers[.location] = "/api/jobs/\(jobID.uuidString.lowercased())"
        return response
    }

    /// The first CSV record, once a whole line has arrived; a header longer than 64 KiB is refused.
    static func header(in buffer: ByteBuffer, final: Bool = false) throws(APIError) -> [String]? {
        let limit = 64 * 1024
        let bytes = buffer.readableBytesView
        guard final || bytes.count > limit || bytes.contains(UInt8(ascii: "\n")) else { return nil }
        var parser = CSVParser()
        var records = parser.feedResults(bytes.prefix(limit))
        if records.isEmpty && bytes.count > limit {
            throw APIError(.unprocessableContent, "record_too_long", "the header row is longer than 64 KiB")
        }
        if final { records += parser.finishResults() }
        switch records.first {
        case nil: return nil
        case .success(let header): return header.map { $0.trimmingCharacters(in: .whitespaces) }
        case .failure(let refused): throw APIError(.unprocessableContent, refused.reason.rawValue, "the header row: \(refused.message)")
        }
    }

    /// Columns added later go at the end, so spreadsheets and scripts that read columns by position keep working.
    static let exportHeader = [
        "phone", "name", "email", "country", "language", "city", "tags", "consent_status", "consent_source", "consent_at", "attributes", "created_at",
        "updated_at", "bsuid", "parent_bsuid", "username",
    ]

    /// Streams every contact (or those matching `q`) as CSV, a page at a time.
    @Sendable func export(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let workspaceID = context.access.workspaceID
        let search = request.uri.queryParameters["q"].map(String.init)
        let store = contacts
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: CSVWriter.row(Self.exportHeader)))
            var cursor: String?
            repeat {
                let page = try await store.list(workspaceID: workspaceID, search: search, limit: 1000, cursor: cursor)
                var text = ""
                for c in page.data {
                    text += CSVWriter.row([
                        c.phone ?? "", c.name ?? "", c.email ?? "", c.country ?? "", c.language ?? "", c.city ?? "", c.tags.joined(separator: "|"),
                        c.consent.status.rawValue, c.consent.source ?? "", c.consent.at.map(ISODate.format) ?? "",
                        c.attributes.isEmpty ? "" : JSONValue.object(c.attributes).jsonText, ISODate.format(c.createdAt), ISODate.format(c.updatedAt),
                        c.bsuid ?? "", c.parentBSUID ?? "", c.username ?? "",
                    ])
                }
                try await writer.write(ByteBuffer(string: text))
                cursor = page.nextCursor
            } while cursor != nil
            try await writer.finish(nil)
        }
        let stamp = ISODate.format(Date()).prefix(10)
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"contacts-\(stamp).csv\""],
            body: body
        )
    }
}
