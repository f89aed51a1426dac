import Analytics
import Foundation

/// One period of the dashboard's trend chart.
struct TrendPoint: Sendable, Equatable {
    var start: Date
    var delivery: Rate
    var read: Rate
    var click: Rate
}

/// What the dashboard's top campaigns are ranked by.
enum TopCampaignsBy: String, Sendable, CaseIterable {
    case ctr, conversionRate = "conversion_rate", roi
}

struct TopCampaign: Sendable, Equatable {
    var campaign: AnalyticsStore.CampaignName
    var delivered: Int64
    /// The ranking value: a rate's value or ROI.
    var value: Double?
    var summary: MetricsSummary
}

/// `GET /api/analytics/dashboard/overview` (design 5.3).
struct OverviewReport: Sendable {
    var filter: AnalyticsFilter
    var summary: MetricsSummary
    var series: [TrendPoint]
    var topBy: TopCampaignsBy
    var topCampaigns: [TopCampaign]
    /// The campaign picker: the workspace's campaigns, newest first.
    var campaigns: [AnalyticsStore.CampaignName]
    var asOf: Date
    var rebuilding: Bool
}

extension AnalyticsStore {
    /// Campaigns with fewer delivered messages in range are not ranked **(our threshold)**.
    static let topCampaignMinimumDelivered: Int64 = 100
    static let topCampaignCount = 5

    func overview(_ workspaceID: UUID, filter: AnalyticsFilter, topBy: TopCampaignsBy, now: Date = Date()) async throws -> OverviewReport {
        let workspace = try await workspace(workspaceID)
        let rows = try await tally(CellSelection(workspaceID: workspaceID, filter: filter), by: [.campaign, .bucket])
        var total = AnalyticsTally()
        var byCampaign: [UUID: AnalyticsTally] = [:]
        for (key, t) in rows {
            total.add(t)
            if let id = key.campaignID { byCampaign[id, default: AnalyticsTally()].add(t) }
        }
        let series = Self.series(rows, filter: filter).map {
            TrendPoint(start: $0.start, delivery: $0.rates.delivery, read: $0.rates.read, click: $0.rates.click)
        }
        let picker = try await campaigns(workspaceID)
        let eligible = byCampaign.filter { $0.value.counts.delivered >= Self.topCampaignMinimumDelivered }
        let names = Dictionary(uniqueKeysWithValues: try await campaigns(workspaceID, ids: Array(eligible.keys)).map { ($0.id, $0) })
        let ranked: [TopCampaign] = eligible.compactMap { id, t in
            guard let name = names[id] else { return nil }
            let summary = MetricsSummary(t, converter: workspace.converter)
            let value: Double? =
                switch topBy {
                case .ctr: summary.metrics.rates.click.value
                case .conversionRate: summary.metrics.rates.conversion.value
                case .roi: summary.metrics.roi
                }
            return TopCampaign(campaign: name, delivered: t.counts.delivered, value: value, summary: summary)
        }
        // Highest first; campaigns without a value (no spend, for ROI) last; then by name for a stable order.
        let top = ranked.sorted { a, b in
            switch (a.value, b.value) {
            case let (x?, y?) where x != y: return x > y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return (a.campaign.name, a.campaign.id.uuidString) < (b.campaign.name, b.campaign.id.uuidString)
            }
        }
        return OverviewReport(
            filter: filter, summary: MetricsSummary(total, converter: workspace.converter), series: series, topBy: topBy,
            topCampaigns: Array(top.prefix(Self.topCampaignCount)), campaigns: picker, asOf: now, rebuilding: workspace.rebuilding
        )
    }
}
