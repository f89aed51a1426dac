import Foundation
import Hummingbird

/// `/analytics/reports/{id}`: an export's page, polling its job until the file is ready, then linking to
/// `/analytics/reports/{id}/download` (the same bytes as `GET /api/jobs/{id}/download`, for a console session).
extension WebPages {
    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let job = try await ReportStore(database: services.database).job(id, workspaceID: access.workspaceID)
        else { throw HTTPError(.notFound) }
        let jobID = id.uuidString.lowercased()
        let (done, total) = job.progress
        var values: [String: Any] = [
            "jobID": jobID, "status": job.status, "finished": job.status == "completed" || job.status == "failed",
            "percent": job.status == "completed" ? 100 : total > 0 ? Int(Double(done) / Double(total) * 100) : 0,
        ]
        if job.status == "failed" { values["error"] = job.error ?? "unknown error" }
        if job.status == "completed", let file = job.result {
            values["file"] = ["name": file.filename, "size": Self.reportSize(file.bytes), "href": "/analytics/reports/\(jobID)/download"]
        }
        return console.render("report", title: "Report export", path: "/analytics", access: access, values: values)
    }

    @Sendable func reportDownload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw HTTPError(.notFound) }
        return try await ReportDownload(reports: ReportStore(database: services.database)).response(jobID: id, workspaceID: access.workspaceID)
    }

    /// "812 KB", "2.4 MB".
    static func reportSize(_ bytes: Int) -> String {
        bytes < 1_000_000 ? "\(max(1, (bytes + 500) / 1000)) KB" : String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }
}

extension WebConsole {
    func addReportRoutes(to router: Router<AppRequestContext>, pages: WebPages) {
        router.get("analytics/reports/{id}", use: pages.report)
        router.get("analytics/reports/{id}/download", use: pages.reportDownload)
    }
}
