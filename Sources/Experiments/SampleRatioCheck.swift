/// The sample-ratio-mismatch check: were messages assigned in the planned shares? A mismatch means the
/// assignment or the counting is broken, and no result should be trusted until it is explained.
public struct SampleRatioCheck: Sendable, Hashable, Codable {
    public var observed: [Int]
    public var expectedShares: [Double]
    /// Pearson's chi-square statistic, sum of (observed − expected)² / expected.
    public var statistic: Double
    public var pValue: Double

    /// The default threshold: a p-value below 0.001 is a mismatch (rare enough to be worth stopping for).
    public static let defaultThreshold = 0.001

    public init(observed: [Int], expectedShares: [Double]) {
        precondition(observed.count == expectedShares.count && observed.count >= 2)
        precondition(expectedShares.allSatisfy { $0 > 0 }, "every arm has a positive share")
        self.observed = observed
        self.expectedShares = expectedShares
        let total = Double(observed.reduce(0, +))
        let shareSum = expectedShares.reduce(0, +)
        var statistic = 0.0
        if total > 0 {
            for (count, share) in zip(observed, expectedShares) {
                let expected = total * share / shareSum
                statistic += (Double(count) - expected) * (Double(count) - expected) / expected
            }
        }
        self.statistic = statistic
        self.pValue = total > 0 ? GammaFunction.chiSquareSurvival(statistic, degreesOfFreedom: observed.count - 1) : 1
    }

    public func isMismatch(threshold: Double = SampleRatioCheck.defaultThreshold) -> Bool { pValue < threshold }
}
