import Analytics
import Foundation

/// `/analytics/campaigns/{id}`: funnel bars with counts and percentages, money cards, the variation and segment tables,
/// and the recipient table with search, step filter, paging and the CSV link.
struct AnalyticsCampaignPage {
    let report: CampaignMetricsReport
    let segments: SegmentPerformanceReport?
    let recipients: RecipientPage
    let recipientFilter: RecipientFilter
    let problem: String?

    var id: String { report.campaign.id.uuidString.lowercased() }

    /// The date range of the page (none: the campaign's whole life), carried by the recipient search and the paging.
    var rangeQuery: PageQuery {
        var q = PageQuery()
        if report.filter.explicitRange {
            q.add("from", report.filter.from)
            q.add("to", report.filter.to)
        }
        q.add("country", report.filter.country)
        return q
    }

    var funnelBars: [FunnelBar] {
        let c = report.summary.metrics.counts
        let base = c.sent
        func bar(_ label: String, _ n: Int64) -> FunnelBar { FunnelBar(label: label, count: n, fraction: base == 0 ? nil : Double(n) / Double(base)) }
        return [
            FunnelBar(label: "Sent", count: c.sent), bar("Delivered", c.delivered), bar("Read", c.read), bar("Clicked", c.clicked),
            bar("Converted", c.converted),
        ]
    }

    var values: [String: Any] {
        let summary = report.summary, m = summary.metrics, currency = summary.currency
        var values: [String: Any] = [
            "id": id, "name": report.campaign.name, "status": report.campaign.status, "rebuilding": report.rebuilding,
            "from": report.filter.explicitRange ? report.filter.from : "", "to": report.filter.explicitRange ? report.filter.to : "",
            "allTime": report.allTime, "filterAction": "/analytics/campaigns/\(id)", "allTimeURL": "/analytics/campaigns/\(id)",
        ]
        if let problem { values["filterProblem"] = problem }
        let model = ChartModel.funnel(title: "Funnel of \(report.campaign.name)", bars: funnelBars)
        values["funnelWide"] = SVGRenderer.render(model, width: 640, height: 260)
        values["funnelNarrow"] = SVGRenderer.render(model, width: 360, height: 240)
        values["funnel"] = funnelBars.map { bar -> [String: Any] in
            ["label": bar.label, "count": AnalyticsText.count(bar.count), "percent": bar.fraction.map { ChartFormat.percent($0) } ?? "base"]
        }
        values["moneyCards"] = [
            MetricCard(key: "cost", label: "Cost", value: AnalyticsText.cost(m.costMicros, currency),
                       detail: m.costPerMessage.micros.map { "\(AnalyticsText.cost($0, currency)) per delivered" } ?? "nothing charged"),
            MetricCard(key: "revenue", label: "Revenue", value: AnalyticsText.revenue(m.revenueMicros, currency),
                       detail: "\(AnalyticsText.count(m.counts.orders)) orders · \(AnalyticsText.count(m.counts.refundedOrders)) refunded"),
            MetricCard(key: "roi", label: "ROI", value: AnalyticsText.roi(m.roi), detail: "(revenue − cost) ÷ cost"),
            MetricCard(key: "return_on_spend", label: "Return on spend", value: AnalyticsText.returnOnSpend(m.returnOnSpend), detail: "revenue ÷ cost"),
            MetricCard(key: "cost_per_conversion", label: "Cost per conversion",
                       value: m.costPerConversion.micros.map { AnalyticsText.cost($0, currency) } ?? "–",
                       detail: "\(AnalyticsText.count(m.counts.converted)) converted"),
        ].map(\.values)
        values["rates"] = [
            ("Delivery", m.rates.delivery), ("Read", m.rates.read), ("Click", m.rates.click), ("Reply", m.rates.reply), ("Conversion", m.rates.conversion),
        ].map { ["label": $0.0, "value": AnalyticsText.rate($0.1), "base": AnalyticsText.base($0.1)] }
        values["unconverted"] = summary.unconverted.map(\.currency).joined(separator: ", ")
        values["variations"] = report.byVariation.map { v -> [String: Any] in
            let vm = v.summary.metrics
            return [
                "name": v.id == CellKey.noVariation ? "(no variation)" : v.name ?? "(deleted variation)", "sent": AnalyticsText.count(vm.counts.sent),
                "delivered": AnalyticsText.count(vm.counts.delivered), "readRate": AnalyticsText.rate(vm.rates.read),
                "clickRate": AnalyticsText.rate(vm.rates.click), "conversionRate": AnalyticsText.rate(vm.rates.conversion),
                "cost": AnalyticsText.cost(vm.costMicros, currency), "revenue": AnalyticsText.revenue(vm.revenueMicros, currency),
                "roi": AnalyticsText.roi(vm.roi),
            ]
        }
        values["hasVariations"] = report.byVariation.contains { $0.id != CellKey.noVariation }
        values["segments"] = (segments?.segments ?? []).map { s -> [String: Any] in
            let sm = s.summary.metrics
            return [
                "id": s.id.uuidString.lowercased(), "name": s.name, "recipients": AnalyticsText.count(s.recipients),
                "delivered": AnalyticsText.count(sm.counts.delivered), "readRate": AnalyticsText.rate(sm.rates.read),
                "clickRate": AnalyticsText.rate(sm.rates.click), "conversionRate": AnalyticsText.rate(sm.rates.conversion),
                "revenue": AnalyticsText.revenue(sm.revenueMicros, currency),
            ]
        }
        values["hasSegments"] = !(segments?.segments.isEmpty ?? true)
        values.merge(recipientValues) { $1 }
        var export = rangeQuery
        export.add("campaign_id", id)
        values["exportFields"] = [["name": "report", "value": "campaign"]] + export.hidden
        return values
    }

    var recipientValues: [String: Any] {
        let f = recipientFilter
        var values: [String: Any] = [
            "q": f.search ?? "",
            "stepOptions": RecipientStep.allCases.map { PickerOption(value: $0.rawValue, label: $0.rawValue, selected: $0 == f.step).values },
            "recipients": recipients.data.map { r -> [String: Any] in
                let milestone = r.convertedAt ?? r.clickedAt ?? r.readAt ?? r.deliveredAt ?? r.failedAt ?? r.sentAt
                return [
                    "contactID": r.contactID.uuidString.lowercased(), "name": r.name ?? "(no name)", "address": r.address ?? "",
                    "variation": r.variation?.name ?? "", "country": r.country ?? "", "step": r.step.rawValue,
                    "at": milestone.map(WebPages.display) ?? "", "error": r.errorCode.map { "error \($0)" } ?? "",
                ]
            },
            "hasRecipients": !recipients.data.isEmpty,
        ]
        var search = PageQuery()
        search.add("q", f.search)
        search.add("step", f.step?.rawValue)
        values["csvURL"] = search.url("/api/analytics/campaigns/\(id)/recipients.csv")
        if let next = recipients.nextAfter {
            var q = rangeQuery
            for (name, value) in search.items { q.add(name, value) }
            q.add("after", next)
            values["nextURL"] = q.url("/analytics/campaigns/\(id)") + "#recipients"
        }
        if f.after != nil {
            var q = rangeQuery
            for (name, value) in search.items { q.add(name, value) }
            values["firstURL"] = q.url("/analytics/campaigns/\(id)") + "#recipients"
        }
        values["rangeFields"] = rangeQuery.hidden
        return values
    }
}
