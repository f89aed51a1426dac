import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresKit
import PostgresNIO
import SQLKit
import SQLiteKit

/// The one SQL layer of Herald. Callers get an `SQLDatabase` for a unit of work and never
/// learn which engine is underneath; engine differences live in ``Dialect``.
public final class Database: Sendable {
    public let kind: DatabaseKind
    public let dialect: Dialect
    let logger: Logger
    let backend: Backend
    /// Reads through this value are stopped after this long (see ``withReadTimeLimit(_:)``).
    public let readTimeLimit: Duration?
    /// SQLite: the connection kept for time-limited reads, so that stopping one interrupts nothing else.
    let timedReader: TimedReader?
    /// A view made by ``withReadTimeLimit(_:)`` shares its parent's connections and does not close them.
    let isView: Bool
    /// SQLite: the file, for connections opened for one consistent read (``consistentRead(_:)``).
    let sqlitePath: String?

    enum Backend: Sendable {
        case sqlite(writer: SQLiteConnection, readers: [SQLiteConnection], lock: AsyncLock, next: ReaderCursor)
        case postgres(client: PostgresClient, runner: Task<Void, Never>)
    }

    init(
        kind: DatabaseKind, backend: Backend, logger: Logger, readTimeLimit: Duration? = nil, timedReader: TimedReader? = nil,
        isView: Bool = false, sqlitePath: String? = nil
    ) {
        self.kind = kind
        self.dialect = Dialect(kind: kind)
        self.backend = backend
        self.logger = logger
        self.readTimeLimit = readTimeLimit
        self.timedReader = timedReader
        self.isView = isView
        self.sqlitePath = sqlitePath
    }

    /// Opens the database the URL names. SQLite files are created (with their folder) when absent.
    public static func open(_ url: DatabaseURL, logger: Logger, maxConnections: Int = 10) async throws -> Database {
        switch url {
        case .sqlite(let path):
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            let writer = try await openSQLite(path: path, logger: logger)
            // WAL lets readers run beside the single writer.
            var readers: [SQLiteConnection] = []
            for _ in 0..<2 { readers.append(try await openSQLite(path: path, logger: logger)) }
            return Database(
                kind: .sqlite,
                backend: .sqlite(writer: writer, readers: readers, lock: AsyncLock(), next: ReaderCursor()),
                logger: logger, timedReader: TimedReader(connection: try await openSQLite(path: path, logger: logger)), sqlitePath: path
            )
        case .postgres(let host, let port, let username, let password, let database, let tls):
            var configuration = PostgresClient.Configuration(
                host: host, port: port, username: username, password: password, database: database,
                tls: tls.client
            )
            configuration.options.maximumConnections = maxConnections
            // The planner starts JIT compilation for segment counts over many contacts, and compiling (about 300 ms
            // here) took longer than running them uncompiled (docs/benchmarks.md, "Segment preview").
            configuration.options.additionalStartupParameters = [("jit", "off")]
            let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
            let runner = Task { await client.run() }
            let db = Database(kind: .postgres, backend: .postgres(client: client, runner: runner), logger: logger)
            return db
        }
    }

    static func openSQLite(path: String, logger: Logger) async throws -> SQLiteConnection {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        let sql = connection.sql(queryLogLevel: .trace)
        try await sql.raw("PRAGMA journal_mode = WAL").run()
        try await sql.raw("PRAGMA foreign_keys = ON").run()
        try await sql.raw("PRAGMA busy_timeout = 10000").run()
        try await sql.raw("PRAGMA synchronous = NORMAL").run()
        return connection
    }

    /// Runs read-only work. On SQLite it uses a reader connection; on PostgreSQL a pooled one.
    public func read<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        if let readTimeLimit { return try await DatabaseError.redacted { try await timedRead(limit: readTimeLimit, body) } }
        switch backend {
        case .sqlite(_, let readers, _, let next):
            return try await body(readers[next.advance() % readers.count].sql(queryLogLevel: .trace))
        case .postgres(let client, _):
            return try await DatabaseError.redacted { try await client.withConnection { try await body($0.sql(queryLogLevel: .trace)) } }
        }
    }

    /// Runs work in one transaction: all of it is stored, or none.
    /// Like ``transaction(_:)``, but runs `body` again (up to `attempts` times in all) when PostgreSQL
    /// rolls it back for a deadlock or a serialization conflict. The body must be safe to repeat.
    public func transaction<R: Sendable>(
        retryingConflicts attempts: Int, _ body: @Sendable (any SQLDatabase) async throws -> R
    ) async throws -> R {
        var attempt = 1
        while true {
            do {
                return try await transaction(body)
            } catch let error as DatabaseError where attempt < attempts && error.isConflict {
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...50) * attempt))
            }
        }
    }

    public func transaction<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        switch backend {
        case .sqlite(let writer, _, let lock, _):
            return try await lock.withLock {
                try await Self.inTransaction(begin: "BEGIN IMMEDIATE", on: writer.sql(queryLogLevel: .trace), body)
            }
        case .postgres(let client, _):
            do {
                return try await client.withTransaction(logger: logger) { try await body($0.sql(queryLogLevel: .trace)) }
            } catch let error as PostgresTransactionError {
                // Callers see what their own code threw (after the rollback), as on SQLite; PostgreSQL's own errors
                // as a DatabaseError, which keeps the bound values out of every log line that mentions it.
                if let closureError = error.closureError, error.rollbackError == nil { throw DatabaseError.redacting(closureError) }
                throw DatabaseError.redacting(error)
            } catch {
                throw DatabaseError.redacting(error)
            }
        }
    }

    /// Runs a statement even when the calling task was cancelled. SQLiteNIO does not run work that a cancelled task
    /// submits, and a COMMIT or ROLLBACK left unrun would keep the single writer inside this transaction: every later
    /// write of the process would fail with "cannot start a transaction within a transaction".
    /// Runs `body` between `begin` and COMMIT on one connection, rolling back when it throws.
    static func inTransaction<R: Sendable>(
        begin: SQLQueryString, on sql: any SQLDatabase, _ body: @Sendable (any SQLDatabase) async throws -> R
    ) async throws -> R {
        try await sql.raw(begin).run()
        do {
            let result = try await body(sql)
            try await runEvenIfCancelled("COMMIT", on: sql)
            return result
        } catch {
            try? await runEvenIfCancelled("ROLLBACK", on: sql)
            throw error
        }
    }

    static func runEvenIfCancelled(_ statement: SQLQueryString, on sql: any SQLDatabase) async throws {
        try await Task { try await sql.raw(statement).run() }.value
    }

    /// Checks that the database answers a trivial query.
    public func ping() async throws {
        _ = try await read { try await $0.raw("SELECT 1 AS one").first() }
    }

    public func close() async {
        guard !isView else { return }
        switch backend {
        case .sqlite(let writer, let readers, _, _):
            for connection in readers + [writer] + (timedReader.map { [$0.connection] } ?? []) { try? await connection.close() }
        case .postgres(_, let runner):
            runner.cancel()
            await runner.value
        }
    }
}

/// Round-robin position over SQLite reader connections.
final class ReaderCursor: Sendable {
    private let value = NIOLockedValueBox(0)
    func advance() -> Int { value.withLockedValue { $0 &+= 1; return $0 } }
}
