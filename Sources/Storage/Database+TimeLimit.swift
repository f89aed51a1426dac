import Foundation
import NIOConcurrencyHelpers
import PostgresNIO
import SQLKit
import SQLiteNIO
import VaporCSQLite

/// A read stopped by the database because it ran longer than its limit (a segment preview or a campaign
/// pre-flight over a very large or very complex audience). Nothing was written: the work was read-only.
public struct QueryTimeLimitExceeded: Error, Sendable, CustomStringConvertible {
    public let limit: Duration
    public var description: String { "the query ran longer than its limit of \(limit)" }
}

extension Database {
    /// A view of this database whose ``read(_:)`` calls are stopped after `limit` with ``QueryTimeLimitExceeded``.
    /// Work that people start from outside and can make arbitrarily expensive (previews, pre-flight) reads through
    /// such a view, so one request cannot keep a connection and a core busy for minutes. PostgreSQL cancels the
    /// statement itself (`statement_timeout`); SQLite interrupts the one connection kept for these reads.
    /// The view shares this database's connections; closing it closes nothing.
    public func withReadTimeLimit(_ limit: Duration) -> Database {
        Database(kind: kind, backend: backend, logger: logger, readTimeLimit: limit, timedReader: timedReader, isView: true, sqlitePath: sqlitePath)
    }

    func timedRead<R: Sendable>(limit: Duration, _ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        guard limit > .zero else { throw QueryTimeLimitExceeded(limit: limit) }
        switch backend {
        case .postgres(let client, _):
            // SET LOCAL (set_config(..., true)) ends with the transaction: the pooled connection keeps its own setting.
            let milliseconds = max(1, Int(limit.components.seconds * 1000 + limit.components.attoseconds / 1_000_000_000_000_000))
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    let sql = connection.sql(queryLogLevel: .trace)
                    try await sql.raw("SELECT set_config('statement_timeout', \(bind: String(milliseconds)), true)").run()
                    return try await body(sql)
                }
            } catch let error as PostgresTransactionError {
                if let failure = error.closureError as? PSQLError, failure.serverInfo?[.sqlState] == "57014" {
                    throw QueryTimeLimitExceeded(limit: limit)
                }
                if let closureError = error.closureError, error.rollbackError == nil { throw closureError }
                throw error
            }
        case .sqlite:
            guard let timedReader else { preconditionFailure("an SQLite database always has a timed reader") }
            return try await timedReader.run(limit: limit, body)
        }
    }
}

/// The SQLite connection for time-limited reads: one read at a time, interrupted (`sqlite3_interrupt`) when it runs
/// past its limit. A connection of its own, so that an interrupt never stops a read that had no limit.
final class TimedReader: Sendable {
    let connection: SQLiteConnection
    private let lock = AsyncLock()

    init(connection: SQLiteConnection) { self.connection = connection }

    func run<R: Sendable>(limit: Duration, _ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await lock.withLock {
            // The limit counts from when this read has the connection: waiting behind another read is not its fault.
            let deadline = ContinuousClock.now + limit
            // `running` is true while `body` may still be executing statements; the watchdog interrupts only then,
            // so a late watchdog cannot stop the next reader's statements.
            let running = NIOLockedValueBox(true)
            let interrupted = NIOLockedValueBox(false)
            let handle = Self.rawHandle(of: connection)
            // An interrupt reaches only statements already running: on a busy machine the read may not have started
            // its statement by the deadline, so the watchdog interrupts again every 50 ms until the read ends.
            let watchdog = Task {
                try? await Task.sleep(until: deadline, clock: .continuous)
                while !Task.isCancelled {
                    let fired = running.withLockedValue { stillRunning -> Bool in
                        guard stillRunning, let handle else { return false }
                        interrupted.withLockedValue { $0 = true }
                        sqlite_nio_sqlite3_interrupt(handle)
                        return true
                    }
                    guard fired else { return }
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            defer {
                running.withLockedValue { $0 = false }
                watchdog.cancel()
            }
            do {
                return try await body(connection.sql(queryLogLevel: .trace))
            } catch let error as SQLiteError where error.reason == .interrupt || interrupted.withLockedValue({ $0 }) {
                throw QueryTimeLimitExceeded(limit: limit)
            }
        }
    }

    /// SQLiteNIO keeps the `sqlite3*` handle internal and offers no interrupt, so it is read by reflection.
    /// `sqlite3_interrupt` is safe to call from any thread while the connection is open (it is open for as long
    /// as this reader holds its lock). A test checks that the handle is found (`QueryTimeLimitTests`).
    static func rawHandle(of connection: SQLiteConnection) -> OpaquePointer? {
        Mirror(reflecting: connection).descendant("handle", "raw") as? OpaquePointer
    }
}
