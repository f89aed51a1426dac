import Experiments
import Testing

@Suite("Deciding a test")
struct DecisionTests {
    let policy = DecisionPolicy(method: .mixtureSPRT(tau2: 1e-4))

    func arms(_ successes: [Int], trials: Int = 10_000) -> [ArmCounts] {
        let names = ["A", "B", "C", "D", "E"]
        return successes.enumerated().map { ArmCounts(name: names[$0], share: 1 / Double(successes.count), exposed: trials, successes: $1) }
    }

    @Test("B clearly ahead of A is declared the winner, in plain words")
    func winner() {
        let decision = Decision(arms: arms([500, 600]), policy: policy)
        #expect(decision.verdict == .winner(arm: 1))
        #expect(decision.explanation == "B is better than A: the evidence is strong enough to stop.")
        #expect(abs(decision.comparisons[0].pValue - 0.0417) < 0.00005)
        #expect(decision.comparisons[0].interval.lower > 0)
        #expect(decision.leader == 1)
    }

    @Test("a lead without enough evidence keeps the test going, then is inconclusive at the horizon")
    func keepGoing() {
        let decision = Decision(arms: arms([500, 560]), policy: policy)
        #expect(decision.verdict == .keepGoing)
        #expect(decision.explanation.hasPrefix("Not enough evidence yet. B leads A by 12.0 % (p = 0.649"))
        #expect(decision.comparisons[0].interval.contains(0))
        let end = Decision(arms: arms([500, 560]), policy: policy, atHorizon: true)
        #expect(end.verdict == .inconclusive)
        #expect(end.explanation.hasPrefix("The test ended without enough evidence: no variation is clearly better than A."))
    }

    @Test("evidence from an earlier look is kept: the stored p-value is the smallest so far")
    func carriesEvidence() {
        let first = Decision(arms: arms([500, 600]), policy: policy)
        let second = Decision(arms: arms([500, 560]), policy: policy, previous: first.pValues)
        #expect(second.comparisons[0].pValue == first.comparisons[0].pValue)
        #expect(second.verdict == .winner(arm: 1))
    }

    @Test("below the minimum sample nothing is decided and no evidence is counted")
    func minimumSample() {
        let small = [ArmCounts(name: "A", share: 0.5, exposed: 99, successes: 1), ArmCounts(name: "B", share: 0.5, exposed: 99, successes: 40)]
        let decision = Decision(arms: small, policy: policy)
        #expect(decision.verdict == .notEnoughData)
        #expect(decision.pValues == [AlwaysValidPValue()])
        #expect(
            decision.explanation == "Not enough data yet: every variation needs 100 messages whose outcome window has passed (the fewest so far: 99)."
        )
        #expect(Decision(arms: small, policy: policy, atHorizon: true).verdict == .inconclusive)
    }

    @Test("a sample-ratio mismatch stops automatic decisions even with a clear leader")
    func sampleRatioMismatch() {
        let skewed = [
            ArmCounts(name: "A", share: 0.5, exposed: 10_000, successes: 500, assigned: 10_000),
            ArmCounts(name: "B", share: 0.5, exposed: 10_000, successes: 600, assigned: 10_600),
        ]
        let decision = Decision(arms: skewed, policy: policy)
        #expect(decision.sampleRatio.pValue < 0.001)
        #expect(decision.verdict == .sampleRatioMismatch)
        #expect(decision.explanation.contains("no winner is declared"))
    }

    @Test("a mismatch while messages are still being sent waits for them instead of failing the test")
    func mismatchWhileSending() {
        let skewed = [
            ArmCounts(name: "A", share: 0.5, exposed: 540, successes: 60, assigned: 540),
            ArmCounts(name: "B", share: 0.5, exposed: 360, successes: 40, assigned: 360),
        ]
        let sending = Decision(arms: skewed, policy: policy, unsent: 180)
        #expect(sending.sampleRatio.isMismatch(threshold: policy.sampleRatioThreshold))
        #expect(sending.verdict == .awaitingSends)
        #expect(sending.explanation.contains("still being sent"))
        // Once nothing is left to send, the same counts are a mismatch.
        #expect(Decision(arms: skewed, policy: policy, unsent: 0).verdict == .sampleRatioMismatch)
    }

    @Test("with two treatments Holm's correction holds back a p-value that alone would pass")
    func holm() {
        let decision = Decision(arms: arms([500, 600, 500]), policy: policy)
        #expect(abs(decision.comparisons[0].adjustedPValue - 2 * decision.comparisons[0].pValue) < 1e-12)
        #expect(decision.verdict == .keepGoing)
    }

    @Test("the winner is the best of the arms that pass")
    func bestOfPassing() {
        let decision = Decision(arms: arms([500, 650, 700]), policy: policy)
        #expect(decision.comparisons.allSatisfy { $0.isSignificant })
        #expect(decision.verdict == .winner(arm: 2))
        #expect(decision.explanation == "C is better than A, the control: the evidence is strong enough to stop.")
    }

    @Test("the control wins when every variation is clearly worse")
    func controlWins() {
        #expect(Decision(arms: arms([600, 500]), policy: policy).verdict == .winner(arm: 0))
        #expect(Decision(arms: arms([600, 500, 590]), policy: policy).verdict == .keepGoing)
    }

    @Test("Bayesian numbers are shown beside the verdict, exact for two arms")
    func bayesian() throws {
        let two = [ArmCounts(name: "A", share: 0.5, exposed: 118, successes: 100), ArmCounts(name: "B", share: 0.5, exposed: 110, successes: 100)]
        let decision = Decision(arms: two, policy: policy)
        let best2 = try #require(decision.arms[1].probabilityBest)
        #expect(abs(best2 - 0.91834) < 5e-6)
        let loss2 = try #require(decision.arms[1].expectedLoss)
        #expect(abs(loss2 - 0.001647) < 5e-7)
        // 91.8 % "chance to be best" is not a stopping rule.
        #expect(decision.verdict == .keepGoing)
        let three = [
            ArmCounts(name: "A", share: 1 / 3, exposed: 118, successes: 100), ArmCounts(name: "B", share: 1 / 3, exposed: 110, successes: 100),
            ArmCounts(name: "C", share: 1 / 3, exposed: 103, successes: 100),
        ]
        let best = Decision(arms: three, policy: policy).arms.compactMap(\.probabilityBest)
        #expect(abs(best[2] - 0.967) < 0.005)
        let without = Decision(arms: two, policy: DecisionPolicy(includesBayesian: false))
        #expect(without.arms.allSatisfy { $0.probabilityBest == nil })
    }

    @Test("each arm's rate has a Wilson interval at the policy's level")
    func rates() {
        let decision = Decision(arms: arms([500, 600]), policy: policy)
        #expect(decision.arms[0].rate == 0.05)
        #expect(decision.arms[0].interval == Proportion(successes: 500, trials: 10_000).wilsonInterval())
    }
}
