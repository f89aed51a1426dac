import Experiments
import Testing

@Suite("Sample size and the planner")
struct PlanningTests {
    @Test(
        "sample size per arm at alpha .05 two-sided matches the reference",
        arguments: [(0.50, 0.75, 0.90, 76.71), (0.20, 0.25, 0.80, 1_093.74), (0.10, 0.11, 0.80, 14_750.8), (0.05, 0.055, 0.80, 31_233.4)]
    )
    func perArm(_ p1: Double, _ p2: Double, _ power: Double, _ expected: Double) {
        let n = SampleSize.perArm(baseline: p1, treatment: p2, alpha: 0.05, power: power)
        #expect(abs(n - expected) < 0.05)
    }

    @Test("the minimum detectable lift inverts the sample size")
    func minimumDetectable() throws {
        let rate = try #require(Planner.minimumDetectableRate(baseline: 0.20, perArm: 1_093.74, alpha: 0.05, power: 0.80))
        #expect(abs(rate - 0.25) < 1e-4)
        let lift = try #require(Planner.minimumDetectableLift(baseline: 0.05, perArm: 31_233.4))
        #expect(abs(lift - 0.10) < 1e-4)
    }

    @Test("the audience needed for a wanted lift is the per-arm size times the arms")
    func audienceNeeded() {
        let perArm = Planner.audiencePerArm(baseline: 0.10, relativeLift: 0.10)
        #expect(abs(perArm - 14_750.8) < 0.05)
        #expect(Planner.testAudience(baseline: 0.10, relativeLift: 0.10, arms: 2) == 2 * 14_751)
        // Two treatments share alpha, so each arm needs more than one comparison would.
        #expect(Planner.testAudience(baseline: 0.10, relativeLift: 0.10, arms: 3) > 3 * 14_751)
    }

    @Test("more comparisons need a larger lift; a tiny audience can detect nothing realistic")
    func comparisons() throws {
        let one = try #require(Planner.minimumDetectableLift(baseline: 0.05, perArm: 5_000))
        let four = try #require(Planner.minimumDetectableLift(baseline: 0.05, perArm: 5_000, comparisons: 4))
        #expect(four > one)
        #expect(Planner.minimumDetectableLift(baseline: 0.05, perArm: 2) == nil)
    }

    @Test("the sequential test needs a larger lift than one fixed-horizon look at the same size")
    func sequential() throws {
        let fixed = try #require(Planner.minimumDetectableLift(baseline: 0.05, perArm: 5_000))
        let sequential = try #require(
            Planner.minimumDetectableLift(baseline: 0.05, perArm: 5_000, method: .confidenceSequence(plannedTotal: 10_000)))
        #expect(sequential > fixed)
        // And the sequential audience for that lift is back at 5,000 per arm.
        let perArm = Planner.audiencePerArm(baseline: 0.05, relativeLift: sequential, method: .confidenceSequence(plannedTotal: 10_000))
        #expect(abs(perArm - 5_000) < 1)
    }
}
