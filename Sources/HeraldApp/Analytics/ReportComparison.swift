import Analytics
import Foundation

/// The comparison as a table: a row per metric, a column per campaign, the best values marked with ★ in the PDF and
/// named in the `Best` column (the CSV keeps numbers plain).
enum ReportComparison {
    static let labels: [String: String] = [
        "sent": "Sent", "delivered": "Delivered", "read": "Read", "clicked": "Clicked", "clicks": "Clicks", "replied": "Replied", "failed": "Failed",
        "converted": "Converted", "orders": "Orders", "delivery_rate": "Delivery rate", "read_rate": "Read rate", "click_rate": "Click rate",
        "reply_rate": "Reply rate", "conversion_rate": "Conversion rate", "cost": "Cost", "cost_per_message": "Cost per message",
        "cost_per_conversion": "Cost per conversion", "revenue": "Revenue", "roi": "ROI", "return_on_spend": "Return on spend",
    ]

    static func table(_ report: ComparisonReport) -> ReportSection {
        let names = report.campaigns.map(\.name)
        var columns = [ReportTable.Column("Metric", role: .metric)]
        columns += names.map { ReportTable.Column($0, role: .value, alignment: .trailing, campaign: $0) }
        columns.append(ReportTable.Column("Best", role: .value))
        let rows: [[ReportTable.Cell]] = report.rows.map { row in
            var cells = [ReportTable.Cell(labels[row.metric] ?? row.metric, value: row.metric)]
            for index in names.indices {
                var cell = value(row, index, currency: report.currency)
                if row.best.contains(index) { cell.display += " ★" }
                cells.append(cell)
            }
            cells.append(ReportTable.Cell(row.best.filter { $0 < names.count }.map { names[$0] }.joined(separator: ", ")))
            return cells
        }
        return .table(ReportTable(title: "Comparison (★ best)", columns: columns, rows: rows))
    }

    static func value(_ row: ComparisonRow, _ index: Int, currency: String) -> ReportTable.Cell {
        let value = index < row.values.count ? row.values[index] : nil
        switch row.unit {
        case .count: return value.map { ReportText.count(Int64($0)) } ?? ReportTable.Cell("–", value: "")
        case .rate:
            if let rates = row.rates, index < rates.count { return ReportText.rate(rates[index]) }
            return ReportTable.Cell("–", value: "")
        case .micros:
            guard let micros = value.map({ Int64($0) }) else { return ReportTable.Cell("–", value: "") }
            return row.metric == "revenue" ? ReportText.revenue(micros, currency) : ReportText.cost(micros, currency)
        case .ratio: return row.metric == "roi" ? ReportText.roi(value) : ReportText.multiple(value)
        }
    }
}
