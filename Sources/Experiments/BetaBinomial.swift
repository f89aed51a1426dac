import Foundation

/// A Beta posterior for one arm's rate: Beta(1 + successes, 1 + failures) under the uniform prior.
public struct BetaPosterior: Sendable, Hashable, Codable {
    public var alpha: Double
    public var beta: Double

    public init(alpha: Double, beta: Double) {
        precondition(alpha > 0 && beta > 0, "Beta parameters are positive")
        self.alpha = alpha
        self.beta = beta
    }

    public init(successes: Int, failures: Int) {
        self.init(alpha: Double(1 + successes), beta: Double(1 + failures))
    }

    public var mean: Double { alpha / (alpha + beta) }
}

/// Bayesian summaries shown beside the sequential test: the chance each arm is best and the rate one
/// expects to lose by choosing it. They are never the stopping rule (they inflate false winners when watched).
public enum BetaBinomial {
    /// P(p_b > p_a) exactly: sum over i < alpha_b of B(alpha_a + i, beta_a + beta_b) / ((beta_b + i) B(1 + i, beta_b) B(alpha_a, beta_a)),
    /// in log space. Needs an integer alpha on one side (true for counts under the uniform prior); sums over the smaller one.
    public static func probability(_ b: BetaPosterior, beats a: BetaPosterior) -> Double {
        if a.alpha < b.alpha, a.alpha == a.alpha.rounded() { return 1 - probability(a, beats: b) }
        precondition(b.alpha == b.alpha.rounded(), "the exact sum needs an integer alpha")
        let constant = GammaFunction.logBeta(a.alpha, a.beta)
        var total = 0.0
        for step in 0..<Int(b.alpha) {
            let i = Double(step)
            total += exp(
                GammaFunction.logBeta(a.alpha + i, a.beta + b.beta) - log(b.beta + i) - GammaFunction.logBeta(1 + i, b.beta) - constant)
        }
        return min(1, max(0, total))
    }

    /// E[max(p_other − p_chosen, 0)]: the rate lost, on average, by choosing `chosen`.
    /// Uses E[p 1{p > q}] = E[p] · P(p⁺ > q) with p⁺ ~ Beta(alpha + 1, beta).
    public static func expectedLoss(choosing chosen: BetaPosterior, over other: BetaPosterior) -> Double {
        let otherUp = BetaPosterior(alpha: other.alpha + 1, beta: other.beta)
        let chosenUp = BetaPosterior(alpha: chosen.alpha + 1, beta: chosen.beta)
        let loss = other.mean * probability(otherUp, beats: chosen) - chosen.mean * probability(other, beats: chosenUp)
        return max(0, loss)
    }

    /// For any number of arms: P(arm is best) and expected loss E[max_j p_j − p_arm], by Monte Carlo with a seeded generator.
    public static func monteCarlo(_ arms: [BetaPosterior], draws: Int = 20_000, seed: UInt64 = 0x4845_5241_4C44) -> BayesianSummary {
        precondition(!arms.isEmpty && draws > 0)
        var generator = SeededGenerator(seed: seed)
        var wins = [Int](repeating: 0, count: arms.count)
        var loss = [Double](repeating: 0, count: arms.count)
        var sample = [Double](repeating: 0, count: arms.count)
        for _ in 0..<draws {
            var best = 0
            for (index, arm) in arms.enumerated() {
                sample[index] = generator.nextBeta(alpha: arm.alpha, beta: arm.beta)
                if sample[index] > sample[best] { best = index }
            }
            wins[best] += 1
            for index in arms.indices { loss[index] += sample[best] - sample[index] }
        }
        let n = Double(draws)
        return BayesianSummary(probabilityBest: wins.map { Double($0) / n }, expectedLoss: loss.map { $0 / n })
    }
}

/// Per arm, in the order given: the chance it is best and its expected loss.
public struct BayesianSummary: Sendable, Hashable, Codable {
    public var probabilityBest: [Double]
    public var expectedLoss: [Double]

    public init(probabilityBest: [Double], expectedLoss: [Double]) {
        self.probabilityBest = probabilityBest
        self.expectedLoss = expectedLoss
    }
}
