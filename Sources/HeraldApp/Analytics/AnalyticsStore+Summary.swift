import Analytics
import Foundation

/// Money of one currency that has no rate to the report currency: left out of every total, never taken as 1:1.
struct UnconvertedMoney: Sendable, Equatable {
    var currency: String
    var costMicros: Int64 = 0
    var revenueMinor: Int64 = 0
    var refundedMinor: Int64 = 0
}

struct FailureCount: Sendable, Equatable {
    var code: Int
    var count: Int64
}

/// The figures of a set of messages in the report currency: 5.1's counts, rates and money, failures by code, and the
/// money that could not be converted.
struct MetricsSummary: Sendable, Equatable {
    var metrics: MetricSet
    var currency: String
    var failedByCode: [FailureCount]
    var unconverted: [UnconvertedMoney]

    init(_ tally: AnalyticsTally, converter: CurrencyConverter) {
        var cost: Int64 = 0, revenue: Int64 = 0, refunded: Int64 = 0
        var unconverted: [String: UnconvertedMoney] = [:]
        for (currency, m) in tally.money.sorted(by: { $0.key < $1.key }) {
            if let c = converter.convert(micros: m.costMicros, from: currency) {
                cost += c
            } else if m.costMicros != 0 {
                unconverted[currency, default: UnconvertedMoney(currency: currency)].costMicros += m.costMicros
            }
            if let r = converter.convert(minor: m.revenueMinor, from: currency) {
                revenue += r
            } else if m.revenueMinor != 0 {
                unconverted[currency, default: UnconvertedMoney(currency: currency)].revenueMinor += m.revenueMinor
            }
            if let r = converter.convert(minor: m.refundedMinor, from: currency) {
                refunded += r
            } else if m.refundedMinor != 0 {
                unconverted[currency, default: UnconvertedMoney(currency: currency)].refundedMinor += m.refundedMinor
            }
        }
        self.metrics = MetricSet.compute(tally.counts, costMicros: cost, revenueMicros: revenue, refundedMicros: refunded)
        self.currency = converter.reportCurrency
        self.failedByCode = tally.failures.filter { $0.value != 0 }.map { FailureCount(code: $0.key, count: $0.value) }
            .sorted { ($1.count, $0.code) < ($0.count, $1.code) }
        self.unconverted = unconverted.values.sorted { $0.currency < $1.currency }
    }
}
