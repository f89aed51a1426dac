import Foundation
import Hummingbird

/// A report job's file as a download: the stored pieces streamed in order, with `Content-Disposition: attachment` and
/// an RFC 5987 `filename*` for names outside ASCII. Shared by the API and the console.
struct ReportDownload {
    let reports: ReportStore

    func response(jobID: UUID, workspaceID: UUID) async throws -> Response {
        guard let job = try await reports.job(jobID, workspaceID: workspaceID) else { throw APIError.notFound("report job") }
        switch job.status {
        case "completed": break
        case "failed": throw APIError(.conflict, "job_failed", "the report could not be made: \(job.error ?? "unknown error")")
        default:
            throw APIError(
                .conflict,
                "not_ready",
                "the report is not ready yet; poll /api/jobs/\(jobID.uuidString.lowercased()) until it has completed"
            )
        }
        guard let file = job.result else { throw APIError.notFound("report file") }
        let store = reports
        let body = ResponseBody { writer in
            for seq in 0..<file.pieces {
                // The job, and its file with it (cascade), can be deleted while we stream: by the retention sweep when
                // the workspace exports again, or with its workspace. The status line and Content-Length are sent, so
                // finishing here would hand the client a short file that looks complete. Throwing makes Hummingbird
                // close the connection instead, and the client sees a broken transfer.
                guard let piece = try await store.piece(jobID: jobID, seq: seq) else { throw FileGone(jobID: jobID, missingPiece: seq) }
                try await writer.write(ByteBuffer(bytes: piece))
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: file.contentType, .contentLength: String(file.bytes), .contentDisposition: Self.disposition(file.filename),
                .cacheControl: "private, no-store", .init("X-Content-Type-Options")!: "nosniff",
            ],
            body: body
        )
    }

    /// A piece of the file vanished mid-download: the job was deleted after the response began.
    struct FileGone: Error, CustomStringConvertible {
        let jobID: UUID
        let missingPiece: Int
        var description: String { "report job \(jobID.uuidString.lowercased()) was deleted while its file was downloaded (piece \(missingPiece) missing)" }
    }

    /// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>` (RFC 6266 and 5987).
    static func disposition(_ filename: String) -> String {
        let fallback = String(filename.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        guard fallback != filename else { return "attachment; filename=\"\(filename)\"" }
        var allowed = CharacterSet(charactersIn: "!#$&+-.^_`|~")
        allowed.formUnion(CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
        let encoded = filename.precomposedStringWithCanonicalMapping.addingPercentEncoding(withAllowedCharacters: allowed) ?? fallback
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }
}
