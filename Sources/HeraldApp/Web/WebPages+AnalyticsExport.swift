import Foundation
import Hummingbird

extension WebPages {
    /// `POST /analytics/export`: the export menu's form. Its hidden fields become the API's body (the same checks and
    /// job as `POST /api/analytics/reports/export`); the answer is the report's page, which waits for the file.
    @Sendable func analyticsExport(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        let text = String(buffer: try await request.collectBodyOrFail(context: context))
        var fields: [String: [String]] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                let spaced = $0.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            if parts.count == 2, !parts[1].isEmpty { fields[parts[0], default: []].append(parts[1]) }
        }
        guard let sent = fields["_csrf"]?.first, let expected = access.csrfToken, Tokens.constantTimeEquals(sent, expected) else {
            throw APIError(.forbidden, "csrf", "the form has expired; reload the page and try again")
        }
        var body: [String: JSONValue] = [:]
        for key in ["format", "report", "campaign_id", "top_by"] { if let value = fields[key]?.first { body[key] = .string(value) } }
        if let ids = fields["campaign_ids"] { body["campaign_ids"] = .array(ids.map(JSONValue.string)) }
        var filters: [String: JSONValue] = [:]
        for key in ReportRequest.filterKeys.sorted() {
            guard let values = fields[key] else { continue }
            filters[key] = key == "campaign_id" ? .array(values.map(JSONValue.string)) : .string(values[0])
        }
        if !filters.isEmpty { body["filters"] = .object(filters) }
        // `campaign_id` is the drill-down's campaign for a campaign report and a filter of the overview.
        if fields["report"]?.first == "overview", let campaign = body.removeValue(forKey: "campaign_id") {
            filters["campaign_id"] = .array([campaign])
            body["filters"] = .object(filters)
        } else if fields["report"]?.first == "campaign" {
            filters["campaign_id"] = nil
            body["filters"] = filters.isEmpty ? nil : .object(filters)
        }
        let report = try ReportRequest(body: .object(body), now: Date())
        let reports = ReportStore(database: services.database)
        try await ReportController(analytics: analytics, reports: reports).validate(report, workspaceID: access.workspaceID)
        let id = UUID()
        try await reports.enqueue(report, workspaceID: access.workspaceID, id: id)
        return .redirect(to: "/analytics/reports/\(id.uuidString.lowercased())", type: .found)
    }
}
