import Analytics
import Foundation

/// `/analytics`: the filter form (dates, 7/30/90-day links, campaign, country and segment pickers), metric cards, the
/// rate trend, top campaigns and the export menu.
struct AnalyticsOverviewPage {
    let report: OverviewReport
    let segments: [AnalyticsStore.SegmentName]
    let countries: [String]
    let timeZone: TimeZone
    let now: Date
    /// A filter value that could not be used: the page shows the default range and says why.
    let problem: String?

    /// The filter's own query (what the links and the export carry), without `top_by`.
    var filterQuery: PageQuery {
        var q = PageQuery()
        let f = report.filter
        if f.explicitRange {
            q.add("from", f.from)
            q.add("to", f.to)
        }
        q.add("campaign_id", f.campaignIDs.first.map(Self.id))
        q.add("country", f.country)
        q.add("segment_id", f.segmentID.map(Self.id))
        return q
    }

    static func id(_ id: UUID) -> String { id.uuidString.lowercased() }

    /// The last `days` local days, today included.
    func quickRange(_ days: Int) -> (from: String, to: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.date(byAdding: .day, value: -(days - 1), to: now)!
        func text(_ d: Date) -> String {
            let c = calendar.dateComponents([.year, .month, .day], from: d)
            return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        }
        return (text(start), text(now))
    }

    var values: [String: Any] {
        let f = report.filter
        let currency = report.summary.currency
        var values: [String: Any] = [
            "from": f.from, "to": f.to, "cards": MetricCard.cards(report.summary).map(\.values), "rebuilding": report.rebuilding,
            "filterAction": "/analytics", "campaignPicker": true, "segmentPicker": true, "showTopBy": true, "showQuickRanges": true,
        ]
        if let problem { values["filterProblem"] = problem }
        let selected = f.campaignIDs.first
        values["campaignOptions"] = report.campaigns.map { PickerOption(value: Self.id($0.id), label: $0.name, selected: $0.id == selected).values }
        values["countryOptions"] = countries.map { PickerOption(value: $0, label: $0, selected: $0 == f.country).values }
        values["segmentOptions"] = segments.map { PickerOption(value: Self.id($0.id), label: $0.name, selected: $0.id == f.segmentID).values }
        let topLabels: [TopCampaignsBy: String] = [.ctr: "Click rate", .conversionRate: "Conversion rate", .roi: "ROI"]
        values["topByOptions"] = TopCampaignsBy.allCases.map { PickerOption(value: $0.rawValue, label: topLabels[$0] ?? $0.rawValue, selected: $0 == report.topBy).values }
        values["topByLabel"] = topLabels[report.topBy] ?? ""
        values["quickRanges"] = [7, 30, 90].map { days -> [String: Any] in
            let range = quickRange(days)
            var q = PageQuery()
            q.add("from", range.from)
            q.add("to", range.to)
            for (name, value) in filterQuery.items where name != "from" && name != "to" { q.add(name, value) }
            if report.topBy != .ctr { q.add("top_by", report.topBy.rawValue) }
            return ["days": days, "href": q.url("/analytics"), "active": f.from == range.from && f.to == range.to]
        }
        let chart = RateTrendChart(report.series.map { ($0.start, $0.delivery, $0.read, $0.click) }, granularity: f.granularity, timeZone: timeZone)
        values["trendWide"] = chart.wide
        values["trendNarrow"] = chart.narrow
        values["topCampaigns"] = report.topCampaigns.map { top -> [String: Any] in
            let m = top.summary.metrics
            let value = report.topBy == .roi ? AnalyticsText.roi(top.value) : top.value.map { ChartFormat.percent($0) } ?? "–"
            return [
                "id": Self.id(top.campaign.id), "name": top.campaign.name, "delivered": AnalyticsText.count(top.delivered), "value": value,
                "clickRate": AnalyticsText.rate(m.rates.click), "conversionRate": AnalyticsText.rate(m.rates.conversion),
                "revenue": AnalyticsText.revenue(m.revenueMicros, currency),
            ]
        }
        values["hasTopCampaigns"] = !report.topCampaigns.isEmpty
        values["minimumDelivered"] = AnalyticsText.count(AnalyticsStore.topCampaignMinimumDelivered)
        var export = filterQuery
        export.add("top_by", report.topBy.rawValue)
        values["exportFields"] = [["name": "report", "value": "overview"]] + export.hidden
        values["unconverted"] = report.summary.unconverted.map(\.currency).joined(separator: ", ")
        return values
    }
}
