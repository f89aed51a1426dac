import Analytics
import Foundation

/// One period of a time series: the messages whose cohort falls in it (a range shows what messages sent in it did).
struct SeriesPoint: Sendable, Equatable {
    var start: Date
    var counts: MetricCounts
    var rates: MetricSet.Rates
}

struct VariationMetrics: Sendable, Equatable {
    /// The nil UUID for messages without a variation.
    var id: UUID
    var name: String?
    var summary: MetricsSummary
}

/// `GET /api/analytics/campaigns/{id}/metrics` (design 5.1).
struct CampaignMetricsReport: Sendable {
    var campaign: AnalyticsStore.CampaignName
    var filter: AnalyticsFilter
    /// Without dates in the query the campaign's whole life is shown, and the series spans its cells.
    var allTime: Bool
    var summary: MetricsSummary
    var byVariation: [VariationMetrics]
    var series: [SeriesPoint]
    var asOf: Date
    var rebuilding: Bool
}

extension AnalyticsStore {
    /// The campaign's metrics under `filter`; nil when the workspace has no such campaign.
    func campaignMetrics(_ workspaceID: UUID, campaignID: UUID, filter requested: AnalyticsFilter, now: Date = Date()) async throws
        -> CampaignMetricsReport?
    {
        guard let campaign = try await campaigns(workspaceID, ids: [campaignID]).first else { return nil }
        let workspace = try await workspace(workspaceID)
        var filter = requested
        filter.campaignIDs = [campaignID]
        let allTime = !filter.explicitRange
        let selection = CellSelection(workspaceID: workspaceID, filter: filter, allTime: allTime)
        let rows = try await tally(selection, by: [.variation, .bucket])
        var total = AnalyticsTally()
        var variations: [UUID: AnalyticsTally] = [:]
        for (key, t) in rows {
            total.add(t)
            variations[key.variationID ?? CellKey.noVariation, default: AnalyticsTally()].add(t)
        }
        if allTime, let first = rows.keys.compactMap(\.bucket).min(), let last = rows.keys.compactMap(\.bucket).max() {
            filter.startBucket = first
            filter.endBucket = last + Analytics.bucketSeconds
            if filter.granularity == .hour && filter.days > AnalyticsFilter.maxHourlyDays { filter.granularity = .day }
        }
        let names = try await variationNames(workspaceID, ids: variations.keys.filter { $0 != CellKey.noVariation })
        let byVariation = variations.map {
            VariationMetrics(id: $0.key, name: names[$0.key], summary: MetricsSummary($0.value, converter: workspace.converter))
        }
        .sorted { ($0.name ?? "\u{10FFFF}", $0.id.uuidString) < ($1.name ?? "\u{10FFFF}", $1.id.uuidString) }
        let series = allTime && rows.isEmpty ? [] : Self.series(rows, filter: filter)
        return CampaignMetricsReport(
            campaign: campaign, filter: filter, allTime: allTime, summary: MetricsSummary(total, converter: workspace.converter),
            byVariation: byVariation, series: series, asOf: now, rebuilding: workspace.rebuilding
        )
    }

    /// Counts by series period (local hour or day), every period in range present.
    static func series(_ rows: [TallyKey: AnalyticsTally], filter: AnalyticsFilter) -> [SeriesPoint] {
        var counts: [Int64: MetricCounts] = [:]
        var startOf: [Int64: Int64] = [:]
        let clock = filter.seriesClock()
        for (key, t) in rows {
            guard let bucket = key.bucket else { continue }
            let start: Int64
            if let known = startOf[bucket] { start = known } else { start = clock.start(of: bucket); startOf[bucket] = start }
            counts[start, default: MetricCounts()] += t.counts
        }
        return filter.seriesStarts().map { start in
            let c = counts[start] ?? MetricCounts()
            return SeriesPoint(start: Date(timeIntervalSince1970: TimeInterval(start)), counts: c, rates: MetricSet.rates(c))
        }
    }
}
