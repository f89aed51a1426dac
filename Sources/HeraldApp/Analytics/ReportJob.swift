import Analytics
import Foundation
import Storage

/// The `analytics.report` job: builds the report from the analytics stores (progress per section), renders it as PDF
/// or CSV, and stores the file in `job_files` for `GET /api/jobs/{id}/download`. Its result is `{filename,
/// content_type, bytes}`.
struct ReportJob: JobHandler {
    let kind = ReportRequest.jobKind
    let builder: ReportBuilder

    init(database: Database) {
        builder = ReportBuilder(
            analytics: AnalyticsStore(database: database),
            recipients: RecipientStore(database: database),
            reports: ReportStore(database: database)
        )
    }

    func run(_ run: JobRun) async throws -> String? {
        let request = try ReportRequest.decode(run.job.payload)
        let document: ReportDocument
        let filename: String
        do {
            (document, filename) = try await builder.build(request, workspaceID: run.job.workspaceID) { done, total in
                try await run.progress(done: done, total: total + 1, processed: 0, succeeded: 0, failed: 0)
            }
        } catch let gone as ReportBuilder.Gone {
            throw APIError(.gone, "report_unavailable", gone.message)
        }
        let data = request.format == .pdf ? document.pdf() : Data(document.csv().utf8)
        try await builder.reports.save(data, jobID: run.job.id)
        let file = ReportFile(filename: filename, contentType: request.format.contentType, bytes: data.count)
        return String(decoding: try JSONEncoder().encode(file), as: UTF8.self)
    }
}
