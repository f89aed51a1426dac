import SQLKit
import Storage

/// Every SQL difference between SQLite and PostgreSQL the segment compiler needs, side by side.
///
/// Custom attributes live in `contacts.attributes` (TEXT holding JSON on SQLite, JSONB on PostgreSQL).
/// SQLite's `->` / `->>` accept a bound object label; PostgreSQL needs the bound key cast to text to
/// pick the right operator. Values of the wrong JSON type read as NULL, so they never match.
struct SegmentDialect: Sendable {
    let kind: DatabaseKind

    init(_ dialect: Dialect) { self.kind = dialect.kind }

    private func key(_ key: String) -> SQLQueryString {
        kind == .postgres ? "CAST(\(bind: key) AS text)" : "\(bind: key)"
    }

    /// The JSON type of an attribute: SQLite's `json_type` names or PostgreSQL's `jsonb_typeof` names; NULL when absent.
    private func type(_ name: String) -> SQLQueryString {
        kind == .postgres ? "jsonb_typeof(c.attributes -> \(key(name)))" : "json_type(c.attributes -> \(key(name)))"
    }

    /// A text attribute's value, or NULL when absent or not a JSON string.
    func attributeText(_ name: String) -> SQLQueryString {
        kind == .postgres
            ? "(CASE WHEN \(type(name)) = 'string' THEN c.attributes ->> \(key(name)) END)"
            : "(CASE WHEN \(type(name)) = 'text' THEN c.attributes ->> \(key(name)) END)"
    }

    /// A number attribute's value, or NULL when absent or not a JSON number.
    func attributeNumber(_ name: String) -> SQLQueryString {
        kind == .postgres
            ? "(CASE WHEN \(type(name)) = 'number' THEN CAST(c.attributes ->> \(key(name)) AS DOUBLE PRECISION) END)"
            : "(CASE WHEN \(type(name)) IN ('integer', 'real') THEN CAST(c.attributes ->> \(key(name)) AS REAL) END)"
    }

    /// True when a boolean attribute holds `value`.
    func attributeIs(_ name: String, _ value: Bool) -> SQLQueryString {
        kind == .postgres
            ? "(c.attributes -> \(key(name)) = CAST(\(bind: value ? "true" : "false") AS jsonb))"
            : "(\(type(name)) = \(bind: value ? "true" : "false"))"
    }

    /// A list attribute's JSON array, or NULL when absent or not an array.
    func attributeArray(_ name: String) -> SQLQueryString {
        "(CASE WHEN \(type(name)) = 'array' THEN c.attributes -> \(key(name)) END)"
    }

    /// True when the JSON array holds the string `value` (exact match).
    func arrayContains(_ array: SQLQueryString, _ value: String) -> SQLQueryString {
        kind == .postgres
            ? "(\(array) @> jsonb_build_array(CAST(\(bind: value) AS text)))"
            : "EXISTS (SELECT 1 FROM json_each(\(array)) WHERE value = \(bind: value))"
    }

    /// The number of items of a JSON array (NULL for NULL).
    func arrayLength(_ array: SQLQueryString) -> SQLQueryString {
        kind == .postgres ? "jsonb_array_length(\(array))" : "json_array_length(\(array))"
    }

    /// Whether purchase and engagement rules over a period (or a product, category or campaign) compile to sets
    /// of contacts (`EXISTS` over a grouped scan) rather than a subquery per contact. PostgreSQL turns such an
    /// `EXISTS` into a hash join when it stands in the top-level AND, and back into an index probe per contact
    /// elsewhere; a per-contact subquery costs it a plan execution per contact. SQLite runs neither as a join,
    /// and probes per contact fastest as they are.
    var groupsActivity: Bool { kind == .postgres }

    /// The smaller of an expression and a constant.
    func least(_ expression: SQLQueryString, _ cap: Int) -> SQLQueryString {
        kind == .postgres ? "LEAST(\(expression), \(literal: cap))" : "MIN(\(expression), \(literal: cap))"
    }
}
