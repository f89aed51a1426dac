import Experiments
import Foundation

/// Reads a test's settings and variations from a request, with field paths for every error (design section 6).
/// Checking the variations against their templates is ``ABTestInput/check(_:accountID:metric:workspaceID:services:)``.
enum ABTestInput {
    static let settingsFields: Set<String> = [
        "test_percentage", "duration_hours", "success_metric", "outcome_window_seconds", "auto_send_winner", "inconclusive_policy", "allocation",
    ]
    /// The campaign's fields; with `campaign_id` they come from that campaign instead.
    static let campaignFields = ["name", "account_id", "audience"]
    static let configFields = settingsFields.union(campaignFields).union(["variations"])
    /// What a running or paused test may still change.
    static let runningConfigFields: Set<String> = ["duration_hours", "paused"]
    static let createFields = configFields.union(["campaign_id"])
    static let variationFields: Set<String> = ["name", "share", "template_id", "variables", "media_id", "cta_url"]
    static let maximumVariations = 5

    /// Applies the settings given to `settings` and checks the result as a whole.
    static func apply(_ reader: FieldReader, to settings: inout ABTestSettings) throws {
        if let value = try reader.integer("test_percentage") {
            guard (1...100).contains(value) else { throw APIError.invalid("test_percentage", "test_percentage is a whole percent from 1 to 100") }
            settings.testPercentage = Int(value)
        }
        if let value = try reader.integer("duration_hours") {
            guard (1...720).contains(value) else { throw APIError.invalid("duration_hours", "duration_hours is from 1 to 720 (30 days)") }
            settings.durationHours = Int(value)
        }
        if let text = try reader.string("success_metric") {
            guard let metric = SuccessMetric(rawValue: text) else {
                throw APIError.invalid("success_metric", "success_metric is one of \(SuccessMetric.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            settings.successMetric = metric
        }
        if let value = try reader.integer("outcome_window_seconds") {
            guard value >= 1 else { throw APIError.invalid("outcome_window_seconds", "outcome_window_seconds is at least 1") }
            settings.outcomeWindowSeconds = Int(min(value, Int64(Int32.max)))
        }
        if let value = try reader.boolean("auto_send_winner") { settings.autoSendWinner = value }
        if let text = try reader.string("inconclusive_policy") {
            guard let policy = InconclusivePolicy(rawValue: text) else {
                throw APIError.invalid(
                    "inconclusive_policy",
                    "inconclusive_policy is one of \(InconclusivePolicy.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            settings.inconclusivePolicy = policy
        }
        if let text = try reader.string("allocation") {
            guard let allocation = ABTestAllocation(rawValue: text) else {
                throw APIError.invalid("allocation", "allocation is one of \(ABTestAllocation.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            settings.allocation = allocation
        }
        // Every test message must have had its whole window before the duration ends, or arms are compared unequally.
        if settings.outcomeWindowSeconds >= settings.durationHours * 3600 {
            let field = reader.has("duration_hours") || !reader.has("outcome_window_seconds") ? "duration_hours" : "outcome_window_seconds"
            throw APIError.invalid(
                field,
                "the outcome window (\(settings.outcomeWindowSeconds) s) must be shorter than the duration (\(settings.durationHours) h)",
                code: "window_longer_than_duration"
            )
        }
    }

    /// The bandit needs 3 or more variations: with two, shifting traffic only costs the measurement.
    static func checkAllocation(_ test: ABTest) throws {
        guard test.settings.allocation == .thompson, test.variations.count < 3 else { return }
        throw APIError.invalid(
            "allocation",
            "Thompson sampling needs 3 or more variations; this test has \(test.variations.count)",
            code: "bandit_needs_three_variations"
        )
    }

    /// The variations given, in order (the first is the control), with shares resolved; nil when the field is absent.
    static func variations(_ reader: FieldReader) throws -> [ABTestVariation]? {
        guard let value = reader.fields["variations"], value != .null else { return nil }
        guard case .array(let items) = value else {
            throw APIError.invalid("variations", "variations must be a list, not \(value.typeName)", code: "invalid_type")
        }
        guard items.count >= 2 else {
            throw APIError.invalid("variations", "a test compares 2 to \(maximumVariations) variations; give at least 2", code: "too_few_variations")
        }
        guard items.count <= maximumVariations else {
            throw APIError.invalid(
                "variations",
                "a test compares at most \(maximumVariations) variations, not \(items.count)",
                code: "too_many_variations"
            )
        }
        var result: [ABTestVariation] = []
        var shares: [Int?] = []
        for (position, item) in items.enumerated() {
            let v = try FieldReader(item, path: "variations[\(position)]")
            try v.rejectUnknown(variationFields)
            let name = try v.string("name", maxLength: 100) ?? String(UnicodeScalar(UInt8(65 + position)))
            if result.contains(where: { $0.name.lowercased() == name.lowercased() }) {
                throw APIError.invalid(v.name("name"), "another variation is already named \(name)", code: "duplicate_name")
            }
            let share = try v.integer("share")
            if let share, !(1...99).contains(share) { throw APIError.invalid(v.name("share"), "share is a whole percent from 1 to 99") }
            shares.append(share.map(Int.init))
            guard let template = try v.string("template_id", required: true).flatMap(UUID.init(uuidString:)) else {
                throw APIError.invalid(v.name("template_id"), "template_id must be the id of a synced template")
            }
            let media = try v.string("media_id")
            guard media == nil || UUID(uuidString: media!) != nil else { throw APIError.invalid(v.name("media_id"), "media_id must be a UUID") }
            result.append(
                ABTestVariation(
                    id: .timeOrdered(),
                    position: position,
                    name: name,
                    share: 0,
                    templateID: template,
                    variables: try CampaignInput.variables(v),
                    mediaID: media.flatMap(UUID.init(uuidString:)),
                    ctaURL: try v.string("cta_url", maxLength: 2000)
                )
            )
        }
        let resolved = try resolve(shares)
        for index in result.indices { result[index].share = resolved[index] }
        return result
    }

    /// Every share given, or none (an equal split, 34/33/33 for three); they add up to 100.
    static func resolve(_ shares: [Int?]) throws -> [Int] {
        if shares.allSatisfy({ $0 == nil }) { return Assignment.equalShares(count: shares.count) }
        if let missing = shares.firstIndex(where: { $0 == nil }) {
            throw APIError.invalid("variations[\(missing)].share", "give every variation a share, or none for an equal split", code: "required")
        }
        let given = shares.map { $0! }
        let sum = given.reduce(0, +)
        guard sum == 100 else {
            throw APIError.invalid("variations", "shares add up to \(sum); they must add up to 100", code: "shares_do_not_add_up")
        }
        return given
    }
}

extension FieldReader {
    /// A true or false value; anything else is a 422 naming the field.
    func boolean(_ key: String) throws(APIError) -> Bool? {
        switch fields[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case let other?: throw APIError.invalid(name(key), "\(key) must be true or false, not \(other.typeName)", code: "invalid_type")
        }
    }
}
