import Foundation

/// Delays between retries of a failed send.
public enum Backoff {
    /// Exponential backoff with equal jitter: the ceiling is `base * 2^attempt` capped at `cap`,
    /// and the delay lies between half the ceiling and the ceiling, so retries from many workers
    /// spread out without ever retrying immediately.
    ///
    /// - Parameters:
    ///   - attempt: retries so far (0 for the first retry).
    ///   - random: a number in `0..<1`, injected so the result is testable.
    public static func delay(attempt: Int, base: Double = 1, cap: Double = 300, random: Double) -> Double {
        let exponent = Double(min(max(attempt, 0), 62))
        let ceiling = min(cap, base * pow(2, exponent))
        let jitter = min(max(random, 0), 1)
        return ceiling / 2 + ceiling / 2 * jitter
    }

    /// `delay(attempt:base:cap:random:)` with the system random number generator.
    public static func delay(attempt: Int, base: Double = 1, cap: Double = 300) -> Double {
        delay(attempt: attempt, base: base, cap: cap, random: Double.random(in: 0..<1))
    }

    /// The wait after the pair rate limit (131056): `4^attempt` seconds, capped. `attempt` counts
    /// the pair-rate failures for this recipient so far (1 after the first → 4 s, then 16 s, 64 s…).
    public static func pairRateDelay(attempt: Int, cap: Double = 3_600) -> Double {
        min(cap, pow(4, Double(min(max(attempt, 0), 31))))
    }
}
