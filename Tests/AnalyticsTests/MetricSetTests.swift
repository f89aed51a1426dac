import Analytics
import Testing

@Suite("Metric sets and comparison")
struct MetricSetTests {
    /// 1,000 sent, 950 delivered, 600 read, 190 clicked (250 clicks), 38 replied, 50 failed, 19 converted (20 orders).
    static let counts = MetricCounts(
        sent: 1000, delivered: 950, read: 600, clicked: 190, clicks: 250, replied: 38, replies: 40, failed: 50, converted: 19, orders: 20,
        refundedOrders: 1
    )

    @Test("each rate says its base: delivery of sent, the others of delivered")
    func rates() {
        let m = MetricSet.compute(Self.counts, costMicros: 23_750_000, revenueMicros: 95_000_000)
        #expect(m.rates.delivery == Rate(numerator: 950, denominator: 1000, base: .sent))
        #expect(m.rates.delivery.value == 0.95)
        #expect(m.rates.read == Rate(numerator: 600, denominator: 950, base: .delivered))
        #expect(m.rates.click.value == 0.2)
        #expect(m.rates.reply.value == 0.04)
        #expect(m.rates.conversion.value == 0.02)
        #expect(m.rates.conversion.base == .delivered)
    }

    @Test("cost per message of delivered, per conversion of converted, ROI and return on spend by hand")
    func money() {
        // 950 delivered at 0.0250 = 23.75; 19 converted; revenue 95.00.
        let m = MetricSet.compute(Self.counts, costMicros: 23_750_000, revenueMicros: 95_000_000)
        #expect(m.costPerMessage == CostPer(micros: 25_000, count: 950, base: .delivered))
        #expect(m.costPerConversion == CostPer(micros: 1_250_000, count: 19, base: .converted))
        #expect(m.roi == 3.0)  // (95 - 23.75) / 23.75
        #expect(m.returnOnSpend == 4.0)  // 95 / 23.75
    }

    @Test("a zero denominator gives no value, never zero or infinity")
    func empty() {
        let m = MetricSet.compute(MetricCounts(), costMicros: 0, revenueMicros: 5_000_000)
        #expect(m.rates.delivery.value == nil)
        #expect(m.rates.click.value == nil)
        #expect(m.costPerMessage.micros == nil)
        #expect(m.costPerConversion.micros == nil)
        #expect(m.roi == nil)
        #expect(m.returnOnSpend == nil)
    }

    @Test("cost per message rounds half away from zero to the micro")
    func rounding() {
        let counts = MetricCounts(sent: 3, delivered: 3)
        #expect(MetricSet.compute(counts, costMicros: 100, revenueMicros: 0).costPerMessage.micros == 33)
        #expect(MetricSet.compute(counts, costMicros: 5, revenueMicros: 0).costPerMessage.micros == 2)
        #expect(MetricSet.compute(MetricCounts(delivered: 2), costMicros: 3, revenueMicros: 0).costPerMessage.micros == 2)
        // A loss: ROI below zero.
        #expect(MetricSet.compute(counts, costMicros: 4_000_000, revenueMicros: 1_000_000).roi == -0.75)
    }

    @Test("counts add up field by field")
    func sum() {
        let a = MetricCounts(
            sent: 1, delivered: 2, read: 3, clicked: 4, clicks: 5, replied: 6, replies: 7, failed: 8, converted: 9, orders: 10, refundedOrders: 11)
        #expect(
            a + a
                == MetricCounts(
                    sent: 2, delivered: 4, read: 6, clicked: 8, clicks: 10, replied: 12, replies: 14, failed: 16, converted: 18, orders: 20,
                    refundedOrders: 22))
    }

    @Test("best is the maximum for higher-is-better rows and the minimum for lower, ties all marked")
    func best() {
        #expect(Comparison.best([0.5, 0.7, 0.7, nil], direction: .higher) == [1, 2] as [Int])
        #expect(Comparison.best([30_000, 25_000, nil, 40_000], direction: .lower) == [1] as [Int])
        #expect(Comparison.best([3, 9, 1], direction: .none) == [] as [Int])
        #expect(Comparison.best([nil, nil], direction: .higher) == [] as [Int])
        #expect(Comparison.best([-0.5, -0.25], direction: .higher) == [1] as [Int])
    }

    @Test("a rate whose denominator is under 100 is never marked best")
    func smallSamples() {
        let rates = [
            Rate(numerator: 9, denominator: 10, base: .delivered), Rate(numerator: 400, denominator: 1000, base: .delivered),
            Rate(numerator: 30, denominator: 100, base: .delivered),
        ]
        #expect(Comparison.best(rates: rates) == [1] as [Int])
        #expect(Comparison.best(rates: [Rate(numerator: 1, denominator: 2, base: .sent)]) == [] as [Int])
        #expect(
            Comparison.best(rates: [Rate(numerator: 0, denominator: 0, base: .sent), Rate(numerator: 0, denominator: 150, base: .sent)]) == [1]
                as [Int])
    }
}
