import Foundation
import SQLKit
import Storage

/// Compiles a rule tree into one parameterised SQL predicate over `contacts c`.
///
/// Values are always bound; table and column names come only from the ``FieldCatalog``'s sources.
/// Each condition is two-valued (a missing value makes it false), and negative operators
/// (`neq`, `not_in`, `not_contains`, `is_not_set`, `not_in_segment`) are `NOT` of their positive
/// form, so "country is not US" includes contacts without a country. Relative periods count back
/// from `now` in 24-hour days; calendar dates start at midnight in `timeZone`.
public struct SegmentCompiler: Sendable {
    public let catalog: FieldCatalog
    public let workspaceID: UUID
    public let now: Date
    public let timeZone: TimeZone
    /// Minor units per major unit of the workspace currency: money values in rules are major units.
    public let currencyMinorUnits: Int
    public let segmentRules: @Sendable (UUID) -> RuleNode?
    /// Whether a saved segment is static: its membership is then its stored snapshot
    /// (`segment_members`), not its rules evaluated now.
    public let isSnapshot: @Sendable (UUID) -> Bool
    let dialect: SegmentDialect

    /// How deep segment membership may nest when inlined; validation already rejects cycles.
    static let maxSegmentNesting = 16

    public init(
        catalog: FieldCatalog, dialect: Dialect, workspaceID: UUID, now: Date, timeZone: TimeZone, currencyMinorUnits: Int = 100,
        segmentRules: @escaping @Sendable (UUID) -> RuleNode? = { _ in nil }, isSnapshot: @escaping @Sendable (UUID) -> Bool = { _ in false }
    ) {
        self.catalog = catalog
        self.dialect = SegmentDialect(dialect)
        self.workspaceID = workspaceID
        self.now = now
        self.timeZone = timeZone
        self.currencyMinorUnits = currencyMinorUnits
        self.segmentRules = segmentRules
        self.isSnapshot = isSnapshot
    }

    /// The predicate for `rules`, which are validated first, with the stored rules of the dynamic segments they use
    /// and their size once those are inlined (see ``RuleValidator``).
    public func predicate(_ rules: RuleNode) throws(RuleProblems) -> SQLQueryString {
        let problems = RuleValidator(catalog: catalog, segmentRules: segmentRules, isSnapshot: isSnapshot).validate(rules)
        if !problems.isEmpty { throw RuleProblems(problems) }
        return try compile(rules, nesting: 0)
    }

    func compile(_ node: RuleNode, nesting: Int) throws(RuleProblems) -> SQLQueryString {
        switch node {
        case .group(let group):
            var parts: [SQLQueryString] = []
            for child in group.children { parts.append(try compile(child, nesting: nesting)) }
            let body: SQLQueryString =
                parts.isEmpty ? (group.combinator == .and ? "1 = 1" : "1 = 0") : parts.joined(separator: group.combinator == .and ? " AND " : " OR ")
            return group.not ? "NOT (\(body))" : "(\(body))"
        case .condition(var condition):
            // A negative operator is the exact opposite of its positive one.
            let negated = condition.operator.positive != nil
            if let positive = condition.operator.positive { condition.operator = positive }
            guard let field = catalog.field(condition.field) else {
                throw RuleProblems([RuleProblem("", .unknownField, "There is no field \"\(condition.field)\".")])
            }
            if field.source.isActivity { return activity(condition, field, negated: negated) }
            let sql: SQLQueryString
            switch field.source {
            case .segment: sql = try segment(condition, nesting: nesting)
            // Never NULL (NOT NULL columns, a phone test guarded by IS NOT NULL, bound values), and bare comparisons let the
            // planners use indexes and estimates.
            case .createdAt, .consentStatus, .phoneCallingCode: sql = conditionSQL(condition, field)
            default: sql = "COALESCE(\(conditionSQL(condition, field)), FALSE)"
            }
            return negated ? "NOT \(sql)" : sql
        }
    }

    private func segment(_ condition: RuleCondition, nesting: Int) throws(RuleProblems) -> SQLQueryString {
        guard nesting < Self.maxSegmentNesting, let id = condition.value.string.flatMap(UUID.init(uuidString:)), let rules = segmentRules(id) else {
            throw RuleProblems([RuleProblem("", .unknownSegment, "A segment used by these rules is missing or nested too deeply.")])
        }
        if isSnapshot(id) {
            return "EXISTS (SELECT 1 FROM segment_members sm WHERE sm.segment_id = \(bind: id) AND sm.contact_id = c.id)"
        }
        return try compile(rules, nesting: nesting + 1)
    }

    /// The workspace filter every query starts from.
    var inWorkspace: SQLQueryString { "c.workspace_id = \(bind: workspaceID)" }
}
