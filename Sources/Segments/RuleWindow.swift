import Foundation

/// The period a purchase or engagement field counts.
///
/// JSON: `{"last_days": 60}` (relative: evaluated when the segment is used) or
/// `{"from": "2024-01-01", "to": "2024-03-31"}` (absolute, both days included, in the workspace's time zone).
public enum RuleWindow: Sendable, Hashable, Codable {
    case lastDays(Int)
    case between(from: CalendarDay, to: CalendarDay)

    /// Relative windows span 1 day to 10 years.
    public static let dayRange = 1...3650

    enum CodingKeys: String, CodingKey { case lastDays = "last_days", from, to }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let days = try container.decodeIfPresent(Int.self, forKey: .lastDays) {
            self = .lastDays(days)
        } else {
            self = .between(from: try container.decode(CalendarDay.self, forKey: .from), to: try container.decode(CalendarDay.self, forKey: .to))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .lastDays(let days): try container.encode(days, forKey: .lastDays)
        case .between(let from, let to):
            try container.encode(from, forKey: .from)
            try container.encode(to, forKey: .to)
        }
    }
}

/// A day of the calendar (`2024-05-01`), without a time or zone: rules name days, and the
/// workspace's time zone decides when a day starts.
public struct CalendarDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Parses `YYYY-MM-DD`; nil for anything else or an impossible date (`2024-02-30`).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year)
        else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = CalendarDay(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected a date like 2024-05-01"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public static func < (a: CalendarDay, b: CalendarDay) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// The instant this day starts in `timeZone`.
    public func start(in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(from: DateComponents(year: year, month: month, day: day))!
    }

    /// The instant the following day starts in `timeZone`: the exclusive end of this day.
    public func end(in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(byAdding: .day, value: 1, to: start(in: timeZone))!
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
