/// Every figure of a set of messages: counts, the rates with their bases, and money in micro-units of the report
/// currency (docs/design-analytics.md 5.1).
public struct MetricSet: Sendable, Equatable {
    public struct Rates: Sendable, Equatable, Codable {
        /// Delivered of sent.
        public var delivery: Rate
        /// Read, clicked, replied and converted messages of delivered.
        public var read: Rate
        public var click: Rate
        public var reply: Rate
        public var conversion: Rate
    }

    public var counts: MetricCounts
    public var rates: Rates
    public var costMicros: Int64
    public var revenueMicros: Int64
    public var refundedMicros: Int64
    /// Only delivered messages are charged, so cost per message is of delivered.
    public var costPerMessage: CostPer
    public var costPerConversion: CostPer
    /// (revenue − cost) / cost; nil when nothing was spent.
    public var roi: Double?
    /// revenue / cost; nil when nothing was spent.
    public var returnOnSpend: Double?

    public static func rates(_ c: MetricCounts) -> Rates {
        Rates(
            delivery: Rate(numerator: c.delivered, denominator: c.sent, base: .sent),
            read: Rate(numerator: c.read, denominator: c.delivered, base: .delivered),
            click: Rate(numerator: c.clicked, denominator: c.delivered, base: .delivered),
            reply: Rate(numerator: c.replied, denominator: c.delivered, base: .delivered),
            conversion: Rate(numerator: c.converted, denominator: c.delivered, base: .delivered)
        )
    }

    /// The figures of `counts` with the cost and revenue (already in the report currency, micro-units).
    public static func compute(_ counts: MetricCounts, costMicros: Int64, revenueMicros: Int64, refundedMicros: Int64 = 0) -> MetricSet {
        let cost = Double(costMicros), revenue = Double(revenueMicros)
        return MetricSet(
            counts: counts, rates: rates(counts), costMicros: costMicros, revenueMicros: revenueMicros, refundedMicros: refundedMicros,
            costPerMessage: CostPer(total: costMicros, count: counts.delivered, base: .delivered),
            costPerConversion: CostPer(total: costMicros, count: counts.converted, base: .converted),
            roi: costMicros == 0 ? nil : (revenue - cost) / cost,
            returnOnSpend: costMicros == 0 ? nil : revenue / cost
        )
    }
}
