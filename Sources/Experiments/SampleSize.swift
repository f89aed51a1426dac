/// Sample size for a fixed-horizon comparison of two rates.
public enum SampleSize {
    /// n per arm = [z(1 − α/2) sqrt(2 p̄ q̄) + z(1 − β) sqrt(p1 q1 + p2 q2)]² / (p2 − p1)², with p̄ = (p1 + p2) / 2.
    public static func perArm(baseline p1: Double, treatment p2: Double, alpha: Double = 0.05, power: Double = 0.8) -> Double {
        perArm(baseline: p1, treatment: p2, criticalZ: Normal.quantile(1 - alpha / 2), power: power)
    }

    static func perArm(baseline p1: Double, treatment p2: Double, criticalZ: Double, power: Double) -> Double {
        let mean = (p1 + p2) / 2
        let root = criticalZ * (2 * mean * (1 - mean)).squareRoot() + Normal.quantile(power) * (p1 * (1 - p1) + p2 * (1 - p2)).squareRoot()
        return root * root / ((p2 - p1) * (p2 - p1))
    }
}
