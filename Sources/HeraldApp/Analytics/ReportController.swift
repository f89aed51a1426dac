import Foundation
import Hummingbird
import Storage

/// `POST /api/analytics/reports/export` queues an `analytics.report` job (small and large exports share one path);
/// `GET /api/jobs/{id}/download` streams its file once the job has completed.
struct ReportController {
    let analytics: AnalyticsStore
    let reports: ReportStore

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("analytics/reports/export", use: export)
        group.get("jobs/{id}/download", use: download)
    }

    struct Accepted: Encodable {
        struct Job: Encodable {
            let id: UUID
            let kind: String
            let status: String
            let statusURL: String
            enum CodingKeys: String, CodingKey {
                case id, kind, status
                case statusURL = "status_url"
            }
        }
        let job: Job
        let downloadURL: String
        enum CodingKeys: String, CodingKey {
            case job
            case downloadURL = "download_url"
        }
    }

    @Sendable func export(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try await request.jsonBody(context: context)
        let workspaceID = context.access.workspaceID
        let report = try ReportRequest(body: body, now: Date())
        try await validate(report, workspaceID: workspaceID)
        let id = UUID()
        try await reports.enqueue(report, workspaceID: workspaceID, id: id)
        let path = "/api/jobs/\(id.uuidString.lowercased())"
        context.logger.info(
            "report export queued",
            metadata: ["job_id": .string(id.uuidString.lowercased()), "report": .string(report.report.rawValue)]
        )
        var response = try JSONResponse.make(
            Accepted(job: .init(id: id, kind: ReportRequest.jobKind, status: "queued", statusURL: path), downloadURL: path + "/download"),
            status: .accepted
        )
        response.headers[.location] = path
        return response
    }

    /// What can only be checked against the workspace: the filters in its zone, the campaigns and the segment.
    func validate(_ report: ReportRequest, workspaceID: UUID) async throws {
        let workspace = try await analytics.workspace(workspaceID)
        let filter = try report.filter(timeZone: workspace.timeZone)
        if let segmentID = filter.segmentID, try await !analytics.segmentExists(workspaceID, segmentID) {
            throw APIError.invalid("filters.segment_id", "segment_id names no saved segment of this workspace", code: "unknown_segment")
        }
        let named = filter.campaignIDs + [report.campaignID].compactMap { $0 } + report.campaignIDs
        let found = Set(try await analytics.campaigns(workspaceID, ids: named, limit: named.count + 1).map(\.id))
        if let id = report.campaignID, !found.contains(id) {
            throw APIError.invalid("campaign_id", "campaign \(id.uuidString.lowercased()) was not found in this workspace", code: "unknown_campaign")
        }
        if let index = report.campaignIDs.firstIndex(where: { !found.contains($0) }) {
            let id = report.campaignIDs[index].uuidString.lowercased()
            throw APIError.invalid("campaign_ids[\(index)]", "campaign \(id) was not found in this workspace", code: "unknown_campaign")
        }
        if let id = filter.campaignIDs.first(where: { !found.contains($0) }) {
            throw APIError.invalid(
                "filters.campaign_id",
                "campaign \(id.uuidString.lowercased()) was not found in this workspace",
                code: "unknown_campaign"
            )
        }
    }

    @Sendable func download(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try context.parameters.uuid("id", what: "job")
        return try await ReportDownload(reports: reports).response(jobID: id, workspaceID: context.access.workspaceID)
    }
}
