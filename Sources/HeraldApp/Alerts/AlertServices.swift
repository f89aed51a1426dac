import Foundation
import Storage

/// How alerts are evaluated and delivered (from `HeraldConfig`; tests shorten the times).
public struct AlertSettings: Sendable {
    /// Seconds between two evaluations of a workspace's rules.
    public var interval: TimeInterval = 60
    /// Seconds at the end of every window left out, so messages just sent do not count as undelivered.
    public var grace: TimeInterval = 300
    /// The first retry's delay of a notification that failed; each later one doubles (at most an hour).
    public var retryBase: TimeInterval = 30
    /// Plain-http webhook URLs (only for testing: a signed alert should not cross a network in clear).
    public var allowHTTP = false

    public init() {}
}

/// The stores the alert routes, pages and worker share.
struct AlertServices: Sendable {
    let database: Database
    let rules: AlertRuleStore
    let webhooks: AlertWebhookStore
    let outbox: AlertOutbox
    let settings: AlertSettings

    init(database: Database, secretKey: SecretKey, settings: AlertSettings) {
        self.database = database
        self.rules = AlertRuleStore(database: database)
        self.webhooks = AlertWebhookStore(database: database, secretKey: secretKey)
        self.outbox = AlertOutbox(database: database)
        self.settings = settings
    }

    var retryPolicy: AlertRetryPolicy { AlertRetryPolicy(base: settings.retryBase) }
}

extension HeraldConfig {
    /// `HERALD_ALERT_EVALUATION_SECONDS` (default 60), `HERALD_ALERT_GRACE_SECONDS` (300),
    /// `HERALD_ALERT_RETRY_BASE_SECONDS` (30) and `HERALD_ALLOW_HTTP_WEBHOOKS=1`.
    static func resolveAlerts(_ config: inout HeraldConfig, value: (String) -> String?) throws {
        func seconds(_ name: String, _ range: ClosedRange<Double>) throws -> Double? {
            guard let text = value(name) else { return nil }
            guard let seconds = Double(text), range.contains(seconds) else {
                throw ConfigError(name, "must be a number of seconds from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
            }
            return seconds
        }
        if let interval = try seconds("HERALD_ALERT_EVALUATION_SECONDS", 0.1...3600) { config.alerts.interval = interval }
        if let grace = try seconds("HERALD_ALERT_GRACE_SECONDS", 0...3600) { config.alerts.grace = grace }
        if let base = try seconds("HERALD_ALERT_RETRY_BASE_SECONDS", 0.05...3600) { config.alerts.retryBase = base }
        if let text = value("HERALD_ALLOW_HTTP_WEBHOOKS") {
            guard ["0", "1", "true", "false"].contains(text.lowercased()) else {
                throw ConfigError("HERALD_ALLOW_HTTP_WEBHOOKS", "must be 1 or 0, got '\(text)'")
            }
            config.alerts.allowHTTP = text == "1" || text.lowercased() == "true"
        }
    }
}
