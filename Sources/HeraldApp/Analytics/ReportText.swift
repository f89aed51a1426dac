import Analytics
import Foundation

/// How reports write dates, numbers and money: the same on every host (no locale), in the workspace's time zone.
enum ReportText {
    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

    /// "2026-05-01" → "1 May 2026".
    static func day(_ iso: String) -> String {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]) else { return iso }
        return "\(parts[2]) \(months[parts[1] - 1]) \(parts[0])"
    }

    /// "1 May 2026 – 31 May 2026" for a range, or "All time" for a campaign's whole life.
    static func range(_ filter: AnalyticsFilter, allTime: Bool) -> String {
        allTime ? "All time" : "\(day(filter.from)) – \(day(filter.to))"
    }

    /// "3 May 2026 14:05" in `zone`.
    static func time(_ date: Date, zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return "\(c.day ?? 0) \(months[(c.month ?? 1) - 1]) \(c.year ?? 0) " + String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }

    /// A series period's label: "1 May" by day, "1 May 14:00" by hour.
    static func period(_ date: Date, zone: TimeZone, hourly: Bool) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.month, .day, .hour], from: date)
        let day = "\(c.day ?? 0) \(months[(c.month ?? 1) - 1].prefix(3))"
        return hourly ? day + String(format: " %02d:00", c.hour ?? 0) : day
    }

    /// A number for programs: at most 6 decimals, no grouping ("0.412", "-0.25", "3").
    static func plain(_ value: Double) -> String {
        ChartFormat.decimal(value, decimals: 6).replacingOccurrences(of: ",", with: "")
    }

    static func count(_ value: Int64) -> ReportTable.Cell { ReportTable.Cell(ChartFormat.grouped(value), value: String(value)) }

    static func rate(_ rate: Rate) -> ReportTable.Cell {
        ReportTable.Cell(rate.value.map { ChartFormat.percent($0) } ?? "–", value: rate.value.map(plain) ?? "", base: base(rate))
    }

    /// "of 9,500 delivered".
    static func base(_ rate: Rate) -> String { "of \(ChartFormat.grouped(rate.denominator)) \(rate.base.rawValue)" }

    /// A cost in micro-units: "0.0250 USD" shown, "0.0250" written.
    static func cost(_ micros: Int64?, _ currency: String) -> ReportTable.Cell {
        guard let micros else { return ReportTable.Cell("–", value: "") }
        return ReportTable.Cell("\(Micros.display(micros)) \(currency)", value: Micros.display(micros))
    }

    /// Revenue in micro-units of the report currency, shown in its minor digits: "1234.56 BRL".
    static func revenue(_ micros: Int64, _ currency: String) -> ReportTable.Cell {
        let text = MoneyJSON.revenue(micros, currency).display
        return ReportTable.Cell("\(text) \(currency)", value: text)
    }

    /// ROI as a percentage ("150 %"), written as the ratio ("1.5").
    static func roi(_ value: Double?) -> ReportTable.Cell {
        ReportTable.Cell(value.map { ChartFormat.percent($0) } ?? "–", value: value.map(plain) ?? "")
    }

    /// Return on spend as a multiple ("2.5×").
    static func multiple(_ value: Double?) -> ReportTable.Cell {
        ReportTable.Cell(value.map { ChartFormat.decimal($0, decimals: 2) + "×" } ?? "–", value: value.map(plain) ?? "")
    }

    /// A download's name: letters (any script), digits and hyphens, so it is safe in a header and on every disk.
    static func filename(_ parts: [String], format: ReportRequest.Format) -> String {
        let words = parts.joined(separator: " ").precomposedStringWithCanonicalMapping.lowercased()
            .split(whereSeparator: { !($0.isLetter || $0.isNumber) })
        let stem = words.joined(separator: "-").prefix(120)
        return (stem.isEmpty ? "report" : String(stem)) + "." + format.rawValue
    }
}
