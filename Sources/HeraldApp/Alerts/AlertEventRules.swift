import Foundation
import SQLKit
import Storage

/// Rules that fire where their event is applied, in the same transaction: a template paused or downgraded by Meta
/// (resolved when it is approved or green again), and an A/B test's outcome (an episode opened and closed at once).
enum AlertEventRules {
    static func templateStatus(
        workspaceID: UUID, accountID: UUID, name: String, language: String?, status: String, reason: String?, dialect: Dialect,
        in sql: any SQLDatabase
    ) async throws {
        let key = "status:\(accountID.uuidString.lowercased()):\(name):\(language ?? "*")"
        switch status.uppercased() {
        case "PAUSED", "DISABLED":
            guard let rule = try await enabledRule(.templateStatus, workspaceID, in: sql) else { return }
            let firing = AlertFiring(
                rule: rule, scopeKey: key, value: nil,
                details: ["template": .string(name), "language": language.map(JSONValue.string) ?? .null, "status": .string(status.uppercased())],
                message: "Meta reports template \(name) as \(status.uppercased())\(reason.map { " (\($0))" } ?? "")."
            )
            try await AlertStore.fire(firing, dialect: dialect, in: sql)
        case "APPROVED", "REINSTATED":
            guard let rule = try await AlertRuleStore.builtin(.templateStatus, workspaceID: workspaceID, in: sql) else { return }
            try await AlertStore.resolveEpisode(ruleID: rule.id, scopeKey: key, reason: "the template is approved again", in: sql)
        default:
            return
        }
    }

    static func templateQuality(
        workspaceID: UUID, accountID: UUID, name: String, language: String?, quality: String, dialect: Dialect, in sql: any SQLDatabase
    ) async throws {
        let key = "quality:\(accountID.uuidString.lowercased()):\(name):\(language ?? "*")"
        switch quality.uppercased() {
        case "YELLOW", "RED":
            guard let rule = try await enabledRule(.templateStatus, workspaceID, in: sql) else { return }
            let firing = AlertFiring(
                rule: rule, scopeKey: key, value: nil, details: ["template": .string(name), "quality": .string(quality.uppercased())],
                message: "Meta downgraded the quality of template \(name) to \(quality.uppercased())."
            )
            try await AlertStore.fire(firing, dialect: dialect, in: sql)
        case "GREEN":
            guard let rule = try await AlertRuleStore.builtin(.templateStatus, workspaceID: workspaceID, in: sql) else { return }
            try await AlertStore.resolveEpisode(ruleID: rule.id, scopeKey: key, reason: "the template's quality is green again", in: sql)
        default:
            return
        }
    }

    /// A test decided (a winner) or waiting for a person (inconclusive): an info episode, closed at once.
    static func abTestOutcome(
        workspaceID: UUID, campaignID: UUID, testID: UUID, decided: Bool, message: String, now: Date, dialect: Dialect, in sql: any SQLDatabase
    ) async throws {
        guard let rule = try await enabledRule(.abTestOutcome, workspaceID, in: sql) else { return }
        let firing = AlertFiring(
            rule: rule, scopeKey: "ab_test:\(testID.uuidString.lowercased())", value: nil,
            details: ["ab_test_id": .string(testID.uuidString.lowercased()), "outcome": .string(decided ? "decided" : "inconclusive")],
            message: message, campaignID: campaignID
        )
        try await AlertStore.fireAndResolve(firing, now: now, dialect: dialect, in: sql)
    }

    private static func enabledRule(_ builtin: AlertBuiltin, _ workspaceID: UUID, in sql: any SQLDatabase) async throws -> AlertRule? {
        guard let rule = try await AlertRuleStore.builtin(builtin, workspaceID: workspaceID, in: sql), rule.enabled else { return nil }
        return rule
    }
}
