import Foundation
import SQLKit
import Storage

/// Alert rules of a workspace: the built-ins (inserted the first time they are needed) and people's own.
struct AlertRuleStore: Sendable {
    let database: Database

    enum RuleError: Error, Equatable {
        /// Built-in rules can be switched off but not deleted.
        case builtinNotDeletable
    }

    static let columns: SQLQueryString = """
        id, workspace_id, builtin, name, metric, comparison, threshold, window_seconds, min_volume, scope, campaign_id, error_code, level,
        enabled, created_at, updated_at
        """

    /// Inserts the built-in rules a workspace lacks; a rule someone edited is left as it is.
    static func ensureBuiltins(workspaceID: UUID, now: Date = Date(), in sql: any SQLDatabase) async throws {
        for builtin in AlertBuiltin.allCases {
            let (name, metric, comparison, threshold, window, minVolume, scope, level) = builtin.definition
            try await sql.raw(
                """
                INSERT INTO alert_rules (id, workspace_id, builtin, name, metric, comparison, threshold, window_seconds, min_volume, scope, level,
                    enabled, created_at, updated_at)
                VALUES (\(bind: UUID.timeOrdered()), \(bind: workspaceID), \(bind: builtin.rawValue), \(bind: name), \(bind: metric.rawValue),
                    \(bind: comparison.rawValue), \(bind: threshold), \(bind: window), \(bind: minVolume), \(bind: scope.rawValue), \(bind: level.rawValue),
                    \(bind: true), \(bind: now), \(bind: now))
                ON CONFLICT (workspace_id, builtin) DO NOTHING
                """
            ).run()
        }
    }

    /// The workspace's built-in rule of this kind, inserted if missing.
    static func builtin(_ builtin: AlertBuiltin, workspaceID: UUID, in sql: any SQLDatabase) async throws -> AlertRule? {
        let find: @Sendable () async throws -> AlertRule? = {
            try await sql.raw(
                "SELECT \(columns) FROM alert_rules WHERE workspace_id = \(bind: workspaceID) AND builtin = \(bind: builtin.rawValue)"
            ).first().map(decode)
        }
        if let rule = try await find() { return rule }
        try await ensureBuiltins(workspaceID: workspaceID, in: sql)
        return try await find()
    }

    static func all(workspaceID: UUID, in sql: any SQLDatabase) async throws -> [AlertRule] {
        try await sql.raw(
            """
            SELECT \(columns) FROM alert_rules WHERE workspace_id = \(bind: workspaceID)
            ORDER BY CASE WHEN builtin IS NULL THEN 1 ELSE 0 END, created_at, id
            """
        ).all().map(decode)
    }

    func list(workspaceID: UUID) async throws -> [AlertRule] {
        try await database.transaction { sql in
            try await Self.ensureBuiltins(workspaceID: workspaceID, in: sql)
            return try await Self.all(workspaceID: workspaceID, in: sql)
        }
    }

    func find(workspaceID: UUID, id: UUID) async throws -> AlertRule? {
        try await database.read { sql in
            try await sql.raw("SELECT \(Self.columns) FROM alert_rules WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)").first()
                .map(Self.decode)
        }
    }

    /// Whether the campaign belongs to the workspace (a rule may watch only its own campaigns).
    func campaignExists(workspaceID: UUID, id: UUID) async throws -> Bool {
        try await database.read { sql in
            try await sql.raw("SELECT id FROM campaigns WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)").first() != nil
        }
    }

    func create(_ rule: AlertRule) async throws {
        try await database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO alert_rules (id, workspace_id, builtin, name, metric, comparison, threshold, window_seconds, min_volume, scope, campaign_id,
                    error_code, level, enabled, created_at, updated_at)
                VALUES (\(bind: rule.id), \(bind: rule.workspaceID), NULL, \(bind: rule.name), \(bind: rule.metric.rawValue),
                    \(bind: rule.comparison.rawValue), \(bind: rule.threshold), \(bind: rule.windowSeconds), \(bind: rule.minVolume),
                    \(bind: rule.scope.rawValue), \(bind: rule.campaignID), \(bind: rule.errorCode), \(bind: rule.level.rawValue), \(bind: rule.enabled),
                    \(bind: rule.createdAt), \(bind: rule.updatedAt))
                """
            ).run()
        }
    }

    /// Stores every editable field of `rule`; false when it no longer exists.
    func update(_ rule: AlertRule) async throws -> Bool {
        try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE alert_rules SET name = \(bind: rule.name), metric = \(bind: rule.metric.rawValue), comparison = \(bind: rule.comparison.rawValue),
                    threshold = \(bind: rule.threshold), window_seconds = \(bind: rule.windowSeconds), min_volume = \(bind: rule.minVolume),
                    scope = \(bind: rule.scope.rawValue), campaign_id = \(bind: rule.campaignID), error_code = \(bind: rule.errorCode),
                    level = \(bind: rule.level.rawValue), enabled = \(bind: rule.enabled), updated_at = \(bind: rule.updatedAt)
                WHERE workspace_id = \(bind: rule.workspaceID) AND id = \(bind: rule.id) RETURNING id
                """
            ).first() != nil
        }
    }

    /// Deletes a rule of one's own; false when there is none. Its open episodes are resolved first, in the same
    /// transaction, with a `resolved` notification each: no rule evaluates them any more, and once `rule_id` is set
    /// to NULL they would stay open forever. Its episodes stay in the history, without a rule.
    func delete(workspaceID: UUID, id: UUID, now: Date = Date()) async throws -> Bool {
        let dialect = database.dialect
        return try await database.transaction { sql in
            // Locked (PostgreSQL), so an evaluation cannot open an episode of this rule until the delete has committed.
            guard
                let row = try await sql.raw(
                    "SELECT builtin FROM alert_rules WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)\(dialect.forUpdate)"
                ).first()
            else { return false }
            if try row.decode(column: "builtin", as: String?.self) != nil { throw RuleError.builtinNotDeletable }
            let open = try await sql.raw("SELECT scope_key FROM alerts WHERE rule_id = \(bind: id) AND resolved_at IS NULL ORDER BY scope_key").all()
                .map { try $0.decode(column: "scope_key", as: String.self) }
            for key in open {
                try await AlertStore.resolveEpisode(ruleID: id, scopeKey: key, reason: "the rule was deleted", now: now, in: sql)
            }
            try await sql.raw("DELETE FROM alert_rules WHERE id = \(bind: id)").run()
            return true
        }
    }

    @Sendable static func decode(_ row: any SQLRow) throws -> AlertRule {
        func value<T: Decodable>(_ column: String, _ type: T.Type) throws -> T { try row.decode(column: column, as: T.self) }
        return AlertRule(
            id: try value("id", UUID.self), workspaceID: try value("workspace_id", UUID.self), builtin: try value("builtin", String?.self),
            name: try value("name", String.self), metric: AlertRule.Metric(rawValue: try value("metric", String.self)) ?? .deliveryRate,
            comparison: AlertRule.Comparison(rawValue: try value("comparison", String.self)) ?? .below,
            threshold: try value("threshold", Double.self), windowSeconds: try value("window_seconds", Int.self),
            minVolume: try value("min_volume", Int.self), scope: AlertRule.Scope(rawValue: try value("scope", String.self)) ?? .workspace,
            campaignID: try value("campaign_id", UUID?.self), errorCode: try value("error_code", Int?.self),
            level: AlertRule.Level(rawValue: try value("level", String.self)) ?? .warning, enabled: try value("enabled", Bool.self),
            createdAt: try value("created_at", Date.self), updatedAt: try value("updated_at", Date.self)
        )
    }
}
