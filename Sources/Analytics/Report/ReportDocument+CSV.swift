import Foundation

extension ReportDocument {
    /// The report as one long table, `section,campaign,variation,metric,value,base,currency`, so any CSV reader
    /// (and Python's csv module) parses it: a row per metric card, funnel step, trend point and table value.
    public func csv() -> String {
        var out = ReportCSV.row(["section", "campaign", "variation", "metric", "value", "base", "currency"])
        for section in sections {
            for record in section.csvRecords() {
                out += ReportCSV.row(record)
            }
        }
        return out
    }
}

extension ReportSection {
    func csvRecords() -> [[String]] {
        switch self {
        case .metrics(let group):
            return group.metrics.map {
                [group.title, group.campaign ?? "", group.variation ?? "", $0.label, $0.value, $0.base ?? "", $0.currency ?? ""]
            }
        case .chart(let chart):
            switch chart.kind {
            case .funnel(let bars):
                return bars.map { [chart.title, "", "", $0.label, String($0.count), "", ""] }
            case .trend(let labels, let series):
                var records: [[String]] = []
                for (index, label) in labels.enumerated() {
                    for line in series where index < line.values.count {
                        guard let value = line.values[index], value.isFinite else { continue }
                        records.append(["\(chart.title): \(label)", "", "", line.name, ChartFormat.plain(value, decimals: 6), "", ""])
                    }
                }
                return records
            }
        case .table(let table):
            return table.csvRecords()
        }
    }
}

extension ReportTable {
    func csvRecords() -> [[String]] {
        var records: [[String]] = []
        for row in rows {
            func first(_ role: Column.Role) -> String? {
                columns.indices.first { columns[$0].role == role }.map { cell(row, $0).csvValue }
            }
            let labels = columns.indices.filter { columns[$0].role == .label }.map { cell(row, $0).display }
            let section = labels.isEmpty ? title : "\(title): " + labels.joined(separator: " · ")
            for (index, column) in columns.enumerated() where column.role == .value {
                let value = cell(row, index)
                records.append([
                    section, column.campaign ?? first(.campaign) ?? "", first(.variation) ?? "", first(.metric) ?? column.title,
                    value.csvValue, value.base ?? column.base ?? "", column.currency ?? "",
                ])
            }
        }
        return records
    }
}
