import Experiments
import Testing

/// A/A and A/B tests watched as a live dashboard would: a decision after every batch of sends.
/// Figures are printed and recorded in docs/ab-testing.md; seeds make them reproducible.
@Suite("Simulated live dashboards")
struct SimulationTests {
    static let looks = 20
    static let batchPerArm = 250
    static let baseline = 0.05
    /// Tuned to where the test is planned to end: two arms of looks × batch messages.
    static let policy = DecisionPolicy(method: .confidenceSequence(plannedTotal: 2 * looks * batchPerArm), includesBayesian: false)

    struct Outcome {
        var sequentialWinners = [0, 0]
        var naiveAnyLook = 0
        var naiveFinalLook = 0
        var tests = 0
    }

    static func simulate(tests: Int, rates: [Double], seed: UInt64) -> Outcome {
        var generator = SeededGenerator(seed: seed)
        var outcome = Outcome(tests: tests)
        for _ in 0..<tests {
            var successes = [0, 0]
            var trials = 0
            var pValues: [AlwaysValidPValue] = []
            var sequentialDone = false
            var naiveDeclared = false
            for look in 1...looks {
                for arm in 0..<2 {
                    for _ in 0..<batchPerArm where generator.nextUniform() < rates[arm] { successes[arm] += 1 }
                }
                trials += batchPerArm
                let arms = (0..<2).map { ArmCounts(name: ["A", "B"][$0], share: 0.5, exposed: trials, successes: successes[$0]) }
                if !sequentialDone {
                    let decision = Decision(arms: arms, policy: policy, previous: pValues, atHorizon: look == looks)
                    pValues = decision.pValues
                    if case .winner(let arm) = decision.verdict {
                        outcome.sequentialWinners[arm] += 1
                        sequentialDone = true
                    }
                }
                let naive = TwoProportionTest(control: arms[0].proportion, treatment: arms[1].proportion).pValue < 0.05
                if naive && !naiveDeclared {
                    outcome.naiveAnyLook += 1
                    naiveDeclared = true
                }
                if naive && look == looks { outcome.naiveFinalLook += 1 }
            }
        }
        return outcome
    }

    static func percent(_ count: Int, of total: Int) -> String {
        let value = 100 * Double(count) / Double(total)
        return "\((value * 10).rounded() / 10) %"
    }

    @Test("2,000 A/A tests checked after each of 20 batches declare a false winner at most 5 % of the time; the naive z-test does not")
    func falseWinners() {
        let tests = 2_000
        let outcome = Self.simulate(tests: tests, rates: [Self.baseline, Self.baseline], seed: 2026)
        let falseWinners = outcome.sequentialWinners.reduce(0, +)
        print(
            "A/A: \(tests) tests, \(Self.looks) looks of \(Self.batchPerArm) per arm, rate \(Self.baseline): false winners "
                + "always-valid \(Self.percent(falseWinners, of: tests)), "
                + "naive z-test at every look \(Self.percent(outcome.naiveAnyLook, of: tests)), "
                + "naive z-test once at the end \(Self.percent(outcome.naiveFinalLook, of: tests))")
        #expect(Double(falseWinners) / Double(tests) <= 0.05)
        #expect(Double(outcome.naiveAnyLook) / Double(tests) > 0.10)
    }

    @Test("A/B tests with the planner's minimum detectable lift find it at least 80 % of the time")
    func power() throws {
        let perArm = Double(Self.looks * Self.batchPerArm)
        let lift = try #require(Planner.minimumDetectableLift(baseline: Self.baseline, perArm: perArm, method: Self.policy.method))
        let tests = 1_000
        let outcome = Self.simulate(tests: tests, rates: [Self.baseline, Self.baseline * (1 + lift)], seed: 11)
        let fixedLift = try #require(Planner.minimumDetectableLift(baseline: Self.baseline, perArm: perArm))
        print(
            "A/B: \(tests) tests, rate \(Self.baseline) vs \((Self.baseline * (1 + lift) * 10_000).rounded() / 10_000) "
                + "(planner's sequential lift \(Self.percent(Int((lift * 1_000).rounded()), of: 1_000)); fixed-horizon lift would be "
                + "\(Self.percent(Int((fixedLift * 1_000).rounded()), of: 1_000))): power \(Self.percent(outcome.sequentialWinners[1], of: tests)), "
                + "wrong winner \(Self.percent(outcome.sequentialWinners[0], of: tests))")
        #expect(Double(outcome.sequentialWinners[1]) / Double(tests) >= 0.80)
        #expect(outcome.sequentialWinners[0] == 0)
    }

    @Test("planning with the fixed-horizon formula overstates what the always-valid test can find")
    func fixedHorizonPlanOverstates() throws {
        let perArm = Double(Self.looks * Self.batchPerArm)
        let fixedLift = try #require(Planner.minimumDetectableLift(baseline: Self.baseline, perArm: perArm))
        let tests = 1_000
        let outcome = Self.simulate(tests: tests, rates: [Self.baseline, Self.baseline * (1 + fixedLift)], seed: 12)
        print(
            "A/B at the fixed-horizon lift \(Self.percent(Int((fixedLift * 1_000).rounded()), of: 1_000)): always-valid power "
                + "\(Self.percent(outcome.sequentialWinners[1], of: tests)), "
                + "naive z-test once at the end \(Self.percent(outcome.naiveFinalLook, of: tests))")
        #expect(Double(outcome.sequentialWinners[1]) / Double(tests) < 0.80)
    }
}
