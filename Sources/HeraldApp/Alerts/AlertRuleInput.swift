import Foundation

/// Reads a rule from a request body over an existing rule (or defaults for a new one), with a 422 per bad field.
/// Built-in rules accept only threshold, window_seconds, min_volume and enabled.
enum AlertRuleInput {
    static let fields: Set<String> = [
        "name", "metric", "comparison", "threshold", "window_seconds", "min_volume", "scope", "campaign_id", "error_code", "level", "enabled",
    ]
    static let builtinFields: Set<String> = ["threshold", "window_seconds", "min_volume", "enabled"]

    /// A new custom rule's starting point before the body is applied.
    static func blank(workspaceID: UUID, now: Date) -> AlertRule {
        AlertRule(
            id: UUID.timeOrdered(), workspaceID: workspaceID, builtin: nil, name: "", metric: .deliveryRate, comparison: .below, threshold: .nan,
            windowSeconds: 3600, minVolume: 0, scope: .eachCampaign, campaignID: nil, errorCode: nil, level: .warning, enabled: true,
            createdAt: now, updatedAt: now
        )
    }

    static func apply(_ reader: FieldReader, to original: AlertRule, creating: Bool, now: Date) throws -> AlertRule {
        var rule = original
        if rule.builtin != nil {
            if let other = reader.fields.keys.sorted().first(where: { !builtinFields.contains($0) && fields.contains($0) }) {
                throw APIError.invalid(other, "a built-in rule's \(other) cannot be changed (only threshold, window_seconds, min_volume, enabled)",
                    code: "builtin_field")
            }
            try reader.rejectUnknown(builtinFields)
        } else {
            try reader.rejectUnknown(fields)
        }
        if let name = try reader.string("name", required: creating, maxLength: 200) { rule.name = name }
        if let text = try reader.string("metric", required: creating, maxLength: 40) {
            guard let metric = AlertRule.Metric(rawValue: text), AlertRule.Metric.custom.contains(metric) else {
                throw APIError.invalid(
                    "metric", "metric is one of \(AlertRule.Metric.custom.map(\.rawValue).joined(separator: ", ")) (the others are built in only)")
            }
            rule.metric = metric
            if !reader.has("comparison") { rule.comparison = metric == .errorCodeSpike ? .above : .below }
        }
        if let text = try reader.string("comparison", maxLength: 10) {
            guard let comparison = AlertRule.Comparison(rawValue: text) else { throw APIError.invalid("comparison", "comparison is below or above") }
            rule.comparison = comparison
        }
        if reader.has("threshold") || creating {
            guard case .number(let threshold)? = reader.fields["threshold"] else {
                throw APIError.invalid("threshold", "threshold is required: a number", code: reader.has("threshold") ? "invalid_type" : "required")
            }
            rule.threshold = threshold
        }
        if let seconds = try reader.integer("window_seconds") { rule.windowSeconds = Int(seconds) }
        if let volume = try reader.integer("min_volume") { rule.minVolume = Int(volume) }
        if let text = try reader.string("scope", maxLength: 20) {
            guard let scope = AlertRule.Scope(rawValue: text) else { throw APIError.invalid("scope", "scope is workspace, each_campaign or campaign") }
            rule.scope = scope
        }
        if reader.has("campaign_id") {
            rule.campaignID = try reader.string("campaign_id", maxLength: 40).map { text in
                guard let id = UUID(uuidString: text) else { throw APIError.invalid("campaign_id", "campaign_id is a campaign's id") }
                return id
            }
        }
        if reader.has("error_code") { rule.errorCode = try reader.integer("error_code").map { Int($0) } }
        if let text = try reader.string("level", maxLength: 10) {
            guard let level = AlertRule.Level(rawValue: text) else { throw APIError.invalid("level", "level is info, warning or critical") }
            rule.level = level
        }
        switch reader.fields["enabled"] {
        case nil, .null?: break
        case .bool(let enabled)?: rule.enabled = enabled
        case let other?: throw APIError.invalid("enabled", "enabled must be true or false, not \(other.typeName)", code: "invalid_type")
        }
        rule.updatedAt = now
        try validate(rule)
        return rule
    }

    /// Checks the rule as a whole: ranges, and the fields that go together.
    static func validate(_ rule: AlertRule) throws {
        if rule.metric.isRate, !(0...1).contains(rule.threshold) {
            throw APIError.invalid("threshold", "threshold of a rate is a number from 0 to 1 (0.9 is 90 %)")
        }
        if !rule.metric.isRate, !rule.threshold.isFinite || rule.threshold < 0 || rule.threshold > 1_000_000 {
            throw APIError.invalid("threshold", "threshold is a number from 0")
        }
        guard (60...2_592_000).contains(rule.windowSeconds) else {
            throw APIError.invalid("window_seconds", "window_seconds is from 60 (a minute) to 2592000 (30 days)")
        }
        guard (0...1_000_000_000).contains(rule.minVolume) else { throw APIError.invalid("min_volume", "min_volume is a whole number from 0") }
        guard rule.builtin == nil else { return }
        if rule.scope == .campaign, rule.campaignID == nil {
            throw APIError.invalid("campaign_id", "a rule with scope campaign names its campaign_id", code: "required")
        }
        if rule.scope != .campaign, rule.campaignID != nil {
            throw APIError.invalid("campaign_id", "campaign_id goes with scope campaign only")
        }
        if rule.errorCode != nil, rule.metric != .errorCodeSpike {
            throw APIError.invalid("error_code", "error_code goes with metric error_code_spike only")
        }
        if rule.metric == .errorCodeSpike, rule.scope != .workspace {
            throw APIError.invalid("scope", "an error code spike is measured over the workspace: scope workspace")
        }
    }
}
