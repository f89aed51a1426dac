import Experiments
import Foundation

/// The body of `POST /api/ab-tests/plan`, checked field by field (design section 8): the metric, the audience
/// (`audience` as campaigns give it, everyone by default, or a plain `audience_size`), the test percentage, the
/// variations (a count, an equal split) or their `shares`, the outcome window, and optionally a `baseline_rate` and a
/// `wanted_lift` (relative: 0.2 is 20 % better).
struct ABTestPlanInput {
    static let fields: Set<String> = [
        "success_metric", "audience", "audience_size", "template_id", "test_percentage", "variations", "shares", "outcome_window_seconds",
        "baseline_rate", "wanted_lift",
    ]

    var metric = SuccessMetric.click
    var audience = Audience.everyone
    var audienceSize: Int?
    /// The control's template: a MARKETING one leaves out +1 numbers, as the freeze does.
    var templateID: UUID?
    var testPercentage = 20
    var shares = Assignment.equalShares(count: 2)
    var outcomeWindowSeconds = 3600
    var baselineRate: Double?
    var wantedLift: Double?

    init(_ reader: FieldReader) throws {
        try reader.rejectUnknown(Self.fields)
        var settings = ABTestSettings()
        settings.durationHours = 720
        try ABTestInput.apply(reader, to: &settings)
        metric = settings.successMetric
        testPercentage = settings.testPercentage
        outcomeWindowSeconds = settings.outcomeWindowSeconds
        if let audience = try CampaignInput.audience(reader) {
            if reader.has("audience_size") { throw APIError.invalid("audience_size", "give audience or audience_size, not both") }
            self.audience = audience
        }
        if let size = try reader.integer("audience_size") {
            guard (0...1_000_000_000).contains(size) else { throw APIError.invalid("audience_size", "audience_size is from 0 to 1,000,000,000") }
            audienceSize = Int(size)
        }
        if let text = try reader.string("template_id") {
            guard let id = UUID(uuidString: text) else { throw APIError.invalid("template_id", "template_id must be the id of a synced template") }
            templateID = id
        }
        shares = try Self.shares(reader)
        baselineRate = try reader.fraction("baseline_rate")
        if let rate = baselineRate, !(rate > 0 && rate < 1) {
            throw APIError.invalid("baseline_rate", "baseline_rate is a rate between 0 and 1, such as 0.12 for 12 %")
        }
        wantedLift = try reader.fraction("wanted_lift")
        if let lift = wantedLift, !(lift > 0 && lift <= 100) {
            throw APIError.invalid("wanted_lift", "wanted_lift is a relative lift above 0, such as 0.2 for a rate 20 % higher")
        }
    }

    /// `shares` (whole percents, 2 to 5, adding up to 100), else an equal split among `variations` (2 to 5, default 2).
    static func shares(_ reader: FieldReader) throws -> [Int] {
        let maximum = ABTestInput.maximumVariations
        let count = try reader.integer("variations")
        if let count {
            guard count >= 2 else { throw APIError.invalid("variations", "a test compares 2 to \(maximum) variations", code: "too_few_variations") }
            guard count <= maximum else {
                throw APIError.invalid("variations", "a test compares at most \(maximum) variations, not \(count)", code: "too_many_variations")
            }
        }
        guard let value = reader.fields["shares"], value != .null else { return Assignment.equalShares(count: Int(count ?? 2)) }
        guard case .array(let items) = value else {
            throw APIError.invalid("shares", "shares must be a list of whole percents", code: "invalid_type")
        }
        guard (2...maximum).contains(items.count) else {
            throw APIError.invalid("shares", "a test compares 2 to \(maximum) variations, not \(items.count)")
        }
        if let count, count != items.count { throw APIError.invalid("shares", "\(items.count) shares for \(count) variations") }
        var shares: [Int] = []
        for (index, item) in items.enumerated() {
            guard case .number(let share) = item, share.rounded() == share, (1...99).contains(share) else {
                throw APIError.invalid("shares[\(index)]", "a share is a whole percent from 1 to 99")
            }
            shares.append(Int(share))
        }
        let sum = shares.reduce(0, +)
        guard sum == 100 else { throw APIError.invalid("shares", "shares add up to \(sum); they must add up to 100", code: "shares_do_not_add_up") }
        return shares
    }
}

extension FieldReader {
    /// A number that may have a fraction; anything else is a 422 naming the field.
    fileprivate func fraction(_ key: String) throws(APIError) -> Double? {
        switch fields[key] {
        case nil, .null?: return nil
        case .number(let value)?: return value
        case let other?: throw APIError.invalid(name(key), "\(key) must be a number, not \(other.typeName)", code: "invalid_type")
        }
    }
}
