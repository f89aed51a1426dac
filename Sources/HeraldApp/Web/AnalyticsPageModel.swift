import Analytics
import Foundation

/// How the analytics pages write numbers: counts grouped, rates as percentages with their base, money in the report
/// currency (costs with 4 to 6 decimals, revenue in minor digits), ROI as a percentage and return on spend as "×".
enum AnalyticsText {
    static func count(_ n: Int64) -> String { ChartFormat.grouped(n) }

    static func rate(_ rate: Rate) -> String { rate.value.map { ChartFormat.percent($0) } ?? "–" }

    /// "412 of 1,000 delivered".
    static func base(_ rate: Rate) -> String { "\(count(rate.numerator)) of \(count(rate.denominator)) \(rate.base.rawValue)" }

    static func cost(_ micros: Int64, _ currency: String) -> String { MoneyJSON.cost(micros, currency).display + " " + currency }

    static func revenue(_ micros: Int64, _ currency: String) -> String { MoneyJSON.revenue(micros, currency).display + " " + currency }

    static func roi(_ value: Double?) -> String { value.map { ChartFormat.percent($0, decimals: 0) } ?? "–" }

    static func returnOnSpend(_ value: Double?) -> String { value.map { ChartFormat.decimal($0, decimals: 2) + "×" } ?? "–" }
}

/// One metric card: a label, the figure and a small line saying what it is of.
struct MetricCard {
    let key: String
    let label: String
    let value: String
    let detail: String

    var values: [String: Any] { ["key": key, "label": label, "value": value, "detail": detail] }

    /// The dashboard's and drill-down's cards: counts with their rates and bases, revenue, cost and ROI.
    static func cards(_ summary: MetricsSummary) -> [MetricCard] {
        let m = summary.metrics, r = m.rates, c = m.counts, currency = summary.currency
        func step(_ key: String, _ label: String, _ n: Int64, _ rate: Rate) -> MetricCard {
            MetricCard(key: key, label: label, value: AnalyticsText.count(n), detail: "\(AnalyticsText.rate(rate)) · \(AnalyticsText.base(rate))")
        }
        return [
            MetricCard(key: "sent", label: "Sent", value: AnalyticsText.count(c.sent), detail: "\(AnalyticsText.count(c.failed)) failed"),
            step("delivered", "Delivered", c.delivered, r.delivery), step("read", "Read", c.read, r.read),
            step("clicked", "Clicked", c.clicked, r.click), step("replied", "Replied", c.replied, r.reply),
            step("converted", "Converted", c.converted, r.conversion),
            MetricCard(
                key: "revenue", label: "Revenue", value: AnalyticsText.revenue(m.revenueMicros, currency),
                detail: "\(AnalyticsText.count(c.orders)) orders, refunds excluded"
            ),
            MetricCard(
                key: "cost", label: "Cost", value: AnalyticsText.cost(m.costMicros, currency),
                detail: m.costPerMessage.micros.map { "\(AnalyticsText.cost($0, currency)) per delivered" } ?? "nothing charged"
            ),
            MetricCard(
                key: "roi", label: "ROI", value: AnalyticsText.roi(m.roi),
                detail: m.roi == nil ? "no spend to return on" : "(revenue − cost) ÷ cost · return on spend \(AnalyticsText.returnOnSpend(m.returnOnSpend))"
            ),
        ]
    }
}

/// The trend chart of delivery, read and click rates, drawn twice (640 and 360 wide) for a media query to choose.
struct RateTrendChart {
    let wide: String
    let narrow: String

    init(_ points: [(start: Date, delivery: Rate, read: Rate, click: Rate)], granularity: AnalyticsFilter.Granularity, timeZone: TimeZone) {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = granularity == .hour ? "d MMM HH:mm" : "d MMM"
        let model = ChartModel.trend(
            title: "Delivery, read and click rates", xLabels: points.map { formatter.string(from: $0.start) },
            series: [
                ChartSeries(name: "Delivery", values: points.map(\.delivery.value)), ChartSeries(name: "Read", values: points.map(\.read.value)),
                ChartSeries(name: "Click", values: points.map(\.click.value)),
            ],
            valueFormat: .percent
        )
        wide = SVGRenderer.render(model, width: 640, height: 280)
        narrow = SVGRenderer.render(model, width: 360, height: 240)
    }
}

/// A `<select>` option.
struct PickerOption {
    let value: String
    let label: String
    let selected: Bool
    var values: [String: Any] { ["value": value, "label": label, "selected": selected] }
}

/// A URL query built in order, values percent-encoded.
struct PageQuery {
    private(set) var items: [(String, String)] = []

    mutating func add(_ name: String, _ value: String?) {
        if let value, !value.isEmpty { items.append((name, value)) }
    }

    func url(_ path: String) -> String {
        guard !items.isEmpty else { return path }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return path + "?" + items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.1)" }.joined(separator: "&")
    }

    /// Hidden form fields carrying the same values (the export menu's forms).
    var hidden: [[String: Any]] { items.map { ["name": $0.0, "value": $0.1] } }
}
