extension Decision {
    /// Evaluates a look. `previous` are the always-valid p-values stored at the last look (empty at the first);
    /// `atHorizon` is true once the planned duration has ended and every test message has had its window.
    /// `unsent` counts the test's messages still queued or being sent: while there are any, a mismatch of the arms'
    /// sizes is not yet evidence that something is broken, so the verdict waits for them.
    public init(
        arms: [ArmCounts], policy: DecisionPolicy = DecisionPolicy(), previous: [AlwaysValidPValue] = [], atHorizon: Bool = false,
        unsent: Int = 0
    ) {
        precondition(arms.count >= 2, "a test has a control and at least one variation")
        precondition(previous.isEmpty || previous.count == arms.count - 1, "one stored p-value per treatment")
        let control = arms[0].proportion
        let treatments = Array(arms.indices.dropFirst())
        let sampleRatio = SampleRatioCheck(observed: arms.map(\.assigned), expectedShares: arms.map(\.share))
        let enoughData = arms.allSatisfy { $0.exposed >= policy.minimumPerArm }

        var pValues = previous.isEmpty ? treatments.map { _ in AlwaysValidPValue() } : previous
        var ratios: [Double] = []
        for (position, arm) in treatments.enumerated() {
            let lambda = SequentialTest.likelihoodRatio(control: control, treatment: arms[arm].proportion, method: policy.method)
            ratios.append(lambda)
            // Evidence counts only from the minimum sample on: the asymptotic test is not trusted on a handful of messages.
            if enoughData { pValues[position].update(likelihoodRatio: lambda) }
        }
        let adjusted = MultipleComparisons.holm(pValues.map(\.value))
        let comparisons = treatments.enumerated().map { position, arm in
            let treatment = arms[arm].proportion
            let difference = treatment.rate - control.rate
            let halfWidth = SequentialTest.halfWidth(control: control, treatment: treatment, method: policy.method, alpha: policy.alpha)
            return Comparison(
                arm: arm, difference: difference, relativeLift: control.rate > 0 ? difference / control.rate : nil,
                interval: Interval(lower: difference - halfWidth, upper: difference + halfWidth), likelihoodRatio: ratios[position],
                pValue: pValues[position].value, adjustedPValue: adjusted[position], isSignificant: enoughData && adjusted[position] <= policy.alpha)
        }
        var leader = 0
        for index in arms.indices where arms[index].proportion.rate > arms[leader].proportion.rate { leader = index }

        let verdict: Verdict
        if sampleRatio.isMismatch(threshold: policy.sampleRatioThreshold) {
            verdict = unsent > 0 ? .awaitingSends : .sampleRatioMismatch
        } else if !enoughData {
            verdict = atHorizon ? .inconclusive : .notEnoughData
        } else if let best = comparisons.filter({ $0.isSignificant && $0.difference > 0 }).max(by: { $0.difference < $1.difference }) {
            verdict = .winner(arm: best.arm)
        } else if comparisons.allSatisfy({ $0.isSignificant && $0.difference < 0 }) {
            verdict = .winner(arm: 0)
        } else {
            verdict = atHorizon ? .inconclusive : .keepGoing
        }

        self.init(
            arms: Self.summaries(arms, policy: policy), comparisons: comparisons, pValues: pValues, sampleRatio: sampleRatio, leader: leader,
            verdict: verdict, explanation: "")
        self.explanation = Self.explain(self, names: arms.map(\.name), policy: policy, atHorizon: atHorizon)
    }

    private static func summaries(_ arms: [ArmCounts], policy: DecisionPolicy) -> [ArmSummary] {
        var best: [Double]?
        var loss: [Double]?
        if policy.includesBayesian {
            let posteriors = arms.map { BetaPosterior(successes: $0.successes, failures: $0.exposed - $0.successes) }
            if posteriors.count == 2 {
                let p = BetaBinomial.probability(posteriors[1], beats: posteriors[0])
                best = [1 - p, p]
                loss = [
                    BetaBinomial.expectedLoss(choosing: posteriors[0], over: posteriors[1]),
                    BetaBinomial.expectedLoss(choosing: posteriors[1], over: posteriors[0]),
                ]
            } else {
                let summary = BetaBinomial.monteCarlo(posteriors, draws: policy.bayesianDraws, seed: policy.seed)
                best = summary.probabilityBest
                loss = summary.expectedLoss
            }
        }
        return arms.enumerated().map { index, arm in
            ArmSummary(
                name: arm.name, exposed: arm.exposed, successes: arm.successes, rate: arm.proportion.rate,
                interval: arm.proportion.wilsonInterval(confidence: 1 - policy.alpha), probabilityBest: best?[index], expectedLoss: loss?[index])
        }
    }
}
