/// The evaluation of an A/B test at one look: what the marketer sees and what the scheduler acts on.
///
/// Only the always-valid test (Holm-adjusted when there are several treatments) decides; the Bayesian
/// numbers are reported beside it. Arm 0 is the control.
public struct Decision: Sendable, Hashable, Codable {
    public enum Verdict: Sendable, Hashable, Codable {
        /// Some arm has fewer matured messages than the minimum.
        case notEnoughData
        /// The arms' sizes do not match their planned shares: something is broken, decide nothing.
        case sampleRatioMismatch
        /// The arms' sizes do not match their shares yet, but some of their messages are still queued or being sent
        /// (a batch held by a server that stopped, say): decide nothing until the sends have settled.
        case awaitingSends
        /// No arm is clearly better yet; keep sending and look again.
        case keepGoing
        /// This arm (an index into `arms`) is the winner.
        case winner(arm: Int)
        /// The test ended without enough evidence; its policy says what happens next.
        case inconclusive
    }

    public struct ArmSummary: Sendable, Hashable, Codable {
        public var name: String
        public var exposed: Int
        public var successes: Int
        public var rate: Double
        public var interval: Interval
        /// Bayesian, for display: nil when not computed.
        public var probabilityBest: Double?
        public var expectedLoss: Double?
    }

    /// A treatment against the control.
    public struct Comparison: Sendable, Hashable, Codable {
        public var arm: Int
        public var difference: Double
        /// Difference relative to the control's rate; nil when the control's rate is 0.
        public var relativeLift: Double?
        /// The always-valid interval for the difference at level alpha (not adjusted for several treatments).
        public var interval: Interval
        public var likelihoodRatio: Double
        /// Always-valid p-value, its smallest value over looks so far.
        public var pValue: Double
        /// Holm-adjusted across treatments (equal to `pValue` with one treatment).
        public var adjustedPValue: Double
        public var isSignificant: Bool
    }

    public var arms: [ArmSummary]
    public var comparisons: [Comparison]
    /// Store these and pass them as `previous` at the next look.
    public var pValues: [AlwaysValidPValue]
    public var sampleRatio: SampleRatioCheck
    /// The arm with the highest observed rate (the first on ties).
    public var leader: Int
    public var verdict: Verdict
    /// The verdict in plain words.
    public var explanation: String
}
