import Foundation

/// A performance alert rule (docs/design-analytics.md section 7): what to measure, when it is bad, over which window,
/// from how much volume on, and for which scope. Built-in rules exist in every workspace and cannot be deleted.
struct AlertRule: Sendable, Encodable, Equatable {
    enum Metric: String, Sendable, Codable, CaseIterable {
        case deliveryRate = "delivery_rate", readRate = "read_rate", clickRate = "click_rate", replyRate = "reply_rate"
        case conversionRate = "conversion_rate", errorCodeSpike = "error_code_spike", readRateVsNorm = "read_rate_vs_norm"
        case spendOverBudget = "spend_over_budget", templateStatus = "template_status", abTestOutcome = "ab_test_outcome"

        /// Metrics a person may use in a rule of their own; the others exist only as built-ins.
        static let custom: [Metric] = [.deliveryRate, .readRate, .clickRate, .replyRate, .conversionRate, .errorCodeSpike]
        /// Rates between 0 and 1 (the threshold is a rate too).
        var isRate: Bool { [.deliveryRate, .readRate, .clickRate, .replyRate, .conversionRate].contains(self) }
        /// Fired where the event is applied, not by the evaluation worker.
        var isEvent: Bool { self == .templateStatus || self == .abTestOutcome }
    }
    enum Comparison: String, Sendable, Codable, CaseIterable { case below, above }
    enum Scope: String, Sendable, Codable, CaseIterable {
        case workspace, eachCampaign = "each_campaign", campaign
    }
    enum Level: String, Sendable, Codable, CaseIterable { case info, warning, critical }

    var id: UUID
    var workspaceID: UUID
    var builtin: String?
    var name: String
    var metric: Metric
    var comparison: Comparison
    var threshold: Double
    var windowSeconds: Int
    var minVolume: Int
    var scope: Scope
    var campaignID: UUID?
    var errorCode: Int?
    var level: Level
    var enabled: Bool
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, builtin, name, metric, comparison, threshold, scope, level, enabled
        case workspaceID = "workspace_id", windowSeconds = "window_seconds", minVolume = "min_volume", campaignID = "campaign_id"
        case errorCode = "error_code", createdAt = "created_at", updatedAt = "updated_at"
    }

    /// Whether `value` is on the bad side of the threshold.
    func breaches(_ value: Double) -> Bool {
        switch comparison {
        case .below: value < threshold
        case .above: value > threshold
        }
    }
}

/// The rules every workspace has (thresholds marked "our numbers" in the design: a product owner may change them).
enum AlertBuiltin: String, Sendable, CaseIterable {
    case deliveryRate = "delivery_rate", errorCodeSpike = "error_code_spike", readRateVsNorm = "read_rate_vs_norm"
    case templateStatus = "template_status", abTestOutcome = "ab_test_outcome", spendOverBudget = "spend_over_budget"

    /// name, metric, comparison, threshold, window, minimum volume, scope, level.
    var definition: (String, AlertRule.Metric, AlertRule.Comparison, Double, Int, Int, AlertRule.Scope, AlertRule.Level) {
        switch self {
        case .deliveryRate: ("Delivery rate under 90 % in the last hour", .deliveryRate, .below, 0.90, 3600, 200, .eachCampaign, .warning)
        case .errorCodeSpike: ("Spike of one error code", .errorCodeSpike, .above, 5, 3600, 50, .workspace, .warning)
        case .readRateVsNorm: ("Read rate far under the workspace norm", .readRateVsNorm, .below, 3, 86400, 500, .eachCampaign, .warning)
        case .templateStatus: ("Template paused or downgraded by Meta", .templateStatus, .above, 0, 3600, 0, .workspace, .warning)
        case .abTestOutcome: ("A/B test decided or ended inconclusive", .abTestOutcome, .above, 0, 3600, 0, .workspace, .info)
        case .spendOverBudget: ("Spend over the campaign budget", .spendOverBudget, .above, 1, 3600, 0, .eachCampaign, .warning)
        }
    }
}
