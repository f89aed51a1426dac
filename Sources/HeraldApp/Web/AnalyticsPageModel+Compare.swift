import Analytics
import Foundation

/// `/analytics/compare?ids=a&ids=b`: a checkbox picker of campaigns and, for 2 to 10 of them, one row per metric with
/// the best value of each row in bold with a ★ named "best" for screen readers.
struct AnalyticsComparePage {
    let report: ComparisonReport?
    let campaigns: [AnalyticsStore.CampaignName]
    let chosen: [UUID]
    let problem: String?

    static let labels: [String: String] = [
        "sent": "Sent", "delivered": "Delivered", "read": "Read", "clicked": "Clicked", "clicks": "Link clicks", "replied": "Replied",
        "failed": "Failed", "converted": "Converted", "orders": "Orders", "delivery_rate": "Delivery rate", "read_rate": "Read rate",
        "click_rate": "Click rate", "reply_rate": "Reply rate", "conversion_rate": "Conversion rate", "cost": "Cost",
        "cost_per_message": "Cost per delivered", "cost_per_conversion": "Cost per conversion", "revenue": "Revenue", "roi": "ROI",
        "return_on_spend": "Return on spend",
    ]

    static func text(_ row: ComparisonRow, _ index: Int, currency: String) -> String {
        guard let value = row.values[index] else { return "–" }
        switch row.unit {
        case .count: return AnalyticsText.count(Int64(value))
        case .rate: return row.rates.map { AnalyticsText.rate($0[index]) } ?? ChartFormat.percent(value)
        case .micros: return row.metric == "revenue" ? AnalyticsText.revenue(Int64(value), currency) : AnalyticsText.cost(Int64(value), currency)
        case .ratio: return row.metric == "roi" ? AnalyticsText.roi(value) : AnalyticsText.returnOnSpend(value)
        }
    }

    var values: [String: Any] {
        var values: [String: Any] = [
            "picker": campaigns.map {
                ["id": $0.id.uuidString.lowercased(), "name": $0.name, "status": $0.status, "checked": chosen.contains($0.id)] as [String: Any]
            },
        ]
        if let problem { values["problem"] = problem }
        values["hasReport"] = report != nil
        guard let report else { return values }
        values["compared"] = report.campaigns.map { ["id": $0.id.uuidString.lowercased(), "name": $0.name] }
        values["rows"] = report.rows.map { row -> [String: Any] in
            [
                "metric": row.metric, "label": Self.labels[row.metric] ?? row.metric,
                "cells": row.values.indices.map { index -> [String: Any] in
                    let detail = row.rates.map { AnalyticsText.base($0[index]) } ?? ""
                    return ["text": Self.text(row, index, currency: report.currency), "best": row.best.contains(index), "detail": detail]
                },
            ]
        }
        values["range"] = report.allTime ? "each campaign's whole life" : "messages sent from \(report.filter.from) to \(report.filter.to)"
        var export = PageQuery()
        export.add("report", "compare")
        for campaign in report.campaigns { export.add("campaign_ids", campaign.id.uuidString.lowercased()) }
        if report.filter.explicitRange {
            export.add("from", report.filter.from)
            export.add("to", report.filter.to)
        }
        values["exportFields"] = export.hidden
        return values
    }
}
