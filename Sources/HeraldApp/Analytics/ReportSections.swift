import Analytics
import Foundation

/// The sections reports share, made from the same figures the metrics endpoints answer with.
enum ReportSections {
    /// Key figures as cards: counts, rates with their bases, money and returns.
    static func keyMetrics(_ summary: MetricsSummary, title: String = "Key metrics", campaign: String? = nil) -> ReportSection {
        let m = summary.metrics
        let c = m.counts
        let currency = summary.currency
        func card(_ label: String, _ cell: ReportTable.Cell, currency: String? = nil) -> ReportMetric {
            ReportMetric(label: label, display: cell.display, value: cell.value ?? cell.display, base: cell.base, currency: currency)
        }
        var costPerMessage = ReportText.cost(m.costPerMessage.micros, currency)
        costPerMessage.base = "of \(ChartFormat.grouped(m.costPerMessage.count)) delivered"
        var costPerConversion = ReportText.cost(m.costPerConversion.micros, currency)
        costPerConversion.base = "of \(ChartFormat.grouped(m.costPerConversion.count)) converted"
        let metrics = [
            card("Sent", ReportText.count(c.sent)), card("Delivered", ReportText.count(c.delivered)), card("Read", ReportText.count(c.read)),
            card("Clicked", ReportText.count(c.clicked)), card("Replied", ReportText.count(c.replied)), card("Failed", ReportText.count(c.failed)),
            card("Converted", ReportText.count(c.converted)), card("Orders", ReportText.count(c.orders)),
            card("Delivery rate", ReportText.rate(m.rates.delivery)), card("Read rate", ReportText.rate(m.rates.read)),
            card("Click rate", ReportText.rate(m.rates.click)), card("Reply rate", ReportText.rate(m.rates.reply)),
            card("Conversion rate", ReportText.rate(m.rates.conversion)),
            card("Cost", ReportText.cost(m.costMicros, currency), currency: currency),
            card("Cost per message", costPerMessage, currency: currency), card("Cost per conversion", costPerConversion, currency: currency),
            card("Revenue", ReportText.revenue(m.revenueMicros, currency), currency: currency), card("ROI", ReportText.roi(m.roi)),
            card("Return on spend", ReportText.multiple(m.returnOnSpend)),
        ]
        return .metrics(ReportMetrics(title: title, campaign: campaign, metrics: metrics))
    }

    /// Sent → delivered → read → clicked → converted, each with its share of sent.
    static func funnel(_ c: MetricCounts) -> ReportSection {
        let steps: [(String, Int64)] = [
            ("Sent", c.sent), ("Delivered", c.delivered), ("Read", c.read), ("Clicked", c.clicked), ("Converted", c.converted),
        ]
        let bars = steps.enumerated().map { index, step in
            FunnelBar(label: step.0, count: step.1, fraction: index == 0 || c.sent == 0 ? nil : Double(step.1) / Double(c.sent))
        }
        return .chart(.funnel(title: "Funnel", bars: bars))
    }

    /// Delivery, read and click rates by period; nil without periods.
    static func trend(_ points: [(start: Date, delivery: Rate, read: Rate, click: Rate)], filter: AnalyticsFilter) -> ReportSection? {
        guard !points.isEmpty else { return nil }
        let hourly = filter.granularity == .hour
        let labels = points.map { ReportText.period($0.start, zone: filter.timeZone, hourly: hourly) }
        let series = [
            ChartSeries(name: "Delivery rate", values: points.map(\.delivery.value)),
            ChartSeries(name: "Read rate", values: points.map(\.read.value)),
            ChartSeries(name: "Click rate", values: points.map(\.click.value)),
        ]
        return .chart(.trend(title: hourly ? "Rates by hour" : "Rates by day", xLabels: labels, series: series, valueFormat: .percent))
    }

    /// One row per group (variation, segment, top campaign) with its main figures; `first` is the naming column.
    static func summaryTable(
        _ title: String,
        first: ReportTable.Column,
        rows: [(name: String, summary: MetricsSummary)],
        extra: [ReportTable.Column] = [],
        extraCells: [[ReportTable.Cell]] = []
    ) -> ReportSection {
        let currency = rows.first?.summary.currency
        let columns =
            [first] + extra + [
                ReportTable.Column("Sent", role: .value, alignment: .trailing), ReportTable.Column("Delivered", role: .value, alignment: .trailing),
                ReportTable.Column("Read rate", role: .value, alignment: .trailing),
                ReportTable.Column("Click rate", role: .value, alignment: .trailing),
                ReportTable.Column("Conversion rate", role: .value, alignment: .trailing),
                ReportTable.Column("Cost", role: .value, alignment: .trailing, currency: currency),
                ReportTable.Column("Revenue", role: .value, alignment: .trailing, currency: currency),
                ReportTable.Column("ROI", role: .value, alignment: .trailing),
            ]
        let cells: [[ReportTable.Cell]] = rows.enumerated().map { index, row in
            let m = row.summary.metrics
            let currency = row.summary.currency
            return [ReportTable.Cell(row.name)] + (index < extraCells.count ? extraCells[index] : []) + [
                ReportText.count(m.counts.sent), ReportText.count(m.counts.delivered), ReportText.rate(m.rates.read), ReportText.rate(m.rates.click),
                ReportText.rate(m.rates.conversion), ReportText.cost(m.costMicros, currency), ReportText.revenue(m.revenueMicros, currency),
                ReportText.roi(m.roi),
            ]
        }
        return .table(ReportTable(title: title, columns: columns, rows: cells))
    }

    /// Failed messages by Meta's error code (0: unknown); nil when nothing failed.
    static func failures(_ summary: MetricsSummary) -> ReportSection? {
        guard !summary.failedByCode.isEmpty else { return nil }
        return .table(
            ReportTable(
                title: "Failures by error code",
                columns: [ReportTable.Column("Error code", role: .label), ReportTable.Column("Failed", role: .value, alignment: .trailing)],
                rows: summary.failedByCode.map { [ReportTable.Cell($0.code == 0 ? "unknown" : String($0.code)), ReportText.count($0.count)] }
            )
        )
    }

    /// Money in currencies without a rate to the report currency, left out of every total above; nil when none.
    static func unconverted(_ summary: MetricsSummary) -> ReportSection? {
        guard !summary.unconverted.isEmpty else { return nil }
        return .table(
            ReportTable(
                title: "Not converted (no rate to \(summary.currency)): left out of the totals",
                columns: [
                    ReportTable.Column("Currency", role: .label), ReportTable.Column("Cost", role: .value, alignment: .trailing),
                    ReportTable.Column("Revenue", role: .value, alignment: .trailing),
                ],
                rows: summary.unconverted.map {
                    [
                        ReportTable.Cell($0.currency), ReportTable.Cell(Micros.display($0.costMicros)),
                        ReportTable.Cell(Minor.display($0.revenueMinor, currency: $0.currency)),
                    ]
                }
            )
        )
    }
}
