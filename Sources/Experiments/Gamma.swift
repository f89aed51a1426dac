import Foundation

/// Log-gamma, log-beta and the regularized incomplete gamma function, for Bayesian sums and chi-square tails.
public enum GammaFunction {
    /// ln Γ(x) for x > 0. Uses the reentrant C function: plain `lgamma` writes a global sign.
    public static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        logGamma(a) + logGamma(b) - logGamma(a + b)
    }

    /// Q(a, x) = Γ(a, x) / Γ(a), the regularized upper incomplete gamma function
    /// (series below a + 1, Lentz's continued fraction above, as in Numerical Recipes).
    public static func regularizedUpper(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0, "the shape is positive")
        if x <= 0 { return 1 }
        let logPrefix = -x + a * log(x) - logGamma(a)
        if x < a + 1 {
            var term = 1 / a
            var sum = term
            var ap = a
            for _ in 0..<10_000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return max(0, 1 - sum * exp(logPrefix))
        }
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(logPrefix) * h
    }

    /// P(χ²_df ≥ x), the upper tail of the chi-square distribution.
    public static func chiSquareSurvival(_ x: Double, degreesOfFreedom df: Int) -> Double {
        regularizedUpper(Double(df) / 2, x / 2)
    }
}
