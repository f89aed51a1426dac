import Analytics
import Foundation
import Hummingbird

extension WebPages {
    /// `/analytics/compare?ids=a&ids=b…`: the picker, and the comparison once 2 to 10 campaigns are ticked.
    @Sendable func analyticsCompare(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        let workspaceID = access.workspaceID, now = Date()
        let workspace = try await analytics.workspace(workspaceID)
        let query = Self.analyticsQuery(request)
        let texts = (query["ids"] ?? []).flatMap { $0.split(separator: ",").map(String.init) }
        let chosen = texts.compactMap(UUID.init(uuidString:))
        var (filter, problem) = try await analyticsFilter(
            query.filter { $0.key == "from" || $0.key == "to" }, workspaceID: workspaceID, timeZone: workspace.timeZone, now: now
        )
        var report: ComparisonReport?
        if chosen.count >= AnalyticsStore.compareLimits.lowerBound || texts.count > chosen.count {
            do { report = try await analytics.compare(workspaceID, ids: texts, filter: filter) } catch let error as ComparisonProblem {
                switch error {
                case .tooFew: problem = "Tick at least \(AnalyticsStore.compareLimits.lowerBound) campaigns."
                case .tooMany: problem = "Compare at most \(AnalyticsStore.compareLimits.upperBound) campaigns at a time."
                case .unknownCampaign: problem = "One of those campaigns is not in this workspace."
                }
            }
        } else {
            filter.campaignIDs = []
        }
        let page = AnalyticsComparePage(
            report: report, campaigns: try await analytics.campaigns(workspaceID), chosen: chosen,
            problem: problem ?? (report == nil ? nil : nil)
        )
        var values = page.values
        values["from"] = filter.explicitRange ? filter.from : ""
        values["to"] = filter.explicitRange ? filter.to : ""
        values["pickHint"] = report == nil && problem == nil
        return console.render("analytics-compare", title: "Compare campaigns", path: "/analytics", access: access, values: values)
    }
}
