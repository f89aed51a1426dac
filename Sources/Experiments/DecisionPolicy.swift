/// The rules a test is decided by; stored with the test so that every evaluation applies the same ones.
public struct DecisionPolicy: Sendable, Hashable, Codable {
    /// The chance of declaring a false winner, across all comparisons with the control.
    public var alpha: Double
    /// The always-valid test. For `.confidenceSequence`, set `plannedTotal` to two arms' planned messages.
    public var method: SequentialMethod
    /// No automatic decision, and no evidence counted, before every arm has this many matured messages.
    public var minimumPerArm: Int
    /// A sample-ratio-mismatch p-value below this stops automatic decisions.
    public var sampleRatioThreshold: Double
    /// Whether to compute the Bayesian summaries (shown beside the verdict, never part of it).
    public var includesBayesian: Bool
    /// Monte Carlo draws and seed for the Bayesian summaries with more than two arms.
    public var bayesianDraws: Int
    public var seed: UInt64

    public init(
        alpha: Double = 0.05, method: SequentialMethod = .confidenceSequence(plannedTotal: 5_000), minimumPerArm: Int = 100,
        sampleRatioThreshold: Double = SampleRatioCheck.defaultThreshold, includesBayesian: Bool = true, bayesianDraws: Int = 20_000,
        seed: UInt64 = 11
    ) {
        self.alpha = alpha
        self.method = method
        self.minimumPerArm = minimumPerArm
        self.sampleRatioThreshold = sampleRatioThreshold
        self.includesBayesian = includesBayesian
        self.bayesianDraws = bayesianDraws
        self.seed = seed
    }
}

/// One variation's counts at a look: `exposed` messages whose outcome window has passed, `successes` among them
/// with the metric's event inside the window, `assigned` all messages sent so far (for the ratio check), and the
/// planned traffic `share`.
public struct ArmCounts: Sendable, Hashable, Codable {
    public var name: String
    public var share: Double
    public var exposed: Int
    public var successes: Int
    public var assigned: Int

    public init(name: String, share: Double, exposed: Int, successes: Int, assigned: Int? = nil) {
        self.name = name
        self.share = share
        self.exposed = exposed
        self.successes = successes
        self.assigned = assigned ?? exposed
    }

    public var proportion: Proportion { Proportion(successes: successes, trials: exposed) }
}
