import Foundation

/// Where Herald keeps its data: an SQLite file or a PostgreSQL server.
public enum DatabaseURL: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(host: String, port: Int, username: String, password: String?, database: String, tls: PostgresTLS)

    /// Parses `sqlite:///abs/path.sqlite`, `sqlite://relative/path.sqlite` or
    /// `postgres://user:pass@host:port/db[?sslmode=require|verify-full&sslrootcert=/path/ca.pem]`.
    public init(parsing text: String) throws(StorageError) {
        if text.hasPrefix("sqlite://") {
            let path = String(text.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw .invalidURL("sqlite URL has no file path") }
            self = .sqlite(path: path)
            return
        }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"),
            let components = URLComponents(string: text), let host = components.host, !host.isEmpty
        else {
            throw .invalidURL("expected sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw .invalidURL("postgres URL names no database") }
        func query(_ name: String) -> String? { components.queryItems?.first(where: { $0.name == name })?.value }
        // A misspelt sslmode must not quietly mean "no TLS".
        let sslmode = query("sslmode") ?? "disable"
        guard let mode = PostgresTLS.Mode(rawValue: sslmode) else {
            throw .invalidURL("sslmode must be one of \(PostgresTLS.Mode.allCases.map(\.rawValue).joined(separator: ", ")), got '\(sslmode)'")
        }
        let tls = PostgresTLS(mode: mode, rootCertificatePath: query("sslrootcert").flatMap { $0.isEmpty ? nil : $0 })
        self = .postgres(
            host: host,
            port: components.port ?? 5432,
            username: components.user.flatMap { $0.removingPercentEncoding } ?? "postgres",
            password: components.password.flatMap { $0.removingPercentEncoding },
            database: database,
            tls: tls
        )
    }

    public var kind: DatabaseKind {
        switch self {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }
}

public enum DatabaseKind: String, Sendable {
    case sqlite, postgres
}

/// Failures of the storage layer that callers can act on.
public enum StorageError: Error, Sendable, CustomStringConvertible {
    case invalidURL(String)
    case schemaNewerThanBinary(database: Int, binary: Int)
    case migrationFailed(version: Int, reason: String)
    /// A table rebuild left rows of `table` pointing at a parent that is gone; nothing was stored.
    case foreignKeyViolation(table: String)

    public var description: String {
        switch self {
        case .invalidURL(let reason): "invalid database URL: \(reason)"
        case .schemaNewerThanBinary(let database, let binary):
            "the database schema is at version \(database) but this herald knows only up to \(binary); upgrade herald"
        case .migrationFailed(let version, let reason): "migration \(version) failed: \(reason)"
        case .foreignKeyViolation(let table): "rows of \(table) would lose the row they reference"
        }
    }
}
