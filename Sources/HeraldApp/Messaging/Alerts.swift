import Foundation
import SQLKit
import Storage

/// Something an operator must see: a halted account, a held campaign. Shown in the console and the API.
public struct Alert: Sendable, Encodable {
    public let id: UUID
    public let level: String
    public let kind: String
    public let message: String
    public let campaignID: UUID?
    public let accountID: UUID?
    public let createdAt: Date
    public let resolvedAt: Date?
    /// The rule whose episode this is (nil for operational alerts such as a held campaign), and its name.
    public var ruleID: UUID? = nil
    public var rule: String? = nil
    /// The measured value when the episode opened (a rate, a count) and what it was measured on.
    public var value: Double? = nil
    public var details: JSONValue? = nil
    public var acknowledgedAt: Date? = nil
    public var acknowledgedBy: String? = nil

    enum CodingKeys: String, CodingKey {
        case id, level, kind, message, rule, value, details
        case campaignID = "campaign_id", accountID = "account_id", createdAt = "created_at", resolvedAt = "resolved_at"
        case ruleID = "rule_id", acknowledgedAt = "acknowledged_at", acknowledgedBy = "acknowledged_by"
    }
}

public struct AlertStore: Sendable {
    let database: Database

    /// Raises an alert unless the same kind is already open for the same campaign or account.
    /// Raises an alert unless one of the same kind about the same campaign and account is open (with `perMessage`, one
    /// with the same message too: alerts that each name their own subject, such as two contacts to merge).
    static func raise(
        workspaceID: UUID, level: String, kind: String, message: String, campaignID: UUID? = nil, accountID: UUID? = nil,
        perMessage: Bool = false, in sql: any SQLDatabase
    ) async throws {
        let sameMessage: SQLQueryString = perMessage ? " AND message = \(bind: message)" : ""
        let open = try await sql.raw(
            """
            SELECT id FROM alerts WHERE workspace_id = \(bind: workspaceID) AND kind = \(bind: kind) AND resolved_at IS NULL
              AND (campaign_id = \(bind: campaignID) OR (campaign_id IS NULL AND \(bind: campaignID) IS NULL))
              AND (account_id = \(bind: accountID) OR (account_id IS NULL AND \(bind: accountID) IS NULL))\(sameMessage)
            """
        ).first()
        if open != nil { return }
        try await sql.raw(
            """
            INSERT INTO alerts (id, workspace_id, level, kind, message, campaign_id, account_id, created_at)
            VALUES (\(bind: UUID.timeOrdered()), \(bind: workspaceID), \(bind: level), \(bind: kind), \(bind: message), \(bind: campaignID),
                \(bind: accountID), \(bind: Date()))
            """
        ).run()
    }

    public func list(workspaceID: UUID, openOnly: Bool = false, limit: Int = 100) async throws -> [Alert] {
        let dialect = database.dialect
        return try await database.read { sql in
            let filter: SQLQueryString = openOnly ? " AND a.resolved_at IS NULL" : ""
            return try await sql.raw(
                """
                SELECT a.id, a.level, a.kind, a.message, a.campaign_id, a.account_id, a.created_at, a.resolved_at, a.rule_id, r.name AS rule, a.value,
                    \(dialect.jsonText("details", of: "a")) AS details, a.acknowledged_at, a.acknowledged_by
                FROM alerts a LEFT JOIN alert_rules r ON r.id = a.rule_id
                WHERE a.workspace_id = \(bind: workspaceID)\(filter) ORDER BY a.created_at DESC, a.id DESC LIMIT \(bind: limit)
                """
            ).all().map {
                var alert = Alert(
                    id: try $0.decode(column: "id", as: UUID.self), level: try $0.decode(column: "level", as: String.self),
                    kind: try $0.decode(column: "kind", as: String.self), message: try $0.decode(column: "message", as: String.self),
                    campaignID: try $0.decode(column: "campaign_id", as: UUID?.self), accountID: try $0.decode(column: "account_id", as: UUID?.self),
                    createdAt: try $0.decode(column: "created_at", as: Date.self), resolvedAt: try $0.decode(column: "resolved_at", as: Date?.self)
                )
                alert.ruleID = try $0.decode(column: "rule_id", as: UUID?.self)
                alert.rule = try $0.decode(column: "rule", as: String?.self)
                alert.value = try $0.decode(column: "value", as: Double?.self)
                alert.details = try $0.decode(column: "details", as: String?.self).flatMap { try? JSONValue.parse(Data($0.utf8)) }
                alert.acknowledgedAt = try $0.decode(column: "acknowledged_at", as: Date?.self)
                alert.acknowledgedBy = try $0.decode(column: "acknowledged_by", as: String?.self)
                return alert
            }
        }
    }

    public func resolve(workspaceID: UUID, id: UUID) async throws -> Bool {
        try await database.transaction { sql in
            let now = Date()
            guard
                let row = try await sql.raw(
                    """
                    UPDATE alerts SET resolved_at = \(bind: now) WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id) AND resolved_at IS NULL
                    RETURNING id, workspace_id, level, message, campaign_id, value, rule_id
                    """
                ).first()
            else { return false }
            // A rule's episode closed by hand tells the webhooks too.
            if let ruleID = try row.decode(column: "rule_id", as: UUID?.self) {
                try await Self.notifyResolved(row, ruleID: ruleID, reason: "resolved by hand", now: now, in: sql)
            }
            return true
        }
    }
}
