import Experiments
import Testing

@Suite("Rates, intervals and the two-proportion z-test")
struct ProportionTests {
    // Expected values from scipy / the closed forms evaluated in Python.
    @Test("the pooled z-test of 500/10,000 vs 600/10,000")
    func zTest() {
        let test = TwoProportionTest(control: .init(successes: 500, trials: 10_000), treatment: .init(successes: 600, trials: 10_000))
        #expect(abs(test.z - 3.101614034661568) < 1e-9)
        #expect(abs(test.pValue - 0.0019246872509622584) < 1e-9)
        let interval = test.differenceInterval()
        #expect(abs(interval.lower - 0.0036823455976911796) < 1e-9)
        #expect(abs(interval.upper - 0.016317654402308812) < 1e-9)
    }

    @Test("the pooled z-test of 49/100 vs 51/100 is far from significant")
    func zTestSmall() {
        let test = TwoProportionTest(control: .init(successes: 49, trials: 100), treatment: .init(successes: 51, trials: 100))
        #expect(abs(test.z - 0.2828427124746193) < 1e-9)
        #expect(abs(test.pValue - 0.7772974107895213) < 1e-9)
        #expect(abs(test.differenceInterval().lower + 0.11856266158611861) < 1e-9)
    }

    @Test(
        "the Wilson interval matches its closed form",
        arguments: [
            (0, 10, 0.0, 0.2775327998628892), (5, 10, 0.236593090512564, 0.7634069094874361),
            (81, 263, 0.2552885198782742, 0.36620957698280004),
        ]
    )
    func wilson(_ successes: Int, _ trials: Int, _ lower: Double, _ upper: Double) {
        let interval = Proportion(successes: successes, trials: trials).wilsonInterval()
        #expect(abs(interval.lower - lower) < 1e-9)
        #expect(abs(interval.upper - upper) < 1e-9)
    }

    @Test("an arm with no messages yet has the whole unit interval")
    func empty() {
        #expect(Proportion(successes: 0, trials: 0).wilsonInterval() == Interval(lower: 0, upper: 1))
    }
}
