/// How recipients react to a template: outcome rates and mean delays.
///
/// Rates are chained: `readRate` is a share of delivered messages, `clickRate`, `quickReplyRate`
/// and `textReplyRate` of read ones, `stopRate` of delivered ones. Delays are mean seconds of an
/// exponential draw (before `SimulatorConfig.timeScale`), each counted from the previous step.
/// Decoding accepts any subset of the fields; missing ones keep their defaults.
public struct TemplateBehaviour: Sendable, Codable, Equatable {
    public var deliverRate: Double
    public var readRate: Double
    public var clickRate: Double
    public var quickReplyRate: Double
    public var textReplyRate: Double
    public var stopRate: Double
    /// Error code → share of messages that fail with it (a `failed` status webhook with `errors[]`).
    public var failures: [Int: Double]
    public var sentDelay: Double
    public var deliveredDelay: Double
    public var readDelay: Double
    public var clickDelay: Double
    public var replyDelay: Double

    public init(
        deliverRate: Double = 0.95,
        readRate: Double = 0.6,
        clickRate: Double = 0.15,
        quickReplyRate: Double = 0.05,
        textReplyRate: Double = 0.03,
        stopRate: Double = 0.01,
        failures: [Int: Double] = [131026: 0.02],
        sentDelay: Double = 0.2,
        deliveredDelay: Double = 1.0,
        readDelay: Double = 5.0,
        clickDelay: Double = 8.0,
        replyDelay: Double = 10.0
    ) {
        self.deliverRate = deliverRate
        self.readRate = readRate
        self.clickRate = clickRate
        self.quickReplyRate = quickReplyRate
        self.textReplyRate = textReplyRate
        self.stopRate = stopRate
        self.failures = failures
        self.sentDelay = sentDelay
        self.deliveredDelay = deliveredDelay
        self.readDelay = readDelay
        self.clickDelay = clickDelay
        self.replyDelay = replyDelay
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = TemplateBehaviour()
        self.init(
            deliverRate: try c.decodeIfPresent(Double.self, forKey: .deliverRate) ?? d.deliverRate,
            readRate: try c.decodeIfPresent(Double.self, forKey: .readRate) ?? d.readRate,
            clickRate: try c.decodeIfPresent(Double.self, forKey: .clickRate) ?? d.clickRate,
            quickReplyRate: try c.decodeIfPresent(Double.self, forKey: .quickReplyRate) ?? d.quickReplyRate,
            textReplyRate: try c.decodeIfPresent(Double.self, forKey: .textReplyRate) ?? d.textReplyRate,
            stopRate: try c.decodeIfPresent(Double.self, forKey: .stopRate) ?? d.stopRate,
            failures: try c.decodeIfPresent([Int: Double].self, forKey: .failures) ?? d.failures,
            sentDelay: try c.decodeIfPresent(Double.self, forKey: .sentDelay) ?? d.sentDelay,
            deliveredDelay: try c.decodeIfPresent(Double.self, forKey: .deliveredDelay) ?? d.deliveredDelay,
            readDelay: try c.decodeIfPresent(Double.self, forKey: .readDelay) ?? d.readDelay,
            clickDelay: try c.decodeIfPresent(Double.self, forKey: .clickDelay) ?? d.clickDelay,
            replyDelay: try c.decodeIfPresent(Double.self, forKey: .replyDelay) ?? d.replyDelay
        )
    }

    /// Never fails, everyone reads, nobody reacts: handy for tests of the happy path.
    public static let perfect = TemplateBehaviour(
        deliverRate: 1,
        readRate: 1,
        clickRate: 0,
        quickReplyRate: 0,
        textReplyRate: 0,
        stopRate: 0,
        failures: [:]
    )
}
