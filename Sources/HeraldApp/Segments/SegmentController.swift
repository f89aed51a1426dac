import Foundation
import Hummingbird
import SQLKit
import Segments
import Storage

/// `/api/segments`: the field catalog, validation, preview, templates, saved segments, their members
/// and history, and `/api/contacts/{id}/segments`.
struct SegmentController {
    let segments: SegmentService
    var store: SegmentStore { segments.store }
    var database: Database { segments.database }

    static let previewDefault = 20
    static let previewMax = 100

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("segments/rules/operators", use: operators)
        group.post("segments/rules/validate", use: validate)
        group.post("segments/preview", use: preview)
        addTemplateRoutes(to: group)
        group.get("segments", use: list)
        group.post("segments", use: create)
        group.post("segments/create", use: create)
        group.get("segments/{id}", use: show)
        group.patch("segments/{id}", use: update)
        group.put("segments/{id}/update", use: update)
        group.delete("segments/{id}", use: delete)
        group.post("segments/{id}/refresh", use: refresh)
        group.get("segments/{id}/contacts", use: contacts)
        group.get("segments/{id}/history", use: history)
        group.get("contacts/{id}/segments", use: contactSegments)
    }

    func segment(_ context: AuthenticatedContext) async throws -> Segment {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let segment = try await store.find(workspaceID: context.access.workspaceID, id: id)
        else { throw APIError.notFound("the segment") }
        return segment
    }

    @Sendable func operators(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try JSONResponse.make(try await FieldCatalog.load(database, workspaceID: context.access.workspaceID))
    }

    @Sendable func validate(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let reader = try FieldReader(try await request.jsonBody(context: context))
        try reader.rejectUnknown(["rules", "segment_id"])
        struct Answer: Encodable {
            let valid: Bool
            let problems: [RuleProblem]
            let rules: RuleNode?
        }
        let segmentID = try reader.string("segment_id").map { text in
            guard let id = UUID(uuidString: text) else { throw APIError.invalid("segment_id", "segment_id must be a segment id") }
            return id
        }
        let rules: RuleNode
        do { rules = try RuleParser.parse(SegmentRulesInput.ruleValue(reader.fields["rules"] ?? .null)) } catch {
            return try JSONResponse.make(Answer(valid: false, problems: error.problems, rules: nil))
        }
        let problems = try await segments.workspace(context.access.workspaceID).validate(rules, segmentID: segmentID)
        return try JSONResponse.make(Answer(valid: problems.isEmpty, problems: problems, rules: problems.isEmpty ? rules : nil))
    }

    @Sendable func preview(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let reader = try FieldReader(try await request.jsonBody(context: context))
        try reader.rejectUnknown(["rules", "limit", "segment_id"])
        let limit = Int(try reader.integer("limit") ?? Int64(Self.previewDefault))
        guard (0...Self.previewMax).contains(limit) else { throw APIError.invalid("limit", "limit is a whole number from 0 to \(Self.previewMax)") }
        let segmentID = try reader.string("segment_id").flatMap(UUID.init(uuidString:))
        let rules = try SegmentRulesInput.parse(reader.fields["rules"])
        let started = ContinuousClock.now
        let workspace = try await segments.workspace(context.access.workspaceID)
        let problems = workspace.validate(rules, segmentID: segmentID)
        guard problems.isEmpty else { throw SegmentRulesInput.invalid(problems) }
        let evaluator = try await segments.liveEvaluator(rules, in: workspace)
        async let count = evaluator.count()
        let ids = limit > 0 ? try await evaluator.page(after: nil, limit: limit) : []
        let total = try await count
        let contacts = try await database.read { sql in try await ContactSummary.load(ids, workspaceID: context.access.workspaceID, in: sql) }
        struct Answer: Encodable {
            let count: Int
            let contacts: [ContactSummary]
            let took_ms: Double
            /// `index` when the audience index answered, `sql` when the database did.
            let engine: String
            let rules: RuleNode
        }
        let elapsed = ContinuousClock.now - started
        if evaluator is IndexSegmentEvaluator { segments.index.recordEvaluation(seconds: elapsed / .seconds(1)) }
        let took = (SegmentStore.milliseconds(elapsed) * 10).rounded() / 10
        let engine = evaluator is IndexSegmentEvaluator ? "index" : "sql"
        return try JSONResponse.make(Answer(count: total, contacts: contacts, took_ms: took, engine: engine, rules: rules))
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        struct List: Encodable { let data: [Segment] }
        return try JSONResponse.make(List(data: try await store.list(workspaceID: context.access.workspaceID)))
    }

    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try JSONResponse.make(try await segment(context))
    }

    static let fields: Set<String> = ["name", "description", "kind", "rules"]

    /// Reads the body's fields onto `segment` and validates its rules in the workspace.
    func apply(_ reader: FieldReader, to segment: inout Segment, creating: Bool) async throws {
        try reader.rejectUnknown(Self.fields)
        if let name = try reader.string("name", required: creating, maxLength: 200) {
            guard !name.isEmpty else { throw APIError.invalid("name", "name must not be empty", code: "required") }
            segment.name = name
        }
        if reader.has("description") { segment.description = try reader.string("description", maxLength: 2000).flatMap { $0.isEmpty ? nil : $0 } }
        if let kind = try reader.string("kind") {
            guard let parsed = Segment.Kind(rawValue: kind) else { throw APIError.invalid("kind", "kind is \"static\" or \"dynamic\"") }
            segment.kind = parsed
        }
        if creating || reader.has("rules") { segment.rules = try SegmentRulesInput.parse(reader.fields["rules"]) }
        let problems = try await segments.workspace(segment.workspaceID).validate(segment.rules, segmentID: segment.id)
        guard problems.isEmpty else { throw SegmentRulesInput.invalid(problems) }
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let reader = try FieldReader(try await request.jsonBody(context: context))
        let now = Date()
        var segment = Segment(
            id: .timeOrdered(at: now), workspaceID: context.access.workspaceID, name: "", description: nil, kind: .dynamic, rules: .all(),
            contactCount: 0, createdAt: now, updatedAt: now
        )
        try await apply(reader, to: &segment, creating: true)
        try await store.insert(segment)
        do {
            segment = try await segments.refresh(segment, reason: "created", now: now)
        } catch {
            // A segment whose first snapshot failed would claim a count it never had.
            try? await store.delete(segment, usedBy: [])
            throw error
        }
        return try JSONResponse.make(segment, status: .created)
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let before = try await segment(context)
        var segment = before
        let reader = try FieldReader(try await request.jsonBody(context: context))
        try await apply(reader, to: &segment, creating: false)
        segment.updatedAt = Date()
        try await store.update(segment)
        if segment.rules != before.rules || segment.kind != before.kind {
            segment = try await segments.refresh(segment, reason: "rules_changed", now: segment.updatedAt)
        }
        return try JSONResponse.make(segment)
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let segment = try await segment(context)
        let workspace = try await segments.workspace(context.access.workspaceID)
        let usedBy = workspace.saved.filter { other in
            other.key != segment.id && other.value.rules.conditions.contains { condition in
                // Compared as UUIDs: a rule may name the segment in either case.
                guard condition.field == "segment", case .string(let id) = condition.value else { return false }
                return UUID(uuidString: id) == segment.id
            }
        }.map(\.value.name).sorted()
        try await store.delete(segment, usedBy: usedBy)
        return Response(status: .noContent)
    }

    @Sendable func refresh(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let segment = try await segment(context)
        return try JSONResponse.make(try await segments.refresh(segment, reason: "manual"))
    }

    @Sendable func contacts(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let segment = try await segment(context)
        let limit = try request.limit(default: 50, max: 500)
        var after: UUID?
        if let text = request.uri.queryParameters["after"] {
            guard let id = UUID(uuidString: String(text)) else {
                throw APIError(.badRequest, "invalid_parameter", "after must be a contact id from next_after", field: "after")
            }
            after = id
        }
        let members = try await segments.members(of: segment, in: try await segments.workspace(segment.workspaceID))
        let ids = try await members.page(after: after, limit: limit)
        let data = try await database.read { sql in try await ContactSummary.load(ids, workspaceID: segment.workspaceID, in: sql) }
        struct Page: Encodable {
            let data: [ContactSummary]
            let next_after: UUID?
        }
        return try JSONResponse.make(Page(data: data, next_after: ids.count == limit ? ids.last : nil))
    }

    @Sendable func history(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let segment = try await segment(context)
        let limit = try request.limit(default: 100, max: 1000)
        var before: Date?
        if let text = request.uri.queryParameters["before"] {
            guard let date = ISODate.parse(String(text)) else {
                throw APIError(.badRequest, "invalid_parameter", "before must be an ISO 8601 time", field: "before")
            }
            before = date
        }
        let (refreshes, changes) = try await store.history(segmentID: segment.id, before: before, limit: limit)
        struct Answer: Encodable {
            let refreshes: [SegmentStore.RefreshSummary]
            let changes: [SegmentStore.Change]
        }
        return try JSONResponse.make(Answer(refreshes: refreshes, changes: changes))
    }

    @Sendable func contactSegments(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw APIError.notFound("the contact") }
        let exists = try await database.read { sql in
            try await sql.raw("SELECT id FROM contacts WHERE workspace_id = \(bind: context.access.workspaceID) AND id = \(bind: id)").first() != nil
        }
        guard exists else { throw APIError.notFound("the contact") }
        let (current, history) = try await store.memberships(workspaceID: context.access.workspaceID, contactID: id)
        struct Answer: Encodable {
            let current: [SegmentStore.Membership]
            let history: [SegmentStore.MembershipChange]
        }
        return try JSONResponse.make(Answer(current: current, history: history))
    }
}
