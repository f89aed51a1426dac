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

    @Sendable func analyticsCampaign(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        guard let campaignID = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw HTTPError(.notFound) }
        let workspaceID = access.workspaceID, now = Date()
        let workspace = try await analytics.workspace(workspaceID)
        var query = Self.analyticsQuery(request)
        query["campaign_id"] = nil
        query["segment_id"] = nil
        var (filter, problem) = try await analyticsFilter(query, workspaceID: workspaceID, timeZone: workspace.timeZone, now: now)
        if problem != nil { filter = try AnalyticsFilter.parse([:], timeZone: workspace.timeZone, now: now) }
        guard let report = try await analytics.campaignMetrics(workspaceID, campaignID: campaignID, filter: filter, now: now) else {
            throw HTTPError(.notFound)
        }
        var recipientFilter = RecipientFilter(search: query["q"]?.first, limit: 50)
        if let text = query["step"]?.first {
            if let step = RecipientStep(rawValue: text) { recipientFilter.step = step } else { problem = "There is no step called \(text)." }
        }
        recipientFilter.after = query["after"]?.first.flatMap(UUID.init(uuidString:))
        let recipients = try await RecipientStore(database: services.database).page(workspaceID: workspaceID, campaignID: campaignID, filter: recipientFilter)
        let page = AnalyticsCampaignPage(
            report: report, segments: try await analytics.segmentPerformance(workspaceID, campaignID: campaignID, now: now),
            recipients: recipients ?? RecipientPage(data: [], nextAfter: nil), recipientFilter: recipientFilter, problem: problem
        )
        var values = page.values
        values["countryOptions"] = try await analytics.countries(workspaceID).map {
            PickerOption(value: $0, label: $0, selected: $0 == report.filter.country).values
        }
        return console.render("analytics-campaign", title: "\(report.campaign.name) · Analytics", path: "/analytics", access: access, values: values)
    }
}

extension WebConsole {
    func addAnalyticsRoutes(to router: Router<AppRequestContext>, pages: WebPages) {
        router.get("analytics", use: pages.analyticsOverview)
        router.get("analytics/campaigns/{id}", use: pages.analyticsCampaign)
        router.get("analytics/compare", use: pages.analyticsCompare)
        router.post("analytics/export", use: pages.analyticsExport)
        router.get("settings/usage", use: pages.usage)
    }
}
