import Foundation
import SQLKit
import Storage

/// An episode to open: a rule's condition holds for one scope (a campaign, an error code, a template).
struct AlertFiring: Sendable {
    var rule: AlertRule
    var scopeKey: String
    var value: Double?
    var details: [String: JSONValue] = [:]
    var message: String
    var campaignID: UUID?
}

extension AlertStore {
    /// Opens an episode unless one of the same rule and scope is open: the partial unique index `alerts_open_episode`
    /// decides, so two evaluators (or two servers) open it once. A new episode queues a `fired` notification for every
    /// enabled webhook in the same transaction. Returns the new episode's id, nil when one was already open.
    @discardableResult
    static func fire(_ firing: AlertFiring, now: Date = Date(), dialect: Dialect, in sql: any SQLDatabase) async throws -> UUID? {
        let id = UUID.timeOrdered()
        let details = String(decoding: try JSONResponse.data(firing.details), as: UTF8.self)
        let inserted = try await sql.raw(
            """
            INSERT INTO alerts (id, workspace_id, level, kind, message, campaign_id, created_at, rule_id, scope_key, value, details)
            VALUES (\(bind: id), \(bind: firing.rule.workspaceID), \(bind: firing.rule.level.rawValue), \(bind: firing.rule.metric.rawValue),
                \(bind: firing.message), \(bind: firing.campaignID), \(bind: now), \(bind: firing.rule.id), \(bind: firing.scopeKey), \(bind: firing.value),
                \(dialect.json(details)))
            ON CONFLICT (rule_id, scope_key) WHERE resolved_at IS NULL AND rule_id IS NOT NULL DO NOTHING
            RETURNING id
            """
        ).first()
        guard inserted != nil else { return nil }
        let notice = AlertNotice(
            alertID: id, rule: firing.rule.name, ruleID: firing.rule.id, level: firing.rule.level.rawValue, state: .fired, value: firing.value,
            message: firing.message, campaignID: firing.campaignID, campaign: try await campaignName(firing.campaignID, in: sql), at: now
        )
        try await enqueueNotifications(workspaceID: firing.rule.workspaceID, alertID: id, notice: notice, now: now, in: sql)
        return id
    }

    /// Closes the open episode of a rule and scope, queueing a `resolved` notification; nil when none was open.
    @discardableResult
    static func resolveEpisode(ruleID: UUID, scopeKey: String, reason: String? = nil, now: Date = Date(), in sql: any SQLDatabase) async throws
        -> UUID?
    {
        guard
            let row = try await sql.raw(
                """
                UPDATE alerts SET resolved_at = \(bind: now)
                WHERE rule_id = \(bind: ruleID) AND scope_key = \(bind: scopeKey) AND resolved_at IS NULL
                RETURNING id, workspace_id, level, message, campaign_id, value
                """
            ).first()
        else { return nil }
        let id = try row.decode(column: "id", as: UUID.self)
        try await notifyResolved(row, ruleID: ruleID, reason: reason, now: now, in: sql)
        return id
    }

    /// Queues the `resolved` notification of an episode row (`id, workspace_id, level, message, campaign_id, value`).
    static func notifyResolved(_ row: any SQLRow, ruleID: UUID?, reason: String?, now: Date, in sql: any SQLDatabase) async throws {
        var ruleName: String?
        if let ruleID {
            ruleName = try await sql.raw("SELECT name FROM alert_rules WHERE id = \(bind: ruleID)").first()?.decode(column: "name", as: String.self)
        }
        let campaignID = try row.decode(column: "campaign_id", as: UUID?.self)
        let message = try row.decode(column: "message", as: String.self)
        let notice = AlertNotice(
            alertID: try row.decode(column: "id", as: UUID.self), rule: ruleName ?? "", ruleID: ruleID, level: try row.decode(column: "level", as: String.self),
            state: .resolved, value: try row.decode(column: "value", as: Double?.self), message: reason.map { "\(message) (\($0))" } ?? message,
            campaignID: campaignID, campaign: try await campaignName(campaignID, in: sql), at: now
        )
        try await enqueueNotifications(
            workspaceID: try row.decode(column: "workspace_id", as: UUID.self), alertID: notice.alertID, notice: notice, now: now, in: sql
        )
    }

    /// An event that is over as soon as it happens (an A/B test decided): an episode opened and closed at once.
    static func fireAndResolve(_ firing: AlertFiring, now: Date = Date(), dialect: Dialect, in sql: any SQLDatabase) async throws {
        guard let id = try await fire(firing, now: now, dialect: dialect, in: sql) else { return }
        try await sql.raw("UPDATE alerts SET resolved_at = \(bind: now) WHERE id = \(bind: id)").run()
    }

    /// The outbox: one pending notification per enabled webhook of the workspace, written with the episode.
    static func enqueueNotifications(workspaceID: UUID, alertID: UUID?, notice: AlertNotice, now: Date, in sql: any SQLDatabase) async throws {
        let hooks = try await sql.raw(
            "SELECT id FROM alert_webhooks WHERE workspace_id = \(bind: workspaceID) AND enabled = \(bind: true) ORDER BY id"
        ).all().map { try $0.decode(column: "id", as: UUID.self) }
        guard !hooks.isEmpty else { return }
        let body = try notice.stored()
        for hook in hooks {
            try await sql.raw(
                """
                INSERT INTO alert_notifications (id, workspace_id, webhook_id, alert_id, event, body, status, attempts, next_attempt_at, created_at)
                VALUES (\(bind: UUID.timeOrdered()), \(bind: workspaceID), \(bind: hook), \(bind: alertID), \(bind: notice.state.rawValue), \(bind: body),
                    'pending', 0, \(bind: now), \(bind: now))
                """
            ).run()
        }
    }

    static func campaignName(_ id: UUID?, in sql: any SQLDatabase) async throws -> String? {
        guard let id else { return nil }
        return try await sql.raw("SELECT name FROM campaigns WHERE id = \(bind: id)").first()?.decode(column: "name", as: String.self)
    }

    /// Marks an alert seen without resolving it; false when there is no such alert.
    func acknowledge(workspaceID: UUID, id: UUID, by actor: String, now: Date = Date()) async throws -> Bool {
        try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE alerts SET acknowledged_at = COALESCE(acknowledged_at, \(bind: now)), acknowledged_by = COALESCE(acknowledged_by, \(bind: actor))
                WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id) RETURNING id
                """
            ).first() != nil
        }
    }
}
