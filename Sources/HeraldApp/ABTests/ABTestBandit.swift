import Experiments
import Foundation

/// The optional Thompson-sampling bandit (`allocation = thompson`, issue 11 item 10; design section 11 item 14).
///
/// The test audience is frozen as for a fixed test, but variations are given in batches of 20 %: the first split
/// equally at the freeze, each next one at a look once the previous batch has been sent and has had its outcome window,
/// by ``ThompsonAllocation`` with a 10 % floor per arm. Adaptive shares break the always-valid test and the ratio
/// check, so a bandit test never stops early: at the horizon (everything allocated, sent and past its window) the arm
/// most likely to be best wins if that probability is at least 95 %, otherwise the inconclusive policy applies.
enum ABTestBandit {
    /// Each batch is this percent of the test audience (the last one what is left).
    static let batchPercent = 20
    static let floor = ThompsonAllocation.defaultFloor
    /// The probability to be best a bandit's winner needs at the horizon.
    static let winningProbability = 0.95
    /// What the results say while a bandit test runs.
    static func label(_ metric: SuccessMetric) -> String {
        "Thompson sampling: this test shifts messages toward better variations; it optimises \(outcome(metric)), it does not measure the difference."
    }

    static func outcome(_ metric: SuccessMetric) -> String {
        switch metric {
        case .read: "reads"
        case .click: "clicks"
        case .reply: "replies"
        case .conversion: "conversions"
        }
    }

    /// Contacts per batch: 20 % of the test audience rounded half up, at least one per arm (or the whole test audience).
    static func batchSize(testAudience: Int, arms: Int) -> Int {
        min(testAudience, max(arms, (testAudience * batchPercent + 50) / 100))
    }

    /// The first batch per arm, split equally (by largest remainder).
    static func firstBatch(testAudience: Int, arms: Int) -> [Int] {
        ThompsonAllocation.split(batch: batchSize(testAudience: testAudience, arms: arms), shares: Array(repeating: 1, count: arms))
    }

    /// The next batch per arm from the exposed and successes so far; reproducible for a test and a number allocated.
    static func nextBatch(testID: UUID, allocated: Int, unallocated: Int, testAudience: Int, arms: [ThompsonAllocation.Arm]) -> [Int] {
        let batch = min(unallocated, batchSize(testAudience: testAudience, arms: arms.count))
        let seed = UInt64(bitPattern: Assignment.bucket(testID: testID, contactID: testID)) ^ UInt64(allocated)
        return ThompsonAllocation.allocate(batch: batch, arms: arms, floor: floor, seed: seed)
    }

    /// The worker's verdict for a bandit test: nothing before the horizon, however strong the evidence looks; at the
    /// horizon the arm most likely to be best if it reaches 95 %, else the test's inconclusive policy.
    static func verdict(_ test: ABTest, evaluation: ABTestEvaluation) -> ABTestVerdictRecord? {
        guard evaluation.atHorizon else { return nil }
        guard var decision = evaluation.decision else { return ABTestWorker.nothingToCompare(test) }
        let chances = decision.arms.map { $0.probabilityBest ?? 0 }
        let best = chances.indices.max { chances[$0] < chances[$1] } ?? 0
        let name = test.variations[best].name
        let chance = String(format: "%.1f %%", chances[best] * 100)
        if chances[best] >= winningProbability {
            decision.verdict = .winner(arm: best)
            decision.explanation =
                "Bandit result: \(name) has a \(chance) probability to be the best. The test shifted messages toward better "
                + "variations, so it optimised \(outcome(test.settings.successMetric)) and did not measure how much better \(name) is."
        } else {
            decision.verdict = .inconclusive
            decision.leader = best
            decision.explanation =
                "Bandit result: no variation reached a \(Int(winningProbability * 100)) % probability to be the best "
                + "(\(name) is most likely, at \(chance)); the test optimised \(outcome(test.settings.successMetric)) "
                + "and did not measure the difference."
        }
        return ABTestWorker.verdict(test, decision: decision, atHorizon: true)
    }

    /// A bandit's results: the allocation named, no ratio check (the shares move on purpose) and, while it runs, the
    /// label saying it optimises rather than measures in place of the sequential test's words.
    static func adjust(_ results: inout ABTestResults, test: ABTest) {
        results.allocation = test.settings.allocation
        guard test.settings.allocation == .thompson else { return }
        results.srm = nil
        guard test.status == .running || test.status == .paused, results.verdict.state != "not_started" else { return }
        results.verdict = .init(
            state: results.verdict.state == "not_enough_data" ? "not_enough_data" : "keep_going",
            variationId: nil,
            explanation: label(test.settings.successMetric)
        )
    }
}
