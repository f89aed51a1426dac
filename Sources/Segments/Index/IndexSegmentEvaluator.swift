import Dispatch
import Foundation

/// What an index answers from: a snapshot of the workspace and, once changes have been applied, a delta snapshot of
/// the contacts changed since (re-read whole from the database), which supersedes their rows in the base.
public struct AudienceView: Sendable {
    public let base: AudienceSnapshot
    public let delta: AudienceSnapshot?
    /// Base ordinals whose contact is in the delta, or was deleted.
    let superseded: OrdinalSet

    public init(base: AudienceSnapshot) {
        self.base = base
        self.delta = nil
        self.superseded = OrdinalSet()
    }

    /// `base` with the contacts `changed` taken from `delta` (a contact in `changed` but not in `delta` was deleted).
    public init(base: AudienceSnapshot, delta: AudienceSnapshot, changed: some Sequence<UUID>) {
        self.base = base
        self.delta = delta
        var superseded = OrdinalSet()
        for id in changed { if let ordinal = base.ordinal(of: id) { superseded.insert(ordinal) } }
        self.superseded = superseded
    }

    public var contactCount: Int { base.contactCount - superseded.count + (delta?.contactCount ?? 0) }
}

/// Answers a segment's questions from an ``AudienceView`` in memory, with the SQL engine's answers: the members are
/// evaluated once, as bit sets, and count, pages and membership read them.
public final class IndexSegmentEvaluator: SegmentEvaluator, @unchecked Sendable {
    public let view: AudienceView
    let plan: AudiencePlan
    let deltaPlan: AudiencePlan?
    let tuning: IndexTuning
    private let lock = NSLock()
    private var cached: (base: OrdinalSet, delta: OrdinalSet)?

    /// Validates and compiles `rules` against `view`. Throws ``RuleProblems`` as the SQL engine does, and
    /// ``AudienceIndexUnsupported`` for rules the index cannot answer (the caller then uses SQL).
    public init(
        view: AudienceView, rules: RuleNode, catalog: FieldCatalog, now: Date = Date(), timeZone: TimeZone, currencyMinorUnits: Int = 100,
        segmentRules: @escaping @Sendable (UUID) -> RuleNode? = { _ in nil }, isSnapshot: @escaping @Sendable (UUID) -> Bool = { _ in false },
        tuning: IndexTuning = .standard
    ) throws {
        let problems = RuleValidator(catalog: catalog, segmentRules: segmentRules, isSnapshot: isSnapshot).validate(rules)
        if !problems.isEmpty { throw RuleProblems(problems) }
        func planner(_ snapshot: AudienceSnapshot) -> AudiencePlanner {
            AudiencePlanner(
                snapshot: snapshot, catalog: catalog, now: now, timeZone: timeZone, currencyMinorUnits: currencyMinorUnits,
                segmentRules: segmentRules, isSnapshot: isSnapshot
            )
        }
        self.view = view
        self.tuning = tuning
        self.plan = try planner(view.base).plan(rules)
        self.deltaPlan = try view.delta.map { try planner($0).plan(rules) }
    }

    public convenience init(
        snapshot: AudienceSnapshot, rules: RuleNode, catalog: FieldCatalog, now: Date = Date(), timeZone: TimeZone, currencyMinorUnits: Int = 100,
        segmentRules: @escaping @Sendable (UUID) -> RuleNode? = { _ in nil }, isSnapshot: @escaping @Sendable (UUID) -> Bool = { _ in false },
        tuning: IndexTuning = .standard
    ) throws {
        try self.init(
            view: AudienceView(base: snapshot), rules: rules, catalog: catalog, now: now, timeZone: timeZone, currencyMinorUnits: currencyMinorUnits,
            segmentRules: segmentRules, isSnapshot: isSnapshot, tuning: tuning
        )
    }

    /// Whether the index can answer `rules` (it cannot for static segments, whose members are stored rows).
    public static func supports(_ rules: RuleNode, catalog: FieldCatalog, isSnapshot: (UUID) -> Bool, segmentRules: (UUID) -> RuleNode?) -> Bool {
        var seen: Set<UUID> = []
        func walk(_ node: RuleNode, depth: Int) -> Bool {
            for condition in node.conditions where catalog.field(condition.field)?.source == .segment {
                guard let id = condition.value.string.flatMap(UUID.init(uuidString:)) else { continue }
                if isSnapshot(id) { return false }
                guard depth < SegmentCompiler.maxSegmentNesting, seen.insert(id).inserted, let rules = segmentRules(id) else { continue }
                if !walk(rules, depth: depth + 1) { return false }
            }
            return true
        }
        return walk(rules, depth: 0)
    }

    /// The members: base ordinals (without the superseded ones) and delta ordinals, evaluated on first use.
    func members() -> (base: OrdinalSet, delta: OrdinalSet) {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let base = plan.evaluate(view.base.universe.subtracting(view.superseded), contacts: view.base.contactCount, tuning: tuning)
        var delta = OrdinalSet()
        if let snapshot = view.delta, let deltaPlan { delta = deltaPlan.evaluate(snapshot.universe, contacts: snapshot.contactCount, tuning: tuning) }
        cached = (base, delta)
        return (base, delta)
    }

    /// The members, evaluated off the caller's thread (evaluation blocks while it scans).
    func membersAsync() async -> (base: OrdinalSet, delta: OrdinalSet) {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.members()) }
        }
    }

    public func count() async throws -> Int {
        let members = await membersAsync()
        return members.base.count + members.delta.count
    }

    public func page(after: UUID?, limit: Int) async throws -> [UUID] {
        guard limit > 0 else { return [] }
        let members = await membersAsync()
        func ids(_ snapshot: AudienceSnapshot, _ set: OrdinalSet) -> [UUID] {
            let start = after.map { Self.firstOrdinal(after: $0, in: snapshot.ids) } ?? 0
            guard start < snapshot.contactCount else { return [] }
            return set.members(from: start).prefix(limit).map { snapshot.ids[$0] }
        }
        let base = ids(view.base, members.base)
        guard let delta = view.delta else { return base }
        // Both lists are in id order: merge them and keep the first `limit`.
        let more = ids(delta, members.delta)
        var merged: [UUID] = []
        merged.reserveCapacity(limit)
        var i = 0, j = 0
        while merged.count < limit && (i < base.count || j < more.count) {
            if j >= more.count || (i < base.count && UUIDOrder.less(base[i], more[j])) {
                merged.append(base[i])
                i += 1
            } else {
                merged.append(more[j])
                j += 1
            }
        }
        return merged
    }

    /// Every member's id, in id order.
    public func allMembers() async throws -> [UUID] {
        try await page(after: nil, limit: count())
    }

    public func contains(contactID: UUID) async throws -> Bool {
        if let delta = view.delta, let deltaPlan, let ordinal = delta.ordinal(of: contactID) {
            return !deltaPlan.evaluate(OrdinalSet([ordinal]), contacts: delta.contactCount, tuning: tuning).isEmpty
        }
        guard let ordinal = view.base.ordinal(of: contactID), !view.superseded.contains(ordinal) else { return false }
        return !plan.evaluate(OrdinalSet([ordinal]), contacts: view.base.contactCount, tuning: tuning).isEmpty
    }

    static func firstOrdinal(after id: UUID, in ids: [UUID]) -> Int {
        var low = 0, high = ids.count
        while low < high {
            let middle = (low + high) / 2
            if UUIDOrder.less(id, ids[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
