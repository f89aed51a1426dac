import Foundation

/// Keeping the chance of any false winner at alpha when several variations are each compared with the control.
public enum MultipleComparisons {
    /// Holm's step-down adjusted p-values, in the input order: sorted ascending, the i-th (from 0) becomes
    /// max over j ≤ i of min(1, (m − j) p_(j)).
    public static func holm(_ pValues: [Double]) -> [Double] {
        let m = pValues.count
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var adjusted = [Double](repeating: 1, count: m)
        var running = 0.0
        for (rank, index) in order.enumerated() {
            running = max(running, min(1, Double(m - rank) * pValues[index]))
            adjusted[index] = running
        }
        return adjusted
    }

    /// z(1 − alpha / (2m)).
    public static func bonferroniCriticalZ(comparisons m: Int, alpha: Double = 0.05) -> Double {
        Normal.quantile(1 - alpha / (2 * Double(m)))
    }

    /// Dunnett's two-sided critical z for `treatments` arms each compared with one control, equal allocation
    /// (correlation 0.5), large samples: the c with P(max |Z_i| ≤ c) = 1 − alpha, where
    /// P = ∫ φ(w) [Φ((c − √ρ w)/√(1 − ρ)) − Φ((−c − √ρ w)/√(1 − ρ))]^k dw, by Simpson's rule and bisection.
    public static func dunnettCriticalZ(treatments k: Int, alpha: Double = 0.05, correlation rho: Double = 0.5) -> Double {
        precondition(k >= 1)
        let a = rho.squareRoot()
        let b = (1 - rho).squareRoot()
        func coverage(_ c: Double) -> Double {
            let intervals = 2_000
            let limit = 9.0
            let h = 2 * limit / Double(intervals)
            var sum = 0.0
            for i in 0...intervals {
                let w = -limit + Double(i) * h
                let inside = Normal.cdf((c - a * w) / b) - Normal.cdf((-c - a * w) / b)
                let weight: Double = i == 0 || i == intervals ? 1 : (i % 2 == 1 ? 4 : 2)
                sum += weight * Normal.density(w) * pow(inside, Double(k))
            }
            return sum * h / 3
        }
        var low = 0.0
        var high = 10.0
        for _ in 0..<60 {
            let middle = (low + high) / 2
            if coverage(middle) < 1 - alpha { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }
}
