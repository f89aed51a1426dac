import SQLKit
import SQLiteNIO

extension Database {
    /// Runs several reads that must see one state of the database: in a read-only transaction (SQLite's WAL snapshot;
    /// PostgreSQL's `REPEATABLE READ` on a leased connection), so a write that commits meanwhile is in none of them or,
    /// on SQLite (whose snapshot starts at the first read), in all of them.
    ///
    /// On SQLite the transaction runs on a connection opened for it alone: the reader connections are shared by every
    /// read, and a statement of another read on a connection inside this transaction would see its old snapshot (a row
    /// committed a moment ago would be missing).
    ///
    /// The same transaction as ``consistentBulkRead(_:)``, with only its SQLKit side.
    public func consistentRead<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await consistentBulkRead { reader in try await body(reader.sql) }
    }

    /// Runs `body` with an SQLite connection of its own, closed afterwards.
    func withOwnSQLiteConnection<R: Sendable>(_ body: (SQLiteConnection) async throws -> R) async throws -> R {
        guard let sqlitePath else { throw DatabaseError.redacting(BulkReadError(message: "no SQLite file to open")) }
        let connection = try await Self.openSQLite(path: sqlitePath, logger: logger)
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
