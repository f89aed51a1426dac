import SQLKit

/// Every place where SQLite and PostgreSQL need different SQL, side by side.
public struct Dialect: Sendable {
    public let kind: DatabaseKind

    /// Column type of ids. PostgreSQL has a native uuid; SQLite stores the text form.
    public var uuidType: String { kind == .postgres ? "UUID" : "TEXT" }
    /// Column type of instants. SQLite stores seconds since 1970 as a REAL.
    public var timestampType: String { kind == .postgres ? "TIMESTAMPTZ" : "REAL" }
    /// Column type of JSON documents (tags, custom attributes, payloads).
    public var jsonType: String { kind == .postgres ? "JSONB" : "TEXT" }
    public var boolType: String { kind == .postgres ? "BOOLEAN" : "INTEGER" }
    public var blobType: String { kind == .postgres ? "BYTEA" : "BLOB" }

    /// A bound JSON text value, cast where the engine needs it.
    public func json(_ text: String) -> SQLQueryString {
        kind == .postgres ? "CAST(\(bind: text) AS jsonb)" : "\(bind: text)"
    }

    /// A JSON column read back as text.
    public func jsonText(_ column: String) -> SQLQueryString {
        kind == .postgres ? "\(ident: column)::text" : "\(ident: column)"
    }

    /// A JSON column of an aliased table (`c.attributes`) read back as text.
    public func jsonText(_ column: String, of table: String) -> SQLQueryString {
        kind == .postgres ? "\(ident: table).\(ident: column)::text" : "\(ident: table).\(ident: column)"
    }

    /// Case-insensitive prefix match on a column.
    public func prefixMatch(_ column: String, _ prefix: String) -> SQLQueryString {
        let escaped = prefix.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        return kind == .postgres
            ? "\(ident: column) ILIKE \(bind: escaped + "%") ESCAPE '\\'"
            : "\(ident: column) LIKE \(bind: escaped + "%") ESCAPE '\\'"
    }

    /// Locks the selected row until the transaction ends; SQLite's single writer already does.
    public var forUpdate: SQLQueryString { kind == .postgres ? " FOR UPDATE" : "" }

    /// Row locking clause for claiming queued work; SQLite serialises writers instead.
    public var skipLocked: SQLQueryString { kind == .postgres ? " FOR UPDATE SKIP LOCKED" : "" }
}

extension Dialect {
    /// An instant column (`table.column` when `table` is given) plus a bound number of seconds, as an instant: the end
    /// of a message's outcome window (`accepted_at + window`) compared with another instant column.
    public func plusSeconds(_ column: String, of table: String? = nil, _ seconds: Double) -> SQLQueryString {
        let name: SQLQueryString = table.map { "\(ident: $0).\(ident: column)" } ?? "\(ident: column)"
        return kind == .postgres ? "(\(name) + make_interval(secs => \(bind: seconds)))" : "(\(name) + \(bind: seconds))"
    }
}
