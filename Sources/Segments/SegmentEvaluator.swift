import Foundation
import SQLKit
import Storage

/// Answers questions about one segment's members. Callers depend on this protocol so that a faster
/// engine (an in-memory audience index) can replace the SQL one without touching them.
public protocol SegmentEvaluator: Sendable {
    /// How many contacts match.
    func count() async throws -> Int
    /// Up to `limit` member ids in ascending id order, after `after` (keyset pagination).
    func page(after: UUID?, limit: Int) async throws -> [UUID]
    /// Whether one contact matches.
    func contains(contactID: UUID) async throws -> Bool
}

/// Evaluates rules with one SQL query per question, on SQLite or PostgreSQL.
public struct SQLSegmentEvaluator: SegmentEvaluator {
    public let database: Database
    public let workspaceID: UUID
    /// The compiled predicate over `contacts c`; the workspace filter is added by each query.
    public let predicate: SQLQueryString

    /// Validates and compiles `rules`. Relative periods count back from `now`; calendar dates use `timeZone`.
    public init(
        database: Database, workspaceID: UUID, rules: RuleNode, catalog: FieldCatalog, now: Date = Date(), timeZone: TimeZone,
        currencyMinorUnits: Int = 100, segmentRules: @escaping @Sendable (UUID) -> RuleNode? = { _ in nil },
        isSnapshot: @escaping @Sendable (UUID) -> Bool = { _ in false }
    ) throws(RuleProblems) {
        let compiler = SegmentCompiler(
            catalog: catalog, dialect: database.dialect, workspaceID: workspaceID, now: now, timeZone: timeZone,
            currencyMinorUnits: currencyMinorUnits, segmentRules: segmentRules, isSnapshot: isSnapshot
        )
        self.database = database
        self.workspaceID = workspaceID
        self.predicate = try compiler.predicate(rules)
    }

    public func count() async throws -> Int {
        let query = SegmentQuery.count(workspaceID: workspaceID, predicate: predicate)
        return try await database.read { sql in
            try await sql.raw(query).first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    public func page(after: UUID?, limit: Int) async throws -> [UUID] {
        let query = SegmentQuery.page(workspaceID: workspaceID, predicate: predicate, after: after, limit: limit)
        return try await database.read { sql in
            try await sql.raw(query).all().map { try $0.decode(column: "id", as: UUID.self) }
        }
    }

    public func contains(contactID: UUID) async throws -> Bool {
        let query = SegmentQuery.contains(workspaceID: workspaceID, predicate: predicate, contactID: contactID)
        return try await database.read { sql in try await sql.raw(query).first() != nil }
    }
}

/// The queries built around a compiled predicate; `contacts` is always aliased `c`.
public enum SegmentQuery {
    public static func count(workspaceID: UUID, predicate: SQLQueryString) -> SQLQueryString {
        "SELECT COUNT(*) AS n FROM contacts c WHERE c.workspace_id = \(bind: workspaceID) AND \(predicate)"
    }

    public static func page(workspaceID: UUID, predicate: SQLQueryString, after: UUID?, limit: Int) -> SQLQueryString {
        let keyset: SQLQueryString = after.map { " AND c.id > \(bind: $0)" } ?? ""
        return "SELECT c.id FROM contacts c WHERE c.workspace_id = \(bind: workspaceID)\(keyset) AND \(predicate) ORDER BY c.id LIMIT \(bind: max(0, limit))"
    }

    public static func contains(workspaceID: UUID, predicate: SQLQueryString, contactID: UUID) -> SQLQueryString {
        "SELECT 1 AS one FROM contacts c WHERE c.workspace_id = \(bind: workspaceID) AND c.id = \(bind: contactID) AND \(predicate)"
    }
}
