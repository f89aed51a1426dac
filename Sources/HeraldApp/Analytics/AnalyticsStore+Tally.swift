import Analytics
import Foundation

/// Money of a set of messages in one currency, as stored: cost in micro-units, revenue and refunds in minor units.
struct MoneyTotals: Sendable, Equatable {
    var costMicros: Int64 = 0
    var revenueMinor: Int64 = 0
    var refundedMinor: Int64 = 0

    static func + (a: MoneyTotals, b: MoneyTotals) -> MoneyTotals {
        MoneyTotals(
            costMicros: a.costMicros + b.costMicros, revenueMinor: a.revenueMinor + b.revenueMinor, refundedMinor: a.refundedMinor + b.refundedMinor)
    }
}

/// What a group of rollup cells (or message rows) adds up to, before currencies are converted.
struct AnalyticsTally: Sendable, Equatable {
    var counts = MetricCounts()
    /// By currency (upper case).
    var money: [String: MoneyTotals] = [:]
    /// Failed messages by error code (0 unknown).
    var failures: [Int: Int64] = [:]
    /// Messages counted (segment path only: the recipients of a segment).
    var messages: Int64 = 0

    mutating func add(_ other: AnalyticsTally) {
        counts += other.counts
        for (currency, m) in other.money { money[currency] = money[currency, default: MoneyTotals()] + m }
        for (code, n) in other.failures { failures[code, default: 0] += n }
        messages += other.messages
    }
}

/// How a reading is grouped: any of campaign, variation and bucket (and segment, on the message path).
struct TallyGrouping: OptionSet, Sendable, Hashable {
    let rawValue: Int
    static let campaign = TallyGrouping(rawValue: 1)
    static let variation = TallyGrouping(rawValue: 2)
    static let bucket = TallyGrouping(rawValue: 4)
    static let segment = TallyGrouping(rawValue: 8)
}

/// One group of a reading; the dimensions not grouped by are nil.
struct TallyKey: Hashable, Sendable {
    var campaignID: UUID?
    var variationID: UUID?
    var bucket: Int64?
    var segmentID: UUID?
}

/// The cells a reading covers: the workspace, a bucket range (none: all time) and the filter's dimensions.
struct CellSelection: Sendable {
    var workspaceID: UUID
    var buckets: Range<Int64>?
    var campaignIDs: [UUID] = []
    var variationID: UUID?
    var country: String?
    var segmentID: UUID?

    init(workspaceID: UUID, filter: AnalyticsFilter, allTime: Bool = false) {
        self.workspaceID = workspaceID
        self.buckets = allTime ? nil : filter.startBucket..<filter.endBucket
        self.campaignIDs = filter.campaignIDs
        self.variationID = filter.variationID
        self.country = filter.country
        self.segmentID = filter.segmentID
    }
}
