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

    enum CodingKeys: String, CodingKey {
        case id, level, kind, message
        case campaignID = "campaign_id", accountID = "account_id", createdAt = "created_at", resolvedAt = "resolved_at"
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
        try await database.read { sql in
            let filter: SQLQueryString = openOnly ? " AND resolved_at IS NULL" : ""
            return try await sql.raw(
                """
                SELECT id, level, kind, message, campaign_id, account_id, created_at, resolved_at FROM alerts
                WHERE workspace_id = \(bind: workspaceID)\(filter) ORDER BY created_at DESC LIMIT \(bind: limit)
                """
            ).all().map {
                Alert(
                    id: try $0.decode(column: "id", as: UUID.self), level: try $0.decode(column: "level", as: String.self),
                    kind: try $0.decode(column: "kind", as: String.self), message: try $0.decode(column: "message", as: String.self),
                    campaignID: try $0.decode(column: "campaign_id", as: UUID?.self), accountID: try $0.decode(column: "account_id", as: UUID?.self),
                    createdAt: try $0.decode(column: "created_at", as: Date.self), resolvedAt: try $0.decode(column: "resolved_at", as: Date?.self)
                )
            }
        }
    }

    public func resolve(workspaceID: UUID, id: UUID) async throws -> Bool {
        try await database.transaction { sql in
            try await sql.raw(
                "UPDATE alerts SET resolved_at = \(bind: Date()) WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id) AND resolved_at IS NULL RETURNING id"
            ).first() != nil
        }
    }
}

/// Writes message events; a dedupe key makes a repeated webhook count once.
enum EventWriter {
    static func insert(
        workspaceID: UUID, contactID: UUID, campaignID: UUID?, messageID: UUID?, variationID: UUID?, type: String, at: Date,
        dedupeKey: String?, detail: String? = nil, dialect: Dialect, in sql: any SQLDatabase
    ) async throws {
        try await sql.raw(
            """
            INSERT INTO message_events (id, workspace_id, contact_id, campaign_id, message_id, variation_id, type, occurred_at, source, created_at, dedupe_key, detail)
            VALUES (\(bind: UUID.timeOrdered()), \(bind: workspaceID), \(bind: contactID), \(bind: campaignID), \(bind: messageID), \(bind: variationID),
                \(bind: type), \(bind: at), 'whatsapp', \(bind: Date()), \(bind: dedupeKey), \(detail.map { dialect.json($0) } ?? "NULL"))
            ON CONFLICT (dedupe_key) DO NOTHING
            """
        ).run()
    }
}
