import Foundation
import SQLKit
import Storage

/// One evaluation of a workspace's metric rules: opens an episode where a condition holds with enough volume, closes
/// it where the condition no longer holds with enough volume, or where two windows passed without enough volume.
struct AlertEvaluator: Sendable {
    let database: Database
    /// Seconds at the end of every window left out, so messages just sent do not count as undelivered yet.
    let grace: TimeInterval

    struct Result: Sendable, Equatable {
        var fired: [UUID] = []
        var resolved: [UUID] = []
    }

    @discardableResult
    func evaluate(workspaceID: UUID, now: Date = Date()) async throws -> Result {
        let rules = try await database.transaction { sql in
            try await AlertRuleStore.ensureBuiltins(workspaceID: workspaceID, now: now, in: sql)
            return try await AlertRuleStore.all(workspaceID: workspaceID, in: sql)
        }
        var result = Result()
        for rule in rules where !rule.metric.isEvent {
            try await evaluate(rule, now: now, into: &result)
        }
        return result
    }

    func evaluate(_ rule: AlertRule, now: Date, into result: inout Result) async throws {
        let open = try await database.read { sql in
            try await sql.raw("SELECT scope_key FROM alerts WHERE rule_id = \(bind: rule.id) AND resolved_at IS NULL").all()
                .map { try $0.decode(column: "scope_key", as: String.self) }
        }
        guard rule.enabled else {
            for key in open { try await resolve(rule, key, reason: "the rule was switched off", now: now, into: &result) }
            return
        }
        let window = TimeInterval(rule.windowSeconds)
        let readings = try await database.read { sql in try await AlertMeasure.measure(rule, window: window, grace: grace, now: now, in: sql) }
        let dialect = database.dialect
        for reading in readings.values.sorted(by: { $0.scopeKey < $1.scopeKey }) where reading.volume >= Int64(rule.minVolume) {
            if reading.breached {
                let firing = AlertFiring(
                    rule: rule, scopeKey: reading.scopeKey, value: reading.value, details: reading.details, message: reading.message,
                    campaignID: reading.campaignID
                )
                if let id = try await database.transaction({ sql in try await AlertStore.fire(firing, now: now, dialect: dialect, in: sql) }) {
                    result.fired.append(id)
                }
            } else if open.contains(reading.scopeKey) {
                try await resolve(rule, reading.scopeKey, reason: nil, now: now, into: &result)
            }
        }
        let unmeasured = open.filter { key in readings[key].map { $0.volume < Int64(rule.minVolume) } ?? true }
        guard !unmeasured.isEmpty else { return }
        let longer = try await database.read { sql in try await AlertMeasure.measure(rule, window: 2 * window, grace: grace, now: now, in: sql) }
        for key in unmeasured where (longer[key]?.volume ?? 0) < Int64(max(rule.minVolume, 1)) {
            try await resolve(rule, key, reason: "no volume for two windows", now: now, into: &result)
        }
    }

    private func resolve(_ rule: AlertRule, _ key: String, reason: String?, now: Date, into result: inout Result) async throws {
        let id = try await database.transaction { sql in
            try await AlertStore.resolveEpisode(ruleID: rule.id, scopeKey: key, reason: reason, now: now, in: sql)
        }
        if let id { result.resolved.append(id) }
    }
}
