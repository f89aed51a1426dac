import SQLKit

extension Database {
    /// Like ``transaction(_:)``, but on SQLite with foreign keys off, for migrations that rebuild a table others
    /// reference (``Migration/rebuildsTables``).
    ///
    /// SQLite cannot switch foreign keys inside a transaction, and with them on `DROP TABLE` deletes the table's rows
    /// first, cascading to every child. So, under the writer lock: keys off, the transaction, a `foreign_key_check`
    /// that rolls back if the body left more rows without their parent than there were before (a database that already
    /// held such rows must still be able to migrate), and keys on again whatever happened. PostgreSQL changes columns in
    /// place and needs none of this: it runs an ordinary transaction.
    public func transactionWithoutForeignKeys<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        guard case .sqlite(let writer, _, let lock, _) = backend else { return try await transaction(body) }
        return try await lock.withLock {
            let sql = writer.sql(queryLogLevel: .trace)
            try await Self.runEvenIfCancelled("PRAGMA foreign_keys = OFF", on: sql)
            do {
                let brokenBefore = try await sql.raw("PRAGMA foreign_key_check").all().count
                try await sql.raw("BEGIN IMMEDIATE").run()
                do {
                    let result = try await body(sql)
                    let broken = try await sql.raw("PRAGMA foreign_key_check").all()
                    if broken.count > brokenBefore {
                        let table = broken.last.flatMap { try? $0.decode(column: "table", as: String.self) } ?? "a table"
                        throw StorageError.foreignKeyViolation(table: table)
                    }
                    try await Self.runEvenIfCancelled("COMMIT", on: sql)
                    try await Self.runEvenIfCancelled("PRAGMA foreign_keys = ON", on: sql)
                    return result
                } catch {
                    try? await Self.runEvenIfCancelled("ROLLBACK", on: sql)
                    throw error
                }
            } catch {
                try? await Self.runEvenIfCancelled("PRAGMA foreign_keys = ON", on: sql)
                throw error
            }
        }
    }
}
