import Foundation
import Logging
import SQLKit

/// One versioned step of the schema. Steps run in order, each in its own transaction.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let statements: @Sendable (Dialect) -> [String]
    /// The step drops and recreates a table that others reference (SQLite's way to change a column). On SQLite it then
    /// runs with foreign keys off, which a transaction cannot switch: dropping the parent with them on would delete
    /// every child row through `ON DELETE CASCADE` (see ``Database/transactionWithoutForeignKeys(_:)``).
    public let rebuildsTables: Bool

    public init(version: Int, name: String, rebuildsTables: Bool = false, statements: @escaping @Sendable (Dialect) -> [String]) {
        self.version = version
        self.name = name
        self.rebuildsTables = rebuildsTables
        self.statements = statements
    }
}

/// Applies ``Migration``s and records them in `schema_migrations`.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    public init(migrations: [Migration] = Schema.migrations) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// The highest version recorded in the database, or 0 for an empty one.
    public func currentVersion(_ database: Database) async throws -> Int {
        try await ensureTable(database)
        return try await database.read { sql in
            let row = try await sql.raw("SELECT MAX(version) AS v FROM schema_migrations").first()
            return try row?.decodeNil(column: "v") == false ? try row?.decode(column: "v", as: Int.self) ?? 0 : 0
        }
    }

    /// Applies pending migrations. Running it twice is harmless; a schema newer than this binary is refused.
    @discardableResult
    public func migrate(_ database: Database, logger: Logger) async throws -> [Int] {
        try await ensureTable(database)
        let current = try await currentVersion(database)
        if current > latestVersion {
            throw StorageError.schemaNewerThanBinary(database: current, binary: latestVersion)
        }
        var applied: [Int] = []
        for migration in migrations where migration.version > current {
            let dialect = database.dialect
            do {
                let apply: @Sendable (any SQLDatabase) async throws -> Bool = { sql in
                    // Another process may have applied it while we waited for the lock.
                    if database.kind == .postgres {
                        try await sql.raw("LOCK TABLE schema_migrations IN EXCLUSIVE MODE").run()
                    }
                    let exists = try await sql.raw(
                        "SELECT version FROM schema_migrations WHERE version = \(bind: migration.version)"
                    ).first()
                    if exists != nil { return false }
                    for statement in migration.statements(dialect) {
                        try await sql.raw(SQLQueryString(statement)).run()
                    }
                    try await sql.raw(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Date().timeIntervalSince1970))"
                    ).run()
                    return true
                }
                let done = try await migration.rebuildsTables
                    ? database.transactionWithoutForeignKeys(apply) : database.transaction(apply)
                if done {
                    applied.append(migration.version)
                    logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                }
            } catch let error as StorageError {
                throw error
            } catch {
                throw StorageError.migrationFailed(version: migration.version, reason: String(reflecting: error))
            }
        }
        return applied
    }

    private func ensureTable(_ database: Database) async throws {
        try await database.transaction { sql in
            try await sql.raw(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)"
            ).run()
        }
    }
}
