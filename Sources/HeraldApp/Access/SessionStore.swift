import Foundation
import SQLKit
import Storage

/// Console sessions, kept in the database so that every `herald serve` sharing it knows them.
public struct SessionStore: Sendable {
    let database: Database
    static let lifetime: TimeInterval = 14 * 24 * 3600

    public init(database: Database) { self.database = database }

    /// Starts a session; returns the cookie token (only its digest is stored).
    public func create(for user: User) async throws -> String {
        let token = Tokens.random(bytes: 32)
        let now = Date()
        try await database.transaction { sql in
            try await sql.raw("DELETE FROM sessions WHERE expires_at < \(bind: now)").run()
            try await sql.raw(
                """
                INSERT INTO sessions (id, user_id, workspace_id, csrf_token, created_at, expires_at)
                VALUES (\(bind: Tokens.digest(token)), \(bind: user.id), \(bind: user.workspaceID), \(bind: Tokens.random(bytes: 24)),
                        \(bind: now), \(bind: now.addingTimeInterval(Self.lifetime)))
                """
            ).run()
        }
        return token
    }

    func authenticate(_ token: String) async throws -> Access? {
        let row = try await database.read { sql in
            try await sql.raw(
                """
                SELECT s.csrf_token, u.id AS user_id, u.workspace_id, u.email, u.role FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.id = \(bind: Tokens.digest(token)) AND s.expires_at > \(bind: Date())
                """
            ).first()
        }
        guard let row else { return nil }
        return Access(
            workspaceID: try row.decode(column: "workspace_id", as: UUID.self),
            role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .viewer,
            userID: try row.decode(column: "user_id", as: UUID.self),
            actor: try row.decode(column: "email", as: String.self),
            csrfToken: try row.decode(column: "csrf_token", as: String.self)
        )
    }

    public func delete(token: String) async throws {
        try await database.transaction { sql in
            try await sql.raw("DELETE FROM sessions WHERE id = \(bind: Tokens.digest(token))").run()
        }
    }
}
