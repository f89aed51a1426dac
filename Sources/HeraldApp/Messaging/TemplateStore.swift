import Foundation
import SQLKit
import Storage
import WhatsApp

/// A message template as Herald keeps it: Meta's definition plus the status webhooks keep current.
public struct StoredTemplate: Sendable, Encodable {
    public let id: UUID
    public let accountID: UUID
    public let name: String
    public let language: String
    public let category: String
    public var status: String
    public var quality: String?
    public var statusReason: String?
    public let definition: TemplateDefinition
    public let updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, language, category, status, quality, definition
        case accountID = "account_id", statusReason = "status_reason", updatedAt = "updated_at"
    }
}

/// Templates per account: replaced wholesale by a sync, changed one by one by webhooks.
public struct TemplateStore: Sendable {
    let database: Database

    static let columns: SQLQueryString = "id, account_id, name, language, category, status, quality, status_reason, definition, updated_at"

    /// Upserts every template Meta listed for the account; templates Meta no longer lists are removed.
    public func replaceAll(workspaceID: UUID, accountID: UUID, templates: [TemplateDefinition]) async throws -> Int {
        let now = Date()
        let dialect = database.dialect
        let encoder = JSONEncoder()
        return try await database.transaction { sql in
            for template in templates {
                let json = String(decoding: try encoder.encode(template), as: UTF8.self)
                try await sql.raw(
                    """
                    INSERT INTO templates (id, workspace_id, account_id, external_id, name, language, category, status, definition, synced_at, created_at, updated_at)
                    VALUES (\(bind: UUID.timeOrdered()), \(bind: workspaceID), \(bind: accountID), \(bind: template.id), \(bind: template.name),
                        \(bind: template.language), \(bind: template.category), \(bind: template.status), \(dialect.json(json)), \(bind: now), \(bind: now), \(bind: now))
                    ON CONFLICT (account_id, name, language) DO UPDATE SET external_id = excluded.external_id, category = excluded.category,
                        status = excluded.status, definition = excluded.definition, synced_at = excluded.synced_at, updated_at = excluded.updated_at
                    """
                ).run()
            }
            let keep = Set(templates.map { "\($0.name)\u{1}\($0.language)" })
            let existing = try await sql.raw("SELECT id, name, language FROM templates WHERE account_id = \(bind: accountID)").all()
            for row in existing {
                let key = "\(try row.decode(column: "name", as: String.self))\u{1}\(try row.decode(column: "language", as: String.self))"
                if !keep.contains(key) {
                    try await sql.raw("DELETE FROM templates WHERE id = \(bind: try row.decode(column: "id", as: UUID.self))").run()
                }
            }
            return templates.count
        }
    }

    public func list(workspaceID: UUID, accountID: UUID? = nil) async throws -> [StoredTemplate] {
        let dialect = database.dialect
        return try await database.read { sql in
            let filter: SQLQueryString = accountID.map { " AND account_id = \(bind: $0)" } ?? ""
            return try await sql.raw(
                "SELECT \(Self.selectList(dialect)) FROM templates WHERE workspace_id = \(bind: workspaceID)\(filter) ORDER BY name, language"
            ).all().map(Self.decode)
        }
    }

    public func find(workspaceID: UUID, id: UUID) async throws -> StoredTemplate? {
        let dialect = database.dialect
        return try await database.read { sql in
            try await sql.raw("SELECT \(Self.selectList(dialect)) FROM templates WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)")
                .first().map(Self.decode)
        }
    }

    /// Applies a `message_template_status_update` or quality update from a webhook.
    static func applyStatus(
        accountID: UUID, name: String, language: String?, status: String?, quality: String?, reason: String?, in sql: any SQLDatabase
    ) async throws -> Int {
        let languageFilter: SQLQueryString = language.map { " AND language = \(bind: $0)" } ?? ""
        let rows = try await sql.raw(
            """
            UPDATE templates SET status = COALESCE(\(bind: status), status), quality = COALESCE(\(bind: quality), quality),
                status_reason = COALESCE(\(bind: reason), status_reason), updated_at = \(bind: Date())
            WHERE account_id = \(bind: accountID) AND name = \(bind: name)\(languageFilter) RETURNING id
            """
        ).all()
        return rows.count
    }

    static func selectList(_ dialect: Dialect) -> SQLQueryString {
        "id, account_id, name, language, category, status, quality, status_reason, \(dialect.jsonText("definition")) AS definition, updated_at"
    }

    static func decode(_ row: any SQLRow) throws -> StoredTemplate {
        let json = try row.decode(column: "definition", as: String.self)
        return StoredTemplate(
            id: try row.decode(column: "id", as: UUID.self),
            accountID: try row.decode(column: "account_id", as: UUID.self),
            name: try row.decode(column: "name", as: String.self),
            language: try row.decode(column: "language", as: String.self),
            category: try row.decode(column: "category", as: String.self),
            status: try row.decode(column: "status", as: String.self),
            quality: try row.decode(column: "quality", as: String?.self),
            statusReason: try row.decode(column: "status_reason", as: String?.self),
            definition: try JSONDecoder().decode(TemplateDefinition.self, from: Data(json.utf8)),
            updatedAt: try row.decode(column: "updated_at", as: Date.self)
        )
    }
}
