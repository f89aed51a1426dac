import Foundation
import SQLKit
import Storage

/// An API key as listed in Settings; the secret itself is never stored or shown again.
public struct APIKey: Sendable, Codable {
    public let id: UUID
    public let name: String
    public let prefix: String
    public let role: Role
    public let createdAt: Date
    public let lastUsedAt: Date?
    public let revokedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, name, prefix, role
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
    }
}

public struct APIKeyStore: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Inserts a new key in the caller's transaction and returns its id and plain-text secret.
    static func insert(_ sql: any SQLDatabase, workspaceID: UUID, name: String, role: Role) async throws -> (id: UUID, secret: String) {
        let secret = "hk_" + Tokens.random(bytes: 24)
        let id = UUID()
        try await sql.raw(
            """
            INSERT INTO api_keys (id, workspace_id, name, prefix, key_hash, role, created_at)
            VALUES (\(bind: id), \(bind: workspaceID), \(bind: name), \(bind: String(secret.prefix(10))), \(bind: Tokens.digest(secret)),
                    \(bind: role.rawValue), \(bind: Date()))
            """
        ).run()
        return (id, secret)
    }

    public func create(workspaceID: UUID, name: String, role: Role) async throws -> (APIKey, String) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 100 else { throw APIError.invalid("name", "name must be 1 to 100 characters") }
        let (id, secret) = try await database.transaction { sql in
            try await Self.insert(sql, workspaceID: workspaceID, name: trimmed, role: role)
        }
        let key = APIKey(
            id: id, name: trimmed, prefix: String(secret.prefix(10)), role: role, createdAt: Date(), lastUsedAt: nil, revokedAt: nil
        )
        return (key, secret)
    }

    public func list(workspaceID: UUID) async throws -> [APIKey] {
        try await database.read { sql in
            try await sql.raw("SELECT * FROM api_keys WHERE workspace_id = \(bind: workspaceID) ORDER BY created_at, id").all().map(Self.decode)
        }
    }

    /// Revokes a key. An owner's key is an owner: only an owner may revoke it.
    public func revoke(workspaceID: UUID, id: UUID, by actor: Role) async throws {
        try await database.transaction { sql in
            let row = try await sql.raw("SELECT role FROM api_keys WHERE id = \(bind: id) AND workspace_id = \(bind: workspaceID)").first()
            guard let row else { throw APIError.notFound("API key") }
            if try row.decode(column: "role", as: String.self) == Role.owner.rawValue, actor != .owner { throw APIError.forbidden }
            try await sql.raw("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, \(bind: Date())) WHERE id = \(bind: id)").run()
        }
    }

    /// The access a presented key grants, or nil for an unknown or revoked key.
    func authenticate(_ secret: String) async throws -> Access? {
        let digest = Tokens.digest(secret)
        let row = try await database.read { sql in
            try await sql.raw("SELECT id, workspace_id, name, role, last_used_at FROM api_keys WHERE key_hash = \(bind: digest) AND revoked_at IS NULL").first()
        }
        guard let row else { return nil }
        let id = try row.decode(column: "id", as: UUID.self)
        // Record use at most once a minute, so reads do not all become writes.
        let lastUsed = try row.decode(column: "last_used_at", as: Date?.self)
        if lastUsed.map({ Date().timeIntervalSince($0) > 60 }) ?? true {
            try await database.transaction { sql in
                try await sql.raw("UPDATE api_keys SET last_used_at = \(bind: Date()) WHERE id = \(bind: id)").run()
            }
        }
        return Access(
            workspaceID: try row.decode(column: "workspace_id", as: UUID.self),
            role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .viewer,
            userID: nil, actor: "api key " + (try row.decode(column: "name", as: String.self)), csrfToken: nil
        )
    }

    static func decode(_ row: any SQLRow) throws -> APIKey {
        APIKey(
            id: try row.decode(column: "id", as: UUID.self),
            name: try row.decode(column: "name", as: String.self),
            prefix: try row.decode(column: "prefix", as: String.self),
            role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .viewer,
            createdAt: try row.decode(column: "created_at", as: Date.self),
            lastUsedAt: try row.decode(column: "last_used_at", as: Date?.self),
            revokedAt: try row.decode(column: "revoked_at", as: Date?.self)
        )
    }
}
