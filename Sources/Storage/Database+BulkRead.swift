import Foundation
import Logging
import PostgresNIO
import SQLKit
import SQLiteKit
import SQLiteNIO
import VaporCSQLite

/// Reads of millions of rows, for loaders that copy whole tables into memory (the audience index): each cell is read
/// straight from the engine's row, without SQLKit's per-value `Decodable` path, which costs more than the engine's
/// own work at that scale (docs/benchmarks.md, "Audience index").
///
/// A reader belongs to one consistent read (``Database/consistentBulkRead(_:)``); ``sql`` runs ordinary statements
/// in the same transaction.
public struct BulkReader: Sendable {
    public let sql: any SQLDatabase
    let source: Source

    enum Source: @unchecked Sendable {
        /// The `sqlite3*` of the connection the transaction runs on (opened `SQLITE_OPEN_FULLMUTEX`, so stepping a
        /// statement on another thread is safe).
        case sqlite(SQLiteHandle)
        case postgres(PostgresConnection, Logger)
    }

    /// Runs `query` and hands each row to `onRow`, in the engine's order. On SQLite the statement is stepped on a
    /// thread of its own, so a long read does not hold one of the few threads that run the server's tasks.
    public func stream(_ query: SQLQueryString, _ onRow: @escaping @Sendable (BulkRow) throws -> Void) async throws {
        var serializer = SQLSerializer(database: sql)
        query.serialize(to: &serializer)
        let text = serializer.sql, binds = serializer.binds
        switch source {
        case .sqlite(let handle):
            let values = try binds.map { try SQLiteDataEncoder().encode($0) }
            try await Self.onOwnThread { try Self.stepSQLite(handle.raw, text, values, onRow) }
        case .postgres(let connection, let logger):
            var bindings = PostgresBindings()
            for bind in binds {
                guard let value = bind as? any PostgresThrowingDynamicTypeEncodable else {
                    throw BulkReadError(message: "a bound \(type(of: bind)) cannot be sent to PostgreSQL")
                }
                try bindings.append(value)
            }
            let rows = try await connection.query(PostgresQuery(unsafeSQL: text, binds: bindings), logger: logger)
            var cells: [PostgresCell] = []
            for try await row in rows {
                cells.removeAll(keepingCapacity: true)
                for cell in row { cells.append(cell) }
                try onRow(BulkRow(cells: cells))
            }
        }
    }

    private static func onOwnThread(_ work: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread {
                do {
                    try work()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private static func stepSQLite(_ handle: OpaquePointer, _ text: String, _ binds: [SQLiteData], _ onRow: (BulkRow) throws -> Void) throws {
        var statement: OpaquePointer?
        guard sqlite_nio_sqlite3_prepare_v2(handle, text, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw BulkReadError(message: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
        }
        defer { sqlite_nio_sqlite3_finalize(statement) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (offset, value) in binds.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32
            switch value {
            case .integer(let number): result = sqlite_nio_sqlite3_bind_int64(statement, index, Int64(number))
            case .float(let number): result = sqlite_nio_sqlite3_bind_double(statement, index, number)
            case .text(let string):
                result = sqlite_nio_sqlite3_bind_text64(statement, index, string, UInt64(string.utf8.count), transient, UInt8(SQLITE_UTF8))
            case .blob(let buffer):
                result = buffer.withUnsafeReadableBytes {
                    sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), transient)
                }
            case .null: result = sqlite_nio_sqlite3_bind_null(statement, index)
            }
            guard result == SQLITE_OK else { throw BulkReadError(message: String(cString: sqlite_nio_sqlite3_errmsg(handle))) }
        }
        let row = BulkRow(statement: statement)
        while true {
            switch sqlite_nio_sqlite3_step(statement) {
            case SQLITE_ROW: try onRow(row)
            case SQLITE_DONE: return
            default: throw BulkReadError(message: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
            }
        }
    }
}

/// One row of a ``BulkReader/stream(_:_:)``, valid only inside the call that receives it. Columns are by position.
public struct BulkRow: @unchecked Sendable {
    private let statement: OpaquePointer?
    private let cells: [PostgresCell]

    init(statement: OpaquePointer) {
        self.statement = statement
        self.cells = []
    }

    init(cells: [PostgresCell]) {
        self.statement = nil
        self.cells = cells
    }

    public func isNull(_ column: Int) -> Bool {
        if let statement { return sqlite_nio_sqlite3_column_type(statement, Int32(column)) == SQLITE_NULL }
        return cells[column].bytes == nil
    }

    public func text(_ column: Int) throws -> String? {
        if let statement {
            guard let bytes = sqlite_nio_sqlite3_column_text(statement, Int32(column)) else { return nil }
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, Int32(column)))
            return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        }
        return try cells[column].decode(String?.self)
    }

    public func int64(_ column: Int) throws -> Int64? {
        if let statement {
            switch sqlite_nio_sqlite3_column_type(statement, Int32(column)) {
            case SQLITE_NULL: return nil
            case SQLITE_INTEGER: return sqlite_nio_sqlite3_column_int64(statement, Int32(column))
            default: throw BulkReadError(message: "column \(column) is not an integer")
            }
        }
        return try cells[column].decode(Int64?.self)
    }

    /// A stored UUID: PostgreSQL's `uuid`, SQLite's text form (as SQLiteKit binds one) or 16 bytes.
    public func uuid(_ column: Int) throws -> UUID? {
        if let statement {
            switch sqlite_nio_sqlite3_column_type(statement, Int32(column)) {
            case SQLITE_NULL: return nil
            case SQLITE_TEXT:
                let count = Int(sqlite_nio_sqlite3_column_bytes(statement, Int32(column)))
                if let bytes = sqlite_nio_sqlite3_column_text(statement, Int32(column)),
                    let id = UUIDText.parse(UnsafeRawBufferPointer(start: bytes, count: count))
                {
                    return id
                }
            case SQLITE_BLOB:
                let count = Int(sqlite_nio_sqlite3_column_bytes(statement, Int32(column)))
                if count == 16, let bytes = sqlite_nio_sqlite3_column_blob(statement, Int32(column)) {
                    var id = UUIDText.zero
                    withUnsafeMutableBytes(of: &id) { $0.copyMemory(from: UnsafeRawBufferPointer(start: bytes, count: 16)) }
                    return UUID(uuid: id)
                }
            default: break
            }
            throw BulkReadError(message: "column \(column) is not a UUID")
        }
        return try cells[column].decode(UUID?.self)
    }

    /// A stored time as seconds since 1970, read as SQLiteNIO reads a `Date` (numbers rounded to the microsecond,
    /// text as ISO 8601) and as PostgreSQL's `timestamptz`.
    public func seconds(_ column: Int) throws -> Double? {
        if let statement {
            let value: SQLiteData
            switch sqlite_nio_sqlite3_column_type(statement, Int32(column)) {
            case SQLITE_NULL: return nil
            case SQLITE_FLOAT: value = .float(sqlite_nio_sqlite3_column_double(statement, Int32(column)))
            case SQLITE_INTEGER: value = .integer(Int(sqlite_nio_sqlite3_column_int64(statement, Int32(column))))
            default: value = .text(try text(column) ?? "")
            }
            guard let date = Date(sqliteData: value) else { throw BulkReadError(message: "column \(column) is not a time") }
            return date.timeIntervalSince1970
        }
        return try cells[column].decode(Date?.self)?.timeIntervalSince1970
    }
}

/// An `sqlite3*` handed to the thread that steps a statement (the connection is opened `SQLITE_OPEN_FULLMUTEX`).
struct SQLiteHandle: @unchecked Sendable {
    let raw: OpaquePointer
}

public struct BulkReadError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { "bulk read failed: \(message)" }

    public init(message: String) { self.message = message }
}

/// UUIDs parsed from their 36-character text without making a `String` first.
enum UUIDText {
    /// Sixteen zero bytes to parse into (`UUID()` would draw random bytes from the system for nothing).
    static let zero: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    static func parse(_ text: UnsafeRawBufferPointer) -> UUID? {
        guard text.count == 36 else { return nil }
        var bytes = zero
        let ok = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
            var position = 0
            for index in 0..<16 {
                if position == 8 || position == 13 || position == 18 || position == 23 {
                    guard text[position] == UInt8(ascii: "-") else { return false }
                    position += 1
                }
                guard let high = nibble(text[position]), let low = nibble(text[position + 1]) else { return false }
                out[index] = high << 4 | low
                position += 2
            }
            return true
        }
        return ok ? UUID(uuid: bytes) : nil
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 65...70: byte - 55
        case 97...102: byte - 87
        default: nil
        }
    }
}

extension Database {
    /// ``consistentRead(_:)`` with a ``BulkReader``: one read-only transaction (SQLite's WAL snapshot on a connection
    /// of its own, PostgreSQL's `REPEATABLE READ`) whose statements may stream millions of rows cheaply.
    public func consistentBulkRead<R: Sendable>(_ body: @Sendable (BulkReader) async throws -> R) async throws -> R {
        switch backend {
        case .sqlite:
            // A connection of its own: no other read may run inside this transaction (see consistentRead).
            return try await withOwnSQLiteConnection { connection in
                guard let handle = TimedReader.rawHandle(of: connection).map(SQLiteHandle.init(raw:)) else {
                    throw BulkReadError(message: "the SQLite connection's handle was not found")
                }
                return try await Self.inTransaction(begin: "BEGIN DEFERRED", on: connection.sql(queryLogLevel: .trace)) { sql in
                    try await body(BulkReader(sql: sql, source: .sqlite(handle)))
                }
            }
        case .postgres(let client, _):
            let logger = self.logger
            return try await DatabaseError.redacted {
                try await client.withConnection { connection in
                    try await Self.inTransaction(
                        begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", on: connection.sql(queryLogLevel: .trace)
                    ) { sql in
                        try await body(BulkReader(sql: sql, source: .postgres(connection, logger)))
                    }
                }
            }
        }
    }
}
