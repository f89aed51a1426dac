/// The classic fixed-horizon comparison of two rates. Valid for one look at a planned sample size only;
/// shown for reference and used as the contrast in the simulations, never as a live stopping rule.
public struct TwoProportionTest: Sendable, Hashable {
    public var control: Proportion
    public var treatment: Proportion

    public init(control: Proportion, treatment: Proportion) {
        self.control = control
        self.treatment = treatment
    }

    /// The treatment's rate minus the control's.
    public var difference: Double { treatment.rate - control.rate }

    /// z with the pooled standard error: (pB − pA) / sqrt(p(1 − p)(1/nA + 1/nB)).
    public var z: Double {
        let pooled = Double(control.successes + treatment.successes) / Double(control.trials + treatment.trials)
        let se = (pooled * (1 - pooled) * (1 / Double(control.trials) + 1 / Double(treatment.trials))).squareRoot()
        return se == 0 ? 0 : difference / se
    }

    /// Two-sided p-value 2(1 − Φ(|z|)).
    public var pValue: Double { 2 * Normal.survival(abs(z)) }

    /// The unpooled standard error of the difference, sqrt(pA qA / nA + pB qB / nB).
    public var standardError: Double {
        let a = control.rate
        let b = treatment.rate
        return (a * (1 - a) / Double(control.trials) + b * (1 - b) / Double(treatment.trials)).squareRoot()
    }

    /// d ± z(1 − α/2) · unpooled standard error.
    public func differenceInterval(confidence: Double = 0.95) -> Interval {
        let z = Normal.quantile(1 - (1 - confidence) / 2)
        return Interval(lower: difference - z * standardError, upper: difference + z * standardError)
    }
}
