/// Successes out of trials for one arm, e.g. clicks within the outcome window out of matured messages.
public struct Proportion: Sendable, Hashable, Codable {
    public var successes: Int
    public var trials: Int

    public init(successes: Int, trials: Int) {
        precondition(trials >= 0 && successes >= 0 && successes <= trials, "0 <= successes <= trials")
        self.successes = successes
        self.trials = trials
    }

    public var failures: Int { trials - successes }

    /// The observed rate; 0 when nothing has been observed.
    public var rate: Double { trials == 0 ? 0 : Double(successes) / Double(trials) }

    /// The Wilson score interval: unlike the Wald interval it stays inside [0, 1] and keeps
    /// its coverage near 0 % and 100 %, where click and reply rates live.
    public func wilsonInterval(confidence: Double = 0.95) -> Interval {
        guard trials > 0 else { return Interval(lower: 0, upper: 1) }
        let z = Normal.quantile(1 - (1 - confidence) / 2)
        let n = Double(trials)
        let p = rate
        let z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let halfWidth = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return Interval(lower: max(0, centre - halfWidth), upper: min(1, centre + halfWidth))
    }
}

/// A closed interval of real numbers.
public struct Interval: Sendable, Hashable, Codable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }
}
