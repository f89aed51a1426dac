import Foundation
import HummingbirdBcrypt
import NIOPosix
import SQLKit
import Storage

/// A console account. Passwords are kept as bcrypt hashes.
public struct User: Sendable, Codable {
    public let id: UUID
    public let workspaceID: UUID
    public let email: String
    public let name: String?
    public let role: Role
    public let createdAt: Date
    public let lastLoginAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, email, name, role
        case workspaceID = "workspace_id"
        case createdAt = "created_at"
        case lastLoginAt = "last_login_at"
    }
}

public struct UserStore: Sendable {
    let database: Database
    /// bcrypt work factor; tests lower it to keep the suite quick.
    let bcryptCost: UInt8

    public init(database: Database, bcryptCost: UInt8 = 11) {
        self.database = database
        self.bcryptCost = bcryptCost
    }

    public func create(workspaceID: UUID, email: String, password: String, role: Role, name: String? = nil) async throws -> User {
        let email = email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard Self.looksLikeEmail(email) else { throw APIError.invalid("email", "'\(email)' is not an email address") }
        guard password.count >= 8 else { throw APIError.invalid("password", "the password must have at least 8 characters") }
        guard password.count <= 72 else { throw APIError.invalid("password", "the password must have at most 72 characters") }
        let cost = bcryptCost
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
        let user = User(id: UUID(), workspaceID: workspaceID, email: email, name: name, role: role, createdAt: Date(), lastLoginAt: nil)
        try await database.transaction { sql in
            if try await sql.raw("SELECT id FROM users WHERE email = \(bind: email)").first() != nil {
                throw APIError(.conflict, "email_taken", "a user with this email already exists", field: "email")
            }
            try await sql.raw(
                """
                INSERT INTO users (id, workspace_id, email, name, password_hash, role, created_at, updated_at)
                VALUES (\(bind: user.id), \(bind: workspaceID), \(bind: email), \(bind: name), \(bind: hash), \(bind: role.rawValue),
                        \(bind: user.createdAt), \(bind: user.createdAt))
                """
            ).run()
        }
        return user
    }

    /// The user whose email and password match, or nil. Always spends one bcrypt check, known email or not.
    public func verify(email: String, password: String) async throws -> User? {
        let email = email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let row = try await database.read { sql in try await sql.raw("SELECT * FROM users WHERE email = \(bind: email)").first() }
        let hash = try row?.decode(column: "password_hash", as: String.self) ?? "$2b$11$C6UzMDM.H6dfI/f/IKxGhu8Ts5lM6Ye9hC3K1sTQ8a.r7MT9wX4Sa"
        let ok = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        guard ok, let row else { return nil }
        let user = try Self.decode(row)
        try await database.transaction { sql in
            try await sql.raw("UPDATE users SET last_login_at = \(bind: Date()) WHERE id = \(bind: user.id)").run()
        }
        return user
    }

    public func list(workspaceID: UUID) async throws -> [User] {
        try await database.read { sql in
            try await sql.raw("SELECT * FROM users WHERE workspace_id = \(bind: workspaceID) ORDER BY email").all().map(Self.decode)
        }
    }

    /// Changes a user's role and returns the user as stored. Only an owner may change an owner's role or grant it.
    public func updateRole(workspaceID: UUID, id: UUID, role: Role, by actor: Role) async throws -> User {
        if role == .owner, actor != .owner { throw APIError.forbidden }
        let d = database.dialect
        return try await database.transaction { sql in
            let current = try await Self.lockedRole(sql, d, workspaceID: workspaceID, id: id)
            if current == .owner, actor != .owner { throw APIError.forbidden }
            if current == .owner, role != .owner {
                try await Self.requireAnotherOwner(sql, workspaceID: workspaceID, except: id)
            }
            return try Self.decode(
                try await sql.raw("UPDATE users SET role = \(bind: role.rawValue), updated_at = \(bind: Date()) WHERE id = \(bind: id) RETURNING *").first()!
            )
        }
    }

    /// Removes a user. Only an owner may remove an owner, and never the last one.
    public func delete(workspaceID: UUID, id: UUID, by actor: Role) async throws {
        let d = database.dialect
        try await database.transaction { sql in
            if try await Self.lockedRole(sql, d, workspaceID: workspaceID, id: id) == .owner {
                guard actor == .owner else { throw APIError.forbidden }
                try await Self.requireAnotherOwner(sql, workspaceID: workspaceID, except: id)
            }
            try await sql.raw("DELETE FROM users WHERE id = \(bind: id)").run()
        }
    }

    /// The user's role, after locking the workspace's row on PostgreSQL so that two owners demoting each other at
    /// once cannot both see the other as the owner who remains (SQLite runs one writer at a time anyway).
    private static func lockedRole(_ sql: any SQLDatabase, _ d: Dialect, workspaceID: UUID, id: UUID) async throws -> Role {
        _ = try await sql.raw("SELECT id FROM workspaces WHERE id = \(bind: workspaceID)\(d.forUpdate)").first()
        guard let row = try await sql.raw("SELECT role FROM users WHERE id = \(bind: id) AND workspace_id = \(bind: workspaceID)").first() else {
            throw APIError.notFound("user")
        }
        return Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .viewer
    }

    private static func requireAnotherOwner(_ sql: any SQLDatabase, workspaceID: UUID, except id: UUID) async throws {
        let others = try await sql.raw(
            "SELECT COUNT(*) AS n FROM users WHERE workspace_id = \(bind: workspaceID) AND role = 'owner' AND id <> \(bind: id)"
        ).first()?.decode(column: "n", as: Int.self) ?? 0
        if others == 0 { throw APIError(.conflict, "last_owner", "a workspace must keep at least one owner") }
    }

    /// One `@` with a local part before it and a dotted domain after it, no white space, at most 254 bytes.
    static func looksLikeEmail(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count <= 254, !bytes.contains(where: { $0 <= 0x20 }),
            let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0, bytes.lastIndex(of: UInt8(ascii: "@")) == at
        else { return false }
        let domain = bytes[(at + 1)...]
        return domain.contains(UInt8(ascii: ".")) && domain.first != UInt8(ascii: ".") && domain.last != UInt8(ascii: ".")
    }

    static func decode(_ row: any SQLRow) throws -> User {
        User(
            id: try row.decode(column: "id", as: UUID.self),
            workspaceID: try row.decode(column: "workspace_id", as: UUID.self),
            email: try row.decode(column: "email", as: String.self),
            name: try row.decode(column: "name", as: String?.self),
            role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .viewer,
            createdAt: try row.decode(column: "created_at", as: Date.self),
            lastLoginAt: try row.decode(column: "last_login_at", as: Date?.self)
        )
    }
}
