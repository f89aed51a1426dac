import PostgresNIO

/// A PostgreSQL failure as Herald passes it on: the SQLSTATE code and the server's message only.
///
/// `String(reflecting:)` of a `PSQLError` lists the query's bound values and the server's detail
/// (`Key (phone)=(+49…) already exists`): phone numbers and emails in the logs. ``Database`` throws
/// this instead, so that whoever logs a failed unit of work logs nothing personal.
public struct DatabaseError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The SQLSTATE code, such as `23505`; nil when the failure did not come from the server (a lost connection).
    public let sqlState: String?
    public let message: String

    public var description: String { sqlState.map { "SQLSTATE \($0): \(message)" } ?? message }
    public var debugDescription: String { "DatabaseError(\(description))" }

    /// A deadlock or a serialization conflict: the transaction may be run again.
    public var isConflict: Bool { sqlState == "40P01" || sqlState == "40001" }

    /// The error to pass on in place of `error`: PostgreSQL's own errors become a ``DatabaseError``, others are kept.
    public static func redacting(_ error: any Error) -> any Error {
        switch error {
        case let error as PSQLError:
            if let serverInfo = error.serverInfo {
                return DatabaseError(sqlState: serverInfo[.sqlState], message: serverInfo[.message] ?? "the server refused the query")
            }
            return DatabaseError(sqlState: nil, message: "\(error.code)" + (error.underlying.map { ": \(String(describing: $0))" } ?? ""))
        case let error as PostgresTransactionError:
            guard let cause = error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError else {
                return DatabaseError(sqlState: nil, message: "the transaction failed")
            }
            return redacting(cause)
        case let error as PostgresDecodingError:
            return DatabaseError(sqlState: nil, message: "column \(error.columnName) could not be read as \(error.targetType)")
        default:
            return error
        }
    }

    /// Runs `body`, passing on any error it throws through ``redacting(_:)``.
    static func redacted<R>(_ body: () async throws -> R) async throws -> R {
        do { return try await body() } catch { throw redacting(error) }
    }
}
