import Experiments
import Foundation

/// The planner's answer (design section 8): the audience and its split, the baseline rate, the smallest lift the test
/// can detect, the audience a wanted lift needs, and a warning when the test is too small to find a realistic lift.
struct ABTestPlan: Encodable, Sendable, Equatable {
    var audienceSize: Int
    var testAudienceSize: Int
    /// Contacts per variation, by position; the smallest decides what the test can detect.
    var armSizes: [Int]
    var smallestArm: Int
    var baseline: Baseline
    var detectableLift: Lift?
    /// The test audience a `wanted_lift` needs with these shares; nil when none was asked for or there is no baseline.
    var neededTestAudience: Int?
    var warnings: [String]

    struct Baseline: Encodable, Sendable, Equatable {
        enum Source: String, Encodable, Sendable { case history, entered, none }
        var rate: Double?
        var source: Source
        /// Campaign messages of the last 90 days that have had their window; nil when the rate was entered.
        var messages: Int?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(rate, forKey: .rate)
            try c.encode(source, forKey: .source)
            try c.encode(messages, forKey: .messages)
        }
        enum CodingKeys: String, CodingKey { case rate, source, messages }
    }

    struct Lift: Encodable, Sendable, Equatable {
        var absolute: Double
        var relative: Double
    }

    enum CodingKeys: String, CodingKey {
        case audienceSize = "audience_size", testAudienceSize = "test_audience_size", armSizes = "arm_sizes", smallestArm = "smallest_arm"
        case baseline, detectableLift = "detectable_lift", neededTestAudience = "needed_test_audience", warning
    }

    /// Every key present, null when unset; the warnings in one sentence each, joined.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(audienceSize, forKey: .audienceSize)
        try c.encode(testAudienceSize, forKey: .testAudienceSize)
        try c.encode(armSizes, forKey: .armSizes)
        try c.encode(smallestArm, forKey: .smallestArm)
        try c.encode(baseline, forKey: .baseline)
        try c.encode(detectableLift, forKey: .detectableLift)
        try c.encode(neededTestAudience, forKey: .neededTestAudience)
        try c.encode(warnings.isEmpty ? nil : warnings.joined(separator: " "), forKey: .warning)
    }
}

/// The planner's arithmetic, pure: the same always-valid test the decision runs (the confidence sequence tuned to
/// twice the smallest arm, as `ABTestResultsReader` tunes it), at 80 % power and α 0.05 split among the comparisons.
enum ABTestPlanning {
    static let alpha = 0.05
    static let power = 0.8
    /// Fewer history messages than this give no baseline: the page asks for a rate instead.
    static let minimumHistory = 1000
    /// A test that cannot detect a relative lift this large is worth a warning (our threshold).
    static let realisticLift = 0.25
    /// The stored default of `ab_tests.min_per_arm`: no automatic decision before every arm has this many.
    static let minimumPerArm = 100

    static func method(smallestArm: Int) -> SequentialMethod {
        .confidenceSequence(plannedTotal: max(2 * smallestArm, 2 * minimumPerArm), alpha: alpha)
    }

    /// The baseline to plan with: the entered rate, else history with enough messages, else none.
    static func baseline(entered: Double?, history: (messages: Int, successes: Int)?) -> ABTestPlan.Baseline {
        if let entered { return .init(rate: entered, source: .entered, messages: nil) }
        guard let history, history.messages >= minimumHistory else { return .init(rate: nil, source: .none, messages: history?.messages ?? 0) }
        return .init(rate: Double(history.successes) / Double(history.messages), source: .history, messages: history.messages)
    }

    static func plan(audienceSize: Int, testPercentage: Int, shares: [Int], metric: SuccessMetric, baseline: ABTestPlan.Baseline, wantedLift: Double?)
        -> ABTestPlan
    {
        let sizes = Assignment.armSizes(audience: audienceSize, testPercentage: testPercentage, shares: shares)
        let smallest = sizes.arms.min() ?? 0
        var plan = ABTestPlan(
            audienceSize: audienceSize,
            testAudienceSize: sizes.testAudience,
            armSizes: sizes.arms,
            smallestArm: smallest,
            baseline: baseline,
            warnings: []
        )
        let comparisons = shares.count - 1
        guard let rate = baseline.rate, rate > 0, rate < 1 else {
            if smallest < minimumPerArm { plan.warnings.append(fewMessages(smallest)) }
            return plan
        }
        if smallest > 0,
            let detectable = Planner.minimumDetectableRate(
                baseline: rate,
                perArm: Double(smallest),
                alpha: alpha,
                power: power,
                comparisons: comparisons,
                method: method(smallestArm: smallest)
            )
        {
            plan.detectableLift = .init(absolute: detectable - rate, relative: detectable / rate - 1)
        }
        if let wantedLift { plan.neededTestAudience = neededTestAudience(baseline: rate, relativeLift: wantedLift, shares: shares) }
        if smallest < minimumPerArm {
            plan.warnings.append(fewMessages(smallest))
        } else if (plan.detectableLift?.relative ?? .infinity) > realisticLift {
            plan.warnings.append(tooSmall(plan.detectableLift?.relative, rate: rate, metric: metric))
        }
        return plan
    }

    /// The smallest test audience whose smallest arm (split by these shares) detects `relativeLift`; nil if none up to
    /// a billion messages per arm does.
    static func neededTestAudience(baseline: Double, relativeLift: Double, shares: [Int]) -> Int? {
        func detects(_ n: Int) -> Bool {
            let lift = Planner.minimumDetectableLift(
                baseline: baseline,
                perArm: Double(n),
                alpha: alpha,
                power: power,
                comparisons: shares.count - 1,
                method: method(smallestArm: n)
            )
            return lift.map { $0 <= relativeLift } ?? false
        }
        var low = 1
        var high = 1_000_000_000
        guard detects(high) else { return nil }
        while low < high {
            let middle = (low + high) / 2
            if detects(middle) { high = middle } else { low = middle + 1 }
        }
        // The smallest arm by largest remainder can fall short of total × share: grow until it holds `low`.
        var total = max(0, Int((Double(low) * 100 / Double(shares.min()!)).rounded(.up)) - shares.count)
        while Assignment.armSizes(audience: total, testPercentage: 100, shares: shares).arms.min()! < low { total += 1 }
        return total
    }

    static func fewMessages(_ smallest: Int) -> String {
        "each variation gets as few as \(smallest) messages; Herald decides by itself only once every variation has \(minimumPerArm)."
    }

    static func tooSmall(_ lift: Double?, rate: Double, metric: SuccessMetric) -> String {
        let over = "over a \(metric.rawValue) rate of \(percent(rate))"
        guard let lift else { return "this test cannot detect any lift \(over); give it a larger test audience." }
        return "this test can only detect a lift of \(Int((lift * 100).rounded())) % or more \(over); a larger test audience detects smaller lifts."
    }

    static func percent(_ rate: Double) -> String {
        let value = rate * 100
        return value >= 10 ? "\(Int(value.rounded())) %" : String(format: "%.1f %%", value)
    }
}
