import Foundation
import SQLKit
import Segments
import Storage

/// What rules need to know about their workspace: the field catalog (with custom attributes), the
/// time zone and currency, and the saved segments that rules may refer to.
struct SegmentWorkspace: Sendable {
    let workspaceID: UUID
    let catalog: FieldCatalog
    let timeZone: TimeZone
    let minorUnits: Int
    let saved: [UUID: (rules: RuleNode, kind: Segment.Kind, name: String)]

    var segmentRules: @Sendable (UUID) -> RuleNode? { let saved = saved; return { saved[$0]?.rules } }
    var isSnapshot: @Sendable (UUID) -> Bool { let saved = saved; return { saved[$0]?.kind == .static } }
    var segmentName: @Sendable (UUID) -> String? { let saved = saved; return { saved[$0]?.name } }

    func validate(_ rules: RuleNode, segmentID: UUID? = nil) -> [RuleProblem] {
        RuleValidator(catalog: catalog, segmentID: segmentID, segmentRules: segmentRules, isSnapshot: isSnapshot, segmentName: segmentName)
            .validate(rules)
    }

    /// The evaluator for rules, with relative windows counted back from `now`. Rules are validated here first so that
    /// a problem in a segment they use names that segment (the compiler validates again, without names).
    func evaluator(_ rules: RuleNode, database: Database, now: Date = Date()) throws(RuleProblems) -> SQLSegmentEvaluator {
        let problems = validate(rules)
        guard problems.isEmpty else { throw RuleProblems(problems) }
        return try SQLSegmentEvaluator(
            database: database, workspaceID: workspaceID, rules: rules, catalog: catalog, now: now, timeZone: timeZone,
            currencyMinorUnits: minorUnits, segmentRules: segmentRules, isSnapshot: isSnapshot
        )
    }
}

/// Minor units per major unit for the few currencies that do not use cents.
enum CurrencyUnits {
    static let exceptions: [String: Int] = [
        "JPY": 1, "KRW": 1, "VND": 1, "CLP": 1, "ISK": 1, "PYG": 1, "UGX": 1, "XAF": 1, "XOF": 1,
        "BHD": 1000, "KWD": 1000, "OMR": 1000, "JOD": 1000, "TND": 1000, "IQD": 1000, "LYD": 1000,
    ]
    static func minorUnits(_ code: String) -> Int { exceptions[code.uppercased()] ?? 100 }
}

/// Reads rules from request bodies and turns problems into the API's 422 answer.
enum SegmentRulesInput {
    static func ruleValue(_ json: JSONValue) -> RuleValue {
        switch json {
        case .null: .null
        case .bool(let b): .bool(b)
        case .number(let n): .number(n)
        case .string(let s): .string(s)
        case .array(let a): .array(a.map(ruleValue))
        case .object(let o): .object(o.mapValues(ruleValue))
        }
    }

    /// Parses `rules` (canonical tree or the seed's flat form); shape problems become a 422.
    static func parse(_ json: JSONValue?, field: String = "rules") throws -> RuleNode {
        guard let json, json != .null else { throw APIError.invalid(field, "rules are required", code: "required") }
        do { return try RuleParser.parse(ruleValue(json)) } catch { throw invalid(error.problems, field: field) }
    }

    static func invalid(_ problems: [RuleProblem], field: String = "rules") -> APIError {
        let first = problems.first
        var error = APIError.invalid(
            first.map { $0.path.isEmpty ? field : "\(field).\($0.path)" } ?? field, first?.message ?? "the rules are not valid", code: "invalid_rules"
        )
        error.problems = problems.map { .init(path: $0.path, code: $0.code.rawValue, message: $0.message) }
        return error
    }
}

/// Loads segments' workspaces and evaluates, refreshes and resolves saved segments.
public struct SegmentService: Sendable {
    let database: Database
    let store: SegmentStore
    /// Previews, which anyone with access can make arbitrarily expensive, read through this view: stopped past the limit.
    let limitedReads: Database
    /// This server's audience indexes, which answer previews and member lists while they are current.
    public let index: AudienceIndexService

    public init(database: Database, queryTimeLimit: Duration = .seconds(10), index: AudienceIndexService.Settings = .init()) {
        self.database = database
        self.store = SegmentStore(database: database)
        self.limitedReads = database.withReadTimeLimit(queryTimeLimit)
        self.index = AudienceIndexService(database: database, settings: index)
    }

    /// The evaluator of a preview or a member list: the audience index when the workspace's snapshot reflects every
    /// logged change and the rules need nothing it lacks (a static segment's stored members), else SQL within the
    /// query time limit. Rules are validated by the caller.
    func liveEvaluator(_ rules: RuleNode, in workspace: SegmentWorkspace, now: Date = Date()) async throws -> any SegmentEvaluator {
        if let evaluator = try await indexEvaluator(rules, in: workspace, now: now) { return evaluator }
        do { return try workspace.evaluator(rules, database: limitedReads, now: now) } catch { throw SegmentRulesInput.invalid(error.problems) }
    }

    /// The audience index's evaluator of `rules` at `now`, caught up with every logged change; nil when SQL must answer
    /// (the index is off, building, over its budget, or the rules need a static segment's stored members).
    func indexEvaluator(_ rules: RuleNode, in workspace: SegmentWorkspace, now: Date) async throws -> IndexSegmentEvaluator? {
        guard index.isEnabled,
            IndexSegmentEvaluator.supports(rules, catalog: workspace.catalog, isSnapshot: workspace.isSnapshot, segmentRules: workspace.segmentRules),
            let view = await index.currentView(for: workspace.workspaceID)
        else { return nil }
        do {
            return try IndexSegmentEvaluator(
                view: view, rules: rules, catalog: workspace.catalog, now: now, timeZone: workspace.timeZone,
                currencyMinorUnits: workspace.minorUnits, segmentRules: workspace.segmentRules, isSnapshot: workspace.isSnapshot
            )
        } catch let problems as RuleProblems {
            throw SegmentRulesInput.invalid(problems.problems)
        } catch {
            return nil  // Rules the index cannot answer are answered by SQL.
        }
    }

    func workspace(_ workspaceID: UUID) async throws -> SegmentWorkspace {
        let catalog = try await FieldCatalog.load(database, workspaceID: workspaceID)
        let d = database.dialect
        let (zone, currency, saved) = try await database.read { sql in
            let row = try await sql.raw("SELECT time_zone, currency FROM workspaces WHERE id = \(bind: workspaceID)").first()
            let zone = try row?.decode(column: "time_zone", as: String.self) ?? "UTC"
            let currency = try row?.decode(column: "currency", as: String.self) ?? "USD"
            var saved: [UUID: (rules: RuleNode, kind: Segment.Kind, name: String)] = [:]
            for row in try await sql.raw(
                "SELECT id, name, kind, \(d.jsonText("rules")) AS rules FROM segments WHERE workspace_id = \(bind: workspaceID)"
            ).all() {
                let text = try row.decode(column: "rules", as: String.self)
                guard let rules = try? JSONDecoder().decode(RuleNode.self, from: Data(text.utf8)) else { continue }
                saved[try row.decode(column: "id", as: UUID.self)] = (
                    rules, Segment.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .dynamic, try row.decode(column: "name", as: String.self)
                )
            }
            return (zone, currency, saved)
        }
        return SegmentWorkspace(
            workspaceID: workspaceID, catalog: catalog, timeZone: TimeZone(identifier: zone) ?? .gmt, minorUnits: CurrencyUnits.minorUnits(currency),
            saved: saved
        )
    }

    /// The members of a saved segment right now, as people browse them: the snapshot of a static one, fresh rules for a
    /// dynamic one, read within the query time limit.
    func members(of segment: Segment, in workspace: SegmentWorkspace, now: Date = Date()) async throws -> any SegmentEvaluator {
        switch segment.kind {
        case .static: return SnapshotSegmentEvaluator(database: limitedReads, workspaceID: segment.workspaceID, segmentID: segment.id)
        case .dynamic:
            let problems = workspace.validate(segment.rules)
            guard problems.isEmpty else { throw SegmentRulesInput.invalid(problems) }
            return try await liveEvaluator(segment.rules, in: workspace, now: now)
        }
    }

    /// A dynamic segment's members now, in id order, from the audience index; nil when the segment is static or the
    /// index cannot answer (then ``audiencePredicate(workspaceID:segmentID:now:)`` selects them in SQL).
    func indexedMembers(workspaceID: UUID, segmentID: UUID, now: Date = Date()) async throws -> [UUID]? {
        guard index.isEnabled, let segment = try await store.find(workspaceID: workspaceID, id: segmentID), segment.kind == .dynamic else { return nil }
        let workspace = try await workspace(workspaceID)
        let problems = workspace.validate(segment.rules)
        guard problems.isEmpty else { throw SegmentRulesInput.invalid(problems) }
        return try await indexEvaluator(segment.rules, in: workspace, now: now)?.allMembers()
    }

    /// A predicate over `contacts c` for a campaign's audience, or nil for every contact.
    func audiencePredicate(workspaceID: UUID, segmentID: UUID?, now: Date = Date()) async throws -> SQLQueryString? {
        guard let segmentID else { return nil }
        guard let segment = try await store.find(workspaceID: workspaceID, id: segmentID) else {
            throw APIError(.conflict, "segment_missing", "the campaign's segment no longer exists")
        }
        switch segment.kind {
        case .static:
            return "EXISTS (SELECT 1 FROM segment_members sm WHERE sm.segment_id = \(bind: segment.id) AND sm.contact_id = c.id)"
        case .dynamic:
            let workspace = try await workspace(workspaceID)
            do { return try workspace.evaluator(segment.rules, database: database, now: now).predicate } catch {
                throw SegmentRulesInput.invalid(error.problems)
            }
        }
    }

    /// Re-evaluates a segment and stores who entered and who left (see ``SegmentStore/refresh``).
    @discardableResult
    func refresh(_ segment: Segment, reason: String, now: Date = Date()) async throws -> Segment {
        let workspace = try await workspace(segment.workspaceID)
        let evaluator: SQLSegmentEvaluator
        do { evaluator = try workspace.evaluator(segment.rules, database: database, now: now) } catch {
            let message = error.problems.first?.message ?? "the rules are no longer valid"
            try await store.recordRefreshError(segment, message: message)
            throw SegmentRulesInput.invalid(error.problems)
        }
        let started = ContinuousClock.now
        if let indexed = try await indexEvaluator(segment.rules, in: workspace, now: now) {
            return try await store.refresh(segment, matching: Set(try await indexed.allMembers()), started: started, reason: reason, now: now)
        }
        return try await store.refresh(segment, predicate: evaluator.predicate, reason: reason, now: now)
    }
}

/// The members of a static segment: its stored snapshot.
struct SnapshotSegmentEvaluator: SegmentEvaluator {
    let database: Database
    let workspaceID: UUID
    let segmentID: UUID

    func count() async throws -> Int {
        try await database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM segment_members WHERE segment_id = \(bind: segmentID)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    func page(after: UUID?, limit: Int) async throws -> [UUID] {
        let keyset: SQLQueryString = after.map { " AND contact_id > \(bind: $0)" } ?? ""
        return try await database.read { sql in
            try await sql.raw(
                "SELECT contact_id FROM segment_members WHERE segment_id = \(bind: segmentID)\(keyset) ORDER BY contact_id LIMIT \(bind: max(0, limit))"
            ).all().map { try $0.decode(column: "contact_id", as: UUID.self) }
        }
    }

    func contains(contactID: UUID) async throws -> Bool {
        try await database.read { sql in
            try await sql.raw(
                "SELECT 1 AS one FROM segment_members WHERE segment_id = \(bind: segmentID) AND contact_id = \(bind: contactID)"
            ).first() != nil
        }
    }
}
