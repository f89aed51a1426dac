import Foundation

extension Decision {
    /// The verdict in the marketer's words, e.g. "B is better than A: the evidence is strong enough to stop."
    static func explain(_ decision: Decision, names: [String], policy: DecisionPolicy, atHorizon: Bool) -> String {
        let control = names[0]
        func others(than arm: Int) -> String { list(names.indices.filter { $0 != arm }.map { names[$0] }) }
        switch decision.verdict {
        case .winner(let arm):
            // The test compares each variation with the control only: with three or more, a treatment's win says it beat
            // the control, not the other treatments (it is the largest significant lift among those that passed).
            let beaten = arm == 0 || names.count == 2 ? others(than: arm) : "\(control), the control"
            return "\(names[arm]) is better than \(beaten): the evidence is strong enough to stop."
        case .sampleRatioMismatch:
            let counts = list(decision.sampleRatio.observed.map { $0.formatted() })
            return "The variations received \(counts) messages, which does not match their planned shares "
                + "(\(pText(decision.sampleRatio.pValue))): assignment or counting looks broken, so no winner is declared until it is explained."
        case .awaitingSends:
            let counts = list(decision.sampleRatio.observed.map { $0.formatted() })
            return "The variations have been sent \(counts) messages so far, which does not match their planned shares, "
                + "and some are still being sent: nothing is decided until every test message has been sent."
        case .notEnoughData:
            let fewest = decision.arms.map(\.exposed).min() ?? 0
            return "Not enough data yet: every variation needs \(policy.minimumPerArm) messages whose outcome window has passed "
                + "(the fewest so far: \(fewest))."
        case .keepGoing, .inconclusive:
            let start =
                atHorizon
                ? "The test ended without enough evidence: no variation is clearly better than \(control)."
                : "Not enough evidence yet."
            guard decision.leader != 0, let comparison = decision.comparisons.first(where: { $0.arm == decision.leader }) else {
                return atHorizon ? start : "\(start) \(control) is ahead, but not by enough to stop."
            }
            let lift = comparison.relativeLift.map { " by \(percent($0))" } ?? ""
            return "\(start) \(names[decision.leader]) leads \(control)\(lift) (\(pText(comparison.adjustedPValue)); "
                + "stopping needs p ≤ \(String(format: "%.3g", policy.alpha)))."
        }
    }

    private static func list(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
    }

    private static func pText(_ value: Double) -> String {
        value < 0.001 ? "p < 0.001" : String(format: "p = %.3g", value)
    }

    private static func percent(_ value: Double) -> String {
        String(format: "%.1f %%", value * 100)
    }
}
