import Foundation

/// A report as data: what the export job fills from the analytics endpoints, rendered as PDF (`pdf()`) or as one
/// long CSV table (`csv()`). Both renderings show the same sections in the same order.
public struct ReportDocument: Sendable {
    /// "Spring sale — campaign report".
    public var title: String
    /// The filters in words, one line: "1 May 2026 – 31 May 2026 · Country: BR".
    public var filters: String
    /// When the figures were read; also the PDF's creation date, so the same report gives the same bytes.
    public var generatedAt: Date
    public var sections: [ReportSection]

    public init(title: String, filters: String, generatedAt: Date, sections: [ReportSection]) {
        self.title = title
        self.filters = filters
        self.generatedAt = generatedAt
        self.sections = sections
    }
}

public enum ReportSection: Sendable {
    /// Metric cards in a grid.
    case metrics(ReportMetrics)
    /// A funnel or trend chart, drawn as vector graphics.
    case chart(ChartModel)
    /// A table; long ones continue over pages with their header repeated.
    case table(ReportTable)
}

/// A titled group of key figures, optionally for one campaign or variation (CSV columns `campaign`, `variation`).
public struct ReportMetrics: Sendable {
    public var title: String
    public var campaign: String?
    public var variation: String?
    public var metrics: [ReportMetric]

    public init(title: String, campaign: String? = nil, variation: String? = nil, metrics: [ReportMetric]) {
        self.title = title
        self.campaign = campaign
        self.variation = variation
        self.metrics = metrics
    }
}

/// One key figure: shown as `display` on its card, written as `value` in the CSV.
public struct ReportMetric: Sendable {
    /// "Read rate".
    public var label: String
    /// As people read it: "63.2 %", "1,234.56 BRL".
    public var display: String
    /// As programs read it: "0.6316", "1234.56" (a plain decimal number, or text).
    public var value: String
    /// What a rate is of, shown under the value and written to the CSV's `base`: "of 9,500 delivered".
    public var base: String?
    /// ISO currency of a money value.
    public var currency: String?

    public init(label: String, display: String, value: String, base: String? = nil, currency: String? = nil) {
        self.label = label
        self.display = display
        self.value = value
        self.base = base
        self.currency = currency
    }
}
