import SQLKit

extension Database {
    /// Runs several reads that must see one state of the database: in a read-only transaction on the reader's
    /// connection (SQLite's WAL snapshot; PostgreSQL's `REPEATABLE READ`), so a write that commits meanwhile is in
    /// none of them or, on SQLite, in all of them.
    public func consistentRead<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let begin: SQLQueryString = kind == .postgres ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN DEFERRED"
        return try await read { sql in try await Self.inTransaction(begin: begin, on: sql, body) }
    }
}
