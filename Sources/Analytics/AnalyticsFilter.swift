import Foundation

/// What a dashboard, campaign or comparison reading is restricted to: a range of whole days in the workspace's time
/// zone (turned into UTC quarter-hour buckets, so DST days have 92 or 100), campaigns, a variation, a country and a
/// segment (recipients who are members now), plus the step of the time series.
public struct AnalyticsFilter: Sendable, Equatable {
    public enum Granularity: String, Sendable, Codable { case hour, day }

    /// A query value that cannot be used, with the parameter's name.
    public struct Invalid: Error, Equatable {
        public let field: String
        public let message: String
    }

    /// Inclusive local dates, `YYYY-MM-DD`.
    public var from: String
    public var to: String
    /// Whether the range came from the query (else the last ``defaultDays`` days).
    public var explicitRange: Bool
    public var timeZone: TimeZone
    /// First bucket in range and the first after it (Unix seconds).
    public var startBucket: Int64
    public var endBucket: Int64
    public var granularity: Granularity
    public var campaignIDs: [UUID] = []
    public var variationID: UUID?
    /// ISO 3166 alpha-2, upper case.
    public var country: String?
    public var segmentID: UUID?

    public static let defaultDays = 30
    /// Series step by hour is offered up to this many days; longer ranges are by day.
    public static let maxHourlyDays = 31
    static let maxDays = 3660
    /// Campaign filters are bound one parameter each; far below either engine's limit.
    public static let maxCampaigns = 500
    /// Ranges of up to this many days default to an hourly series.
    static let hourlyUpToDays = 3

    public var days: Int { Int((endBucket - startBucket + 43_200) / 86_400) }

    /// Reads the filter from query parameters (`from`, `to`, `campaign_id` repeatable, `variation_id`, `country`,
    /// `segment_id`, `granularity`); other parameters are left to the caller.
    public static func parse(_ query: [String: [String]], timeZone: TimeZone, now: Date) throws(Invalid) -> AnalyticsFilter {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        func single(_ name: String) throws(Invalid) -> String? {
            guard let values = query[name], !values.isEmpty else { return nil }
            guard values.count == 1 else { throw Invalid(field: name, message: "\(name) may be given once") }
            return values[0]
        }
        func date(_ name: String) throws(Invalid) -> DateComponents? {
            guard let text = try single(name) else { return nil }
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
                let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
                let start = calendar.date(from: DateComponents(year: y, month: m, day: d)),
                calendar.dateComponents([.year, .month, .day], from: start) == DateComponents(year: y, month: m, day: d)
            else { throw Invalid(field: name, message: "\(name) must be a date as YYYY-MM-DD") }
            return DateComponents(year: y, month: m, day: d)
        }
        func uuid(_ name: String, _ text: String) throws(Invalid) -> UUID {
            guard let id = UUID(uuidString: text) else { throw Invalid(field: name, message: "\(name) must be an id") }
            return id
        }

        let today = calendar.dateComponents([.year, .month, .day], from: now)
        let fromGiven = try date("from"), toGiven = try date("to")
        let toDay = toGiven ?? today
        guard let toStart = calendar.date(from: toDay), let end = calendar.date(byAdding: .day, value: 1, to: toStart) else {
            throw Invalid(field: "to", message: "to is out of range")
        }
        let fromDay =
            fromGiven ?? calendar.dateComponents([.year, .month, .day], from: calendar.date(byAdding: .day, value: -(defaultDays - 1), to: toStart)!)
        guard let start = calendar.date(from: fromDay) else { throw Invalid(field: "from", message: "from is out of range") }
        guard start < end else { throw Invalid(field: "to", message: "to must not be before from") }

        var filter = AnalyticsFilter(
            from: Self.text(fromDay), to: Self.text(toDay), explicitRange: fromGiven != nil || toGiven != nil, timeZone: timeZone,
            startBucket: Analytics.bucket(unixSeconds: start.timeIntervalSince1970),
            endBucket: Analytics.bucket(unixSeconds: end.timeIntervalSince1970),
            granularity: .day
        )
        guard filter.days <= maxDays else { throw Invalid(field: "from", message: "a range may span at most \(maxDays) days") }
        switch try single("granularity") {
        case nil: filter.granularity = filter.days <= hourlyUpToDays ? .hour : .day
        case let text?:
            guard let g = Granularity(rawValue: text) else { throw Invalid(field: "granularity", message: "granularity must be hour or day") }
            guard g == .day || filter.days <= maxHourlyDays else {
                throw Invalid(field: "granularity", message: "an hourly series covers at most \(maxHourlyDays) days")
            }
            filter.granularity = g
        }
        let campaigns = query["campaign_id"] ?? []
        guard campaigns.count <= maxCampaigns else { throw Invalid(field: "campaign_id", message: "at most \(maxCampaigns) campaigns") }
        for text in campaigns { filter.campaignIDs.append(try uuid("campaign_id", text)) }
        if let text = try single("variation_id") { filter.variationID = try uuid("variation_id", text) }
        if let text = try single("segment_id") { filter.segmentID = try uuid("segment_id", text) }
        if let text = try single("country") {
            guard text.count == 2, text.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw Invalid(field: "country", message: "country must be a two-letter ISO 3166 code")
            }
            filter.country = text.uppercased()
        }
        return filter
    }

    static func text(_ day: DateComponents) -> String {
        String(format: "%04d-%02d-%02d", day.year ?? 0, day.month ?? 0, day.day ?? 0)
    }

    /// The start (Unix seconds) of the series period that holds `bucket`: its local hour or local day.
    public func seriesStart(of bucket: Int64) -> Int64 { seriesClock().start(of: bucket) }

    /// What finds series periods, made once per reading: a calendar made for every bucket of a year's daily series
    /// (35,040 quarter hours) cost the 365-day overview about 100 ms (docs/benchmarks.md, "Analytics (issue 12)").
    public func seriesClock() -> SeriesClock { SeriesClock(granularity: granularity, timeZone: timeZone) }

    /// The start of every series period in range, in order (empty periods included).
    public func seriesStarts() -> [Int64] {
        let clock = seriesClock()
        var starts: [Int64] = []
        var bucket = startBucket
        while bucket < endBucket {
            let start = clock.start(of: bucket)
            if starts.last != start { starts.append(start) }
            // A local day lasts at least 23 hours (a spring-forward day), so the next one starts no sooner.
            bucket = granularity == .day ? max(bucket + Analytics.bucketSeconds, start + 23 * 3600) : bucket + Analytics.bucketSeconds
        }
        return starts
    }
}

/// The start of the series period (local hour or local day) that holds a bucket.
public struct SeriesClock: Sendable {
    public let granularity: AnalyticsFilter.Granularity
    private let timeZone: TimeZone
    private let calendar: Calendar

    init(granularity: AnalyticsFilter.Granularity, timeZone: TimeZone) {
        self.granularity = granularity
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    public func start(of bucket: Int64) -> Int64 {
        let instant = Date(timeIntervalSince1970: TimeInterval(bucket))
        switch granularity {
        case .hour:
            let offset = Int64(timeZone.secondsFromGMT(for: instant))
            let local = bucket + offset
            return bucket - (local - Int64((Double(local) / 3600).rounded(.down)) * 3600)
        case .day:
            return Int64(calendar.startOfDay(for: instant).timeIntervalSince1970)
        }
    }
}
