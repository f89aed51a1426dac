import Contacts
import Foundation
import SQLKit
import Storage

/// A workspace and its settings; every other row belongs to one.
public struct Workspace: Sendable, Codable {
    public var id: UUID
    public var name: String
    public var timeZone: String
    public var currency: String
    public var defaultCountry: String?
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, currency
        case timeZone = "time_zone"
        case defaultCountry = "default_country"
        case createdAt = "created_at"
    }
}

public struct WorkspaceStore: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Creates a workspace with its first API key; returns both (the key in plain text, shown once).
    public func create(name: String, timeZone: String = "UTC", currency: String = "USD", defaultCountry: String? = nil)
        async throws -> (Workspace, String)
    {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 200 else { throw APIError.invalid("name", "name must be 1 to 200 characters") }
        try Self.validate(timeZone: timeZone, currency: currency, defaultCountry: defaultCountry)
        let workspace = Workspace(
            id: UUID(), name: trimmed, timeZone: timeZone, currency: currency.uppercased(),
            defaultCountry: defaultCountry?.uppercased(), createdAt: Date()
        )
        let key = try await database.transaction { sql in
            if try await sql.raw("SELECT id FROM workspaces WHERE name = \(bind: trimmed)").first() != nil {
                throw APIError(.conflict, "name_taken", "a workspace named '\(trimmed)' already exists", field: "name")
            }
            try await sql.raw(
                """
                INSERT INTO workspaces (id, name, time_zone, currency, default_country, created_at, updated_at)
                VALUES (\(bind: workspace.id), \(bind: workspace.name), \(bind: workspace.timeZone), \(bind: workspace.currency),
                        \(bind: workspace.defaultCountry), \(bind: workspace.createdAt), \(bind: workspace.createdAt))
                """
            ).run()
            return try await APIKeyStore.insert(sql, workspaceID: workspace.id, name: "Initial key", role: .owner)
        }
        return (workspace, key.secret)
    }

    static func validate(timeZone: String?, currency: String?, defaultCountry: String?) throws {
        if let timeZone, TimeZone(identifier: timeZone) == nil {
            throw APIError.invalid("time_zone", "'\(timeZone)' is not a time zone name such as Europe/Berlin")
        }
        if let currency, currency.count != 3 || !currency.allSatisfy(\.isLetter) {
            throw APIError.invalid("currency", "currency must be a three-letter ISO 4217 code such as EUR")
        }
        if let defaultCountry, !PhoneNumber.isKnownCountry(defaultCountry.uppercased()) {
            throw APIError.invalid("default_country", "'\(defaultCountry)' is not a two-letter country code such as DE")
        }
    }

    public func find(id: UUID) async throws -> Workspace? {
        try await database.read { sql in
            try await sql.raw("SELECT * FROM workspaces WHERE id = \(bind: id)").first().map(Self.decode)
        }
    }

    public func find(name: String) async throws -> Workspace? {
        try await database.read { sql in
            try await sql.raw("SELECT * FROM workspaces WHERE name = \(bind: name)").first().map(Self.decode)
        }
    }

    public func update(id: UUID, name: String?, timeZone: String?, currency: String?, defaultCountry: String??) async throws -> Workspace {
        try Self.validate(timeZone: timeZone, currency: currency, defaultCountry: defaultCountry ?? nil)
        guard var workspace = try await find(id: id) else { throw APIError.notFound("workspace") }
        if let name {
            guard !name.isEmpty, name.count <= 200 else { throw APIError.invalid("name", "name must be 1 to 200 characters") }
            workspace.name = name
        }
        if let timeZone { workspace.timeZone = timeZone }
        if let currency { workspace.currency = currency.uppercased() }
        if let defaultCountry { workspace.defaultCountry = defaultCountry?.uppercased() }
        let updated = workspace
        try await database.transaction { sql in
            if try await sql.raw("SELECT id FROM workspaces WHERE name = \(bind: updated.name) AND id <> \(bind: id)").first() != nil {
                throw APIError(.conflict, "name_taken", "a workspace named '\(updated.name)' already exists", field: "name")
            }
            try await sql.raw(
                """
                UPDATE workspaces SET name = \(bind: updated.name), time_zone = \(bind: updated.timeZone), currency = \(bind: updated.currency),
                    default_country = \(bind: updated.defaultCountry), updated_at = \(bind: Date()) WHERE id = \(bind: id)
                """
            ).run()
        }
        return updated
    }

    static func decode(_ row: any SQLRow) throws -> Workspace {
        Workspace(
            id: try row.decode(column: "id", as: UUID.self),
            name: try row.decode(column: "name", as: String.self),
            timeZone: try row.decode(column: "time_zone", as: String.self),
            currency: try row.decode(column: "currency", as: String.self),
            defaultCountry: try row.decode(column: "default_country", as: String?.self),
            createdAt: try row.decode(column: "created_at", as: Date.self)
        )
    }
}
