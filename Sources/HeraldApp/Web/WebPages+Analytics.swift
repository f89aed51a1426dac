import Analytics
import Foundation
import Hummingbird

/// The analytics pages (design 9): the dashboard, a campaign's drill-down and the comparison. Server-rendered and
/// driven by GET forms, so they work without script; every figure comes from `AnalyticsStore` and `RecipientStore`.
extension WebPages {
    var analytics: AnalyticsStore { AnalyticsStore(database: services.database) }

    /// A GET form's values by name (`+` is a space, names may repeat), empty ones dropped: a form's "All campaigns"
    /// sends `campaign_id=`.
    static func analyticsQuery(_ request: Request) -> [String: [String]] {
        var query: [String: [String]] = [:]
        for pair in (request.uri.query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                let spaced = $0.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            if parts.count == 2, !parts[1].isEmpty { query[parts[0], default: []].append(parts[1]) }
        }
        return query
    }

    /// The filter of `query` (only the filter's own keys), or the default one and the reason when a value is unusable.
    func analyticsFilter(_ query: [String: [String]], workspaceID: UUID, timeZone: TimeZone, now: Date) async throws -> (AnalyticsFilter, String?) {
        let own = query.filter { ["from", "to", "campaign_id", "country", "segment_id", "granularity"].contains($0.key) }
        do {
            let filter = try AnalyticsFilter.parse(own, timeZone: timeZone, now: now)
            if let segmentID = filter.segmentID, try await !analytics.segmentExists(workspaceID, segmentID) {
                return (try AnalyticsFilter.parse([:], timeZone: timeZone, now: now), "That segment is not one of this workspace's saved segments.")
            }
            return (filter, nil)
        } catch let invalid as AnalyticsFilter.Invalid {
            return (try AnalyticsFilter.parse([:], timeZone: timeZone, now: now), "\(invalid.message): showing the last 30 days instead.")
        }
    }

    @Sendable func analyticsOverview(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        let workspaceID = access.workspaceID, now = Date()
        let workspace = try await analytics.workspace(workspaceID)
        let query = Self.analyticsQuery(request)
        var (filter, problem) = try await analyticsFilter(query, workspaceID: workspaceID, timeZone: workspace.timeZone, now: now)
        if let id = filter.campaignIDs.first, try await analytics.campaigns(workspaceID, ids: [id]).isEmpty {
            filter.campaignIDs = []
            problem = "That campaign is not in this workspace."
        }
        let topBy = query["top_by"]?.first.flatMap(TopCampaignsBy.init(rawValue:)) ?? .ctr
        let report = try await analytics.overview(workspaceID, filter: filter, topBy: topBy, now: now)
        let page = AnalyticsOverviewPage(
            report: report, segments: try await analytics.segmentNames(workspaceID), countries: try await analytics.countries(workspaceID),
            timeZone: workspace.timeZone, now: now, problem: problem
        )
        return console.render("analytics", title: "Analytics", path: "/analytics", access: access, values: page.values)
    }
}

extension WebConsole {
    func addAnalyticsRoutes(to router: Router<AppRequestContext>, pages: WebPages) {
        router.get("analytics", use: pages.analyticsOverview)
    }
}
