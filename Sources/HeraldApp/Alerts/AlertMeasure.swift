import Analytics
import Foundation
import SQLKit
import Storage

/// One scope's reading of a metric rule over a window.
struct AlertMeasurement: Sendable {
    var scopeKey: String
    var campaignID: UUID?
    var value: Double
    /// The base the value is measured on (sent for delivery, delivered for the other rates, failures for a spike).
    var volume: Int64
    var breached: Bool
    var details: [String: JSONValue]
    var message: String
}

/// Turns cells into readings for the metric rules (docs/design-analytics.md section 7).
enum AlertMeasure {
    /// `window` ends `grace` seconds before `now`, so messages just sent do not count as undelivered yet.
    static func measure(_ rule: AlertRule, window: TimeInterval, grace: TimeInterval, now: Date, in sql: any SQLDatabase) async throws
        -> [String: AlertMeasurement]
    {
        let end = now.addingTimeInterval(-grace)
        let start = end.addingTimeInterval(-window)
        switch rule.metric {
        case .deliveryRate, .readRate, .clickRate, .replyRate, .conversionRate:
            return try await rates(rule, from: start, to: end, window: window, in: sql)
        case .errorCodeSpike:
            return try await spikes(rule, from: start, to: end, in: sql)
        case .readRateVsNorm:
            return try await readNorm(rule, from: start, to: end, in: sql)
        case .spendOverBudget:
            return try await budgets(rule, in: sql)
        case .templateStatus, .abTestOutcome:
            return [:]
        }
    }

    /// The metric's value and base: delivery is delivered of the messages that left (sent, or failed without a sent
    /// status), the others are of delivered.
    static func rate(_ metric: AlertRule.Metric, _ t: AlertCells.Totals) -> (numerator: Int64, base: Int64) {
        switch metric {
        case .deliveryRate: (t.delivered, max(t.sent, t.delivered + t.failed))
        case .readRate: (t.read, t.delivered)
        case .clickRate: (t.clicked, t.delivered)
        case .replyRate: (t.replied, t.delivered)
        default: (t.converted, t.delivered)
        }
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f %%", value * 100) }

    static func describe(window: TimeInterval) -> String {
        switch window {
        case 3600: "the last hour"
        case 86400: "the last day"
        case ..<3600: "the last \(Int(window / 60)) minutes"
        case ..<86400: "the last \(Int(window / 3600)) hours"
        default: "the last \(Int(window / 86400)) days"
        }
    }

    static func rates(_ rule: AlertRule, from: Date, to: Date, window: TimeInterval, in sql: any SQLDatabase) async throws -> [String: AlertMeasurement] {
        let byCampaign = try await AlertCells.totals(workspaceID: rule.workspaceID, from: from, to: to, in: sql)
        var scopes: [(String, UUID?, AlertCells.Totals)] = []
        switch rule.scope {
        case .workspace: scopes = [("workspace", nil, byCampaign.values.reduce(AlertCells.Totals(), +))]
        case .eachCampaign: scopes = byCampaign.map { ($0.key.uuidString.lowercased(), $0.key, $0.value) }
        case .campaign:
            if let id = rule.campaignID { scopes = [(id.uuidString.lowercased(), id, byCampaign[id] ?? .init())] }
        }
        let names = try await AlertCells.campaignNames(scopes.compactMap(\.1), in: sql)
        let label = rule.metric.rawValue.replacingOccurrences(of: "_", with: " ").capitalizedFirst
        var result: [String: AlertMeasurement] = [:]
        for (key, campaignID, totals) in scopes {
            let (numerator, base) = rate(rule.metric, totals)
            guard base > 0 else { continue }
            let value = Double(numerator) / Double(base)
            let subject = campaignID.map { " for campaign \(names[$0] ?? $0.uuidString.lowercased())" } ?? ""
            result[key] = AlertMeasurement(
                scopeKey: key, campaignID: campaignID, value: value, volume: base, breached: rule.breaches(value),
                details: ["numerator": .number(Double(numerator)), "base": .number(Double(base)), "window_seconds": .number(window)],
                message: "\(label) \(percent(value)) (\(numerator) of \(base)) in \(describe(window: window))\(subject): \(rule.comparison.rawValue) "
                    + percent(rule.threshold)
            )
        }
        return result
    }

    /// A code spikes when its failures in the window reach the minimum and `threshold` times its mean over the 7 days
    /// before the window (scaled to the window's length).
    static func spikes(_ rule: AlertRule, from: Date, to: Date, in sql: any SQLDatabase) async throws -> [String: AlertMeasurement] {
        let window = to.timeIntervalSince(from)
        let recent = try await AlertCells.failures(workspaceID: rule.workspaceID, from: from, to: to, in: sql)
        let week = try await AlertCells.failures(workspaceID: rule.workspaceID, from: from.addingTimeInterval(-7 * 86400), to: from, in: sql)
        var result: [String: AlertMeasurement] = [:]
        for (code, failures) in recent where rule.errorCode == nil || rule.errorCode == code {
            let mean = Double(week[code] ?? 0) * window / (7 * 86400)
            let key = "error:\(code)"
            result[key] = AlertMeasurement(
                scopeKey: key, campaignID: nil, value: Double(failures), volume: failures, breached: Double(failures) >= rule.threshold * mean,
                details: ["error_code": .number(Double(code)), "failures": .number(Double(failures)), "mean": .number((mean * 100).rounded() / 100)],
                message: "Error \(code == 0 ? "(unknown code)" : String(code)): \(failures) failures in \(describe(window: window)), usual "
                    + String(format: "%.1f", mean)
            )
        }
        return result
    }

    /// A campaign's read rate in the window against the rest of the workspace's over 30 days: breached when more than
    /// `threshold` standard errors (of a rate at the norm, over the campaign's delivered) under it.
    static func readNorm(_ rule: AlertRule, from: Date, to: Date, in sql: any SQLDatabase) async throws -> [String: AlertMeasurement] {
        let recent = try await AlertCells.totals(workspaceID: rule.workspaceID, from: from, to: to, in: sql)
        let month = try await AlertCells.totals(workspaceID: rule.workspaceID, from: to.addingTimeInterval(-30 * 86400), to: to, in: sql)
        let all = month.values.reduce(AlertCells.Totals(), +)
        let names = try await AlertCells.campaignNames(recent.keys, in: sql)
        var result: [String: AlertMeasurement] = [:]
        for (campaignID, totals) in recent where totals.delivered > 0 {
            let own = month[campaignID] ?? .init()
            let otherDelivered = all.delivered - own.delivered
            guard otherDelivered > 0 else { continue }
            let norm = Double(all.read - own.read) / Double(otherDelivered)
            let value = Double(totals.read) / Double(totals.delivered)
            let error = (norm * (1 - norm) / Double(totals.delivered)).squareRoot()
            let key = campaignID.uuidString.lowercased()
            result[key] = AlertMeasurement(
                scopeKey: key, campaignID: campaignID, value: value, volume: totals.delivered, breached: value < norm - rule.threshold * error,
                details: [
                    "read": .number(Double(totals.read)), "delivered": .number(Double(totals.delivered)), "norm": .number(norm),
                    "standard_error": .number(error),
                ],
                message: "Read rate \(percent(value)) of \(totals.delivered) delivered for campaign \(names[campaignID] ?? key), against the "
                    + "workspace's \(percent(norm)) over 30 days"
            )
        }
        return result
    }

    static func budgets(_ rule: AlertRule, in sql: any SQLDatabase) async throws -> [String: AlertMeasurement] {
        let budgets = try await AlertCells.budgets(workspaceID: rule.workspaceID, in: sql)
        let names = try await AlertCells.campaignNames(budgets.map(\.campaignID), in: sql)
        var result: [String: AlertMeasurement] = [:]
        for budget in budgets where budget.budget > 0 {
            let value = Double(budget.spent) / Double(budget.budget)
            let key = budget.campaignID.uuidString.lowercased()
            let spent = "\(Micros.display(budget.spent)) \(budget.currency)", limit = "\(Micros.display(budget.budget)) \(budget.currency)"
            result[key] = AlertMeasurement(
                scopeKey: key, campaignID: budget.campaignID, value: value, volume: 1, breached: rule.breaches(value),
                details: ["spent_micros": .number(Double(budget.spent)), "budget_micros": .number(Double(budget.budget)), "currency": .string(budget.currency)],
                message: "Campaign \(names[budget.campaignID] ?? key) has cost \(spent) of its \(limit) budget"
            )
        }
        return result
    }
}

extension String {
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
