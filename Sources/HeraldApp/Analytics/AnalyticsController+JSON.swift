import Analytics
import Foundation

/// Money in the report currency: `{"micros": 25000, "currency": "USD", "display": "0.0250"}`; amounts that came from
/// orders also carry `minor` (rounded half away from zero to the currency's minor unit) and are shown in minor digits.
struct MoneyJSON: Encodable, Equatable {
    let micros: Int64
    let currency: String
    let display: String
    let minor: Int64?

    /// A cost or price: shown with 4 to 6 decimals.
    static func cost(_ micros: Int64, _ currency: String) -> MoneyJSON {
        MoneyJSON(micros: micros, currency: currency, display: Micros.display(micros), minor: nil)
    }

    /// Revenue: shown in the currency's minor digits.
    static func revenue(_ micros: Int64, _ currency: String) -> MoneyJSON {
        let per = Micros.perUnit / CurrencyExponent.minorPerUnit(currency)
        let n = Int128(micros), d = Int128(per), half = d / 2
        let minor = Int64(clamping: n >= 0 ? (n + half) / d : (n - half) / d)
        return MoneyJSON(micros: micros, currency: currency, display: Minor.display(minor, currency: currency), minor: minor)
    }

    enum CodingKeys: String, CodingKey { case micros, currency, display, minor }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(micros, forKey: .micros)
        try c.encode(currency, forKey: .currency)
        try c.encode(display, forKey: .display)
        try c.encodeIfPresent(minor, forKey: .minor)
    }
}

/// A cost per unit: `{"amount": Money | null, "count": 950, "base": "delivered"}`.
struct CostPerJSON: Encodable {
    let value: CostPer
    let currency: String
    enum CodingKeys: String, CodingKey { case amount, count, base }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(value.micros.map { MoneyJSON.cost($0, currency) }, forKey: .amount)
        try c.encode(value.count, forKey: .count)
        try c.encode(value.base, forKey: .base)
    }
}

struct FailureCountJSON: Encodable {
    let code: Int
    let count: Int64
}

struct UnconvertedJSON: Encodable {
    let currency: String
    let costMicros: Int64
    let revenueMinor: Int64
    let refundedMinor: Int64
    enum CodingKeys: String, CodingKey {
        case currency, costMicros = "cost_micros", revenueMinor = "revenue_minor", refundedMinor = "refunded_minor"
    }
}

/// The `MetricSet` schema: counts, rates with their bases, money, returns, failures by code and unconverted money.
struct MetricSetJSON: Encodable {
    let summary: MetricsSummary

    enum CodingKeys: String, CodingKey {
        case counts, rates, cost, revenue, refunded, roi, currency, unconverted
        case costPerMessage = "cost_per_message", costPerConversion = "cost_per_conversion", returnOnSpend = "return_on_spend"
        case failedByCode = "failed_by_code"
    }

    func encode(to encoder: any Encoder) throws {
        let m = summary.metrics, currency = summary.currency
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(m.counts, forKey: .counts)
        try c.encode(m.rates, forKey: .rates)
        try c.encode(currency, forKey: .currency)
        try c.encode(MoneyJSON.cost(m.costMicros, currency), forKey: .cost)
        try c.encode(CostPerJSON(value: m.costPerMessage, currency: currency), forKey: .costPerMessage)
        try c.encode(CostPerJSON(value: m.costPerConversion, currency: currency), forKey: .costPerConversion)
        try c.encode(MoneyJSON.revenue(m.revenueMicros, currency), forKey: .revenue)
        try c.encode(MoneyJSON.revenue(m.refundedMicros, currency), forKey: .refunded)
        try c.encode(m.roi, forKey: .roi)
        try c.encode(m.returnOnSpend, forKey: .returnOnSpend)
        try c.encode(summary.failedByCode.map { FailureCountJSON(code: $0.code, count: $0.count) }, forKey: .failedByCode)
        try c.encode(
            summary.unconverted.map {
                UnconvertedJSON(currency: $0.currency, costMicros: $0.costMicros, revenueMinor: $0.revenueMinor, refundedMinor: $0.refundedMinor)
            },
            forKey: .unconverted
        )
    }
}

/// The filters a reading applied, echoed back.
struct FilterJSON: Encodable {
    let filter: AnalyticsFilter
    /// A campaign's whole life (no dates asked for): `from` and `to` are null.
    var allTime = false

    enum CodingKeys: String, CodingKey {
        case from, to, granularity, country
        case timeZone = "time_zone", campaignIDs = "campaign_id", variationID = "variation_id", segmentID = "segment_id"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(allTime ? nil : filter.from, forKey: .from)
        try c.encode(allTime ? nil : filter.to, forKey: .to)
        try c.encode(filter.timeZone.identifier, forKey: .timeZone)
        try c.encode(filter.granularity, forKey: .granularity)
        try c.encode(filter.campaignIDs, forKey: .campaignIDs)
        try c.encode(filter.variationID, forKey: .variationID)
        try c.encode(filter.country, forKey: .country)
        try c.encode(filter.segmentID, forKey: .segmentID)
    }
}

struct CampaignRefJSON: Encodable {
    let id: UUID
    let name: String
    let status: String
    init(_ c: AnalyticsStore.CampaignName) { (id, name, status) = (c.id, c.name, c.status) }
}
