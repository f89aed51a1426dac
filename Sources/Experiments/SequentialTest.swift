import Foundation

/// How the always-valid test weighs evidence. Both are the normal-mixture SPRT; they differ in how the
/// mixture's variance tau² is chosen.
public enum SequentialMethod: Sendable, Hashable, Codable {
    /// Johari et al. (2017): a fixed tau² on the scale of the difference in rates (e.g. 1e-4 for about one point).
    case mixtureSPRT(tau2: Double)
    /// The asymptotic confidence sequence (Waudby-Smith et al., GrowthBook's engine), tuned to be tightest
    /// around `plannedTotal` messages across the two arms compared: tau² = rho² · sigma² · N.
    case confidenceSequence(plannedTotal: Int, alpha: Double = 0.05)
}

/// The mixture sequential probability ratio test of a treatment's rate against the control's.
/// Its p-value may be looked at after every batch of sends without inflating false winners.
public enum SequentialTest {
    /// rho = sqrt((−2 ln α + ln(−2 ln α + 1)) / N*).
    public static func rho(alpha: Double, plannedTotal: Int) -> Double {
        let l = -2 * log(alpha)
        return ((l + log(l + 1)) / Double(plannedTotal)).squareRoot()
    }

    /// Lambda_n = sqrt(s² / (s² + tau²)) · exp(tau² d² / (2 s² (s² + tau²))), with s² the unpooled variance of the
    /// difference. With n per arm this is the reference's sqrt(V/(V + n tau²)) · exp(n² tau² d² / (2V(V + n tau²))).
    public static func likelihoodRatio(control: Proportion, treatment: Proportion, method: SequentialMethod) -> Double {
        guard let (variance, tau2) = variances(control: control, treatment: treatment, method: method) else { return 1 }
        let d = treatment.rate - control.rate
        return (variance / (variance + tau2)).squareRoot() * exp(tau2 * d * d / (2 * variance * (variance + tau2)))
    }

    /// Half-width of the always-valid confidence interval for the difference: the set of differences whose
    /// Lambda stays below 1/alpha. For `.confidenceSequence` this is the reference's
    /// se · sqrt(N) · sqrt(2(N rho² + 1) / (N² rho²) · ln(sqrt(N rho² + 1) / alpha)).
    public static func halfWidth(control: Proportion, treatment: Proportion, method: SequentialMethod, alpha: Double) -> Double {
        guard let (variance, tau2) = variances(control: control, treatment: treatment, method: method) else { return 1 }
        return criticalZ(variance: variance, tau2: tau2, alpha: alpha) * variance.squareRoot()
    }

    /// The |z| (difference over its standard error) at which Lambda reaches 1/alpha.
    static func criticalZ(variance: Double, tau2: Double, alpha: Double) -> Double {
        let ratio = (variance + tau2) / variance
        return (2 * ratio / (tau2 / variance) * log(ratio.squareRoot() / alpha)).squareRoot()
    }

    /// The mixture variance for a given variance of the difference and total sample.
    static func tau2(for method: SequentialMethod, variance: Double, total: Double) -> Double {
        switch method {
        case .mixtureSPRT(let tau2):
            tau2
        case .confidenceSequence(let plannedTotal, let alpha):
            pow(rho(alpha: alpha, plannedTotal: plannedTotal), 2) * variance * total
        }
    }

    private static func variances(control: Proportion, treatment: Proportion, method: SequentialMethod) -> (Double, Double)? {
        guard control.trials > 0, treatment.trials > 0 else { return nil }
        let a = control.rate
        let b = treatment.rate
        let variance = a * (1 - a) / Double(control.trials) + b * (1 - b) / Double(treatment.trials)
        guard variance > 0 else { return nil }
        let tau2 = tau2(for: method, variance: variance, total: Double(control.trials + treatment.trials))
        guard tau2 > 0 else { return nil }
        return (variance, tau2)
    }
}

/// The always-valid p-value of one comparison, carried from look to look: p_0 = 1, p_n = min(p_{n−1}, 1/Lambda_n).
public struct AlwaysValidPValue: Sendable, Hashable, Codable {
    public private(set) var value: Double

    public init(value: Double = 1) {
        self.value = value
    }

    public mutating func update(likelihoodRatio: Double) {
        guard likelihoodRatio > 0, likelihoodRatio.isFinite || likelihoodRatio == .infinity else { return }
        value = min(value, 1 / likelihoodRatio)
    }

    /// Significant once Lambda has reached 1/alpha at some look.
    public func isSignificant(alpha: Double) -> Bool { value <= alpha }
}
