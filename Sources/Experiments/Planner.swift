import Foundation

/// What a test of a given size can find, and what size a wanted lift needs. Lifts are relative
/// (0.10 means a rate 10 % higher than the baseline), as marketers state them.
///
/// `comparisons` treatments share the error rate (Bonferroni, which Holm never does worse than);
/// `method` nil plans one fixed-horizon look, a `SequentialMethod` plans for the always-valid test
/// the decision uses (its threshold is higher, so it needs a larger lift or audience; the power is
/// that of crossing at the planned end, a lower bound on crossing at some look).
public enum Planner {
    /// The smallest treatment rate above `baseline` detectable with `power`, or nil if no rate up to 100 % is.
    public static func minimumDetectableRate(
        baseline: Double, perArm n: Double, alpha: Double = 0.05, power: Double = 0.8, comparisons: Int = 1, method: SequentialMethod? = nil
    ) -> Double? {
        precondition(baseline > 0 && baseline < 1 && n > 0)
        func gap(_ p2: Double) -> Double {
            let z = criticalZ(perArm: n, baseline: baseline, treatment: p2, alpha: alpha / Double(comparisons), method: method)
            let mean = (baseline + p2) / 2
            let needed =
                z * (2 * mean * (1 - mean) / n).squareRoot()
                + Normal.quantile(power) * ((baseline * (1 - baseline) + p2 * (1 - p2)) / n).squareRoot()
            return p2 - baseline - needed
        }
        guard gap(1) > 0 else { return nil }
        var low = baseline
        var high = 1.0
        for _ in 0..<100 {
            let middle = (low + high) / 2
            if gap(middle) > 0 { high = middle } else { low = middle }
        }
        return high
    }

    /// The minimum detectable lift, relative to the baseline.
    public static func minimumDetectableLift(
        baseline: Double, perArm n: Double, alpha: Double = 0.05, power: Double = 0.8, comparisons: Int = 1, method: SequentialMethod? = nil
    ) -> Double? {
        minimumDetectableRate(baseline: baseline, perArm: n, alpha: alpha, power: power, comparisons: comparisons, method: method)
            .map { $0 / baseline - 1 }
    }

    /// Messages needed in each arm to detect `relativeLift` with `power`.
    public static func audiencePerArm(
        baseline: Double, relativeLift: Double, alpha: Double = 0.05, power: Double = 0.8, comparisons: Int = 1, method: SequentialMethod? = nil
    ) -> Double {
        let p2 = baseline * (1 + relativeLift)
        precondition(relativeLift > 0 && p2 < 1, "a lift keeps the rate below 100 %")
        let share = alpha / Double(comparisons)
        guard let method else { return SampleSize.perArm(baseline: baseline, treatment: p2, alpha: share, power: power) }
        // The sequential threshold depends on n, so solve n = perArm(criticalZ(n)) by bisection on log n.
        var low = log(2.0)
        var high = log(1e10)
        for _ in 0..<200 {
            let middle = (low + high) / 2
            let n = exp(middle)
            let z = criticalZ(perArm: n, baseline: baseline, treatment: p2, alpha: share, method: method)
            if SampleSize.perArm(baseline: baseline, treatment: p2, criticalZ: z, power: power) <= n { high = middle } else { low = middle }
        }
        return exp(high)
    }

    /// The whole test audience for `arms` variations (the control included) with equal shares,
    /// each treatment compared with the control.
    public static func testAudience(
        baseline: Double, relativeLift: Double, arms: Int, alpha: Double = 0.05, power: Double = 0.8, method: SequentialMethod? = nil
    ) -> Int {
        precondition(arms >= 2)
        let perArm = audiencePerArm(baseline: baseline, relativeLift: relativeLift, alpha: alpha, power: power, comparisons: arms - 1, method: method)
        return arms * Int(perArm.rounded(.up))
    }

    /// |z| needed to declare a difference: z(1 − α/2) at one look, the mixture's boundary for the sequential test.
    static func criticalZ(perArm n: Double, baseline: Double, treatment: Double, alpha: Double, method: SequentialMethod?) -> Double {
        guard let method else { return Normal.quantile(1 - alpha / 2) }
        let mean = (baseline + treatment) / 2
        let variance = 2 * mean * (1 - mean) / n
        let tau2 = SequentialTest.tau2(for: method, variance: variance, total: 2 * n)
        return SequentialTest.criticalZ(variance: variance, tau2: tau2, alpha: alpha)
    }
}
