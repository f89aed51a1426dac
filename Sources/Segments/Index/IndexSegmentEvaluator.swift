import BitCollections
import Dispatch
import Foundation

/// Answers a segment's questions from an ``AudienceSnapshot`` in memory, with the SQL engine's answers: the members
/// are evaluated once, as a bit set, and count, pages and membership read that set.
public final class IndexSegmentEvaluator: SegmentEvaluator, @unchecked Sendable {
    public let snapshot: AudienceSnapshot
    let plan: AudiencePlan
    private let lock = NSLock()
    private var cached: BitSet?

    /// Validates and compiles `rules` against `snapshot`. Throws ``RuleProblems`` as the SQL engine does, and
    /// ``AudienceIndexUnsupported`` for rules the index cannot answer (the caller then uses SQL).
    public init(
        snapshot: AudienceSnapshot, rules: RuleNode, catalog: FieldCatalog, now: Date = Date(), timeZone: TimeZone, currencyMinorUnits: Int = 100,
        segmentRules: @escaping @Sendable (UUID) -> RuleNode? = { _ in nil }, isSnapshot: @escaping @Sendable (UUID) -> Bool = { _ in false }
    ) throws {
        let problems = RuleValidator(catalog: catalog, segmentRules: segmentRules, isSnapshot: isSnapshot).validate(rules)
        if !problems.isEmpty { throw RuleProblems(problems) }
        let planner = AudiencePlanner(
            snapshot: snapshot, catalog: catalog, now: now, timeZone: timeZone, currencyMinorUnits: currencyMinorUnits, segmentRules: segmentRules,
            isSnapshot: isSnapshot
        )
        self.snapshot = snapshot
        self.plan = try planner.plan(rules)
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

    /// The members, evaluated on first use on every core.
    public func members() -> BitSet {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let result = plan.evaluate(snapshot.universe, contacts: snapshot.contactCount)
        cached = result
        return result
    }

    /// The members, evaluated off the caller's thread (evaluation blocks while it scans).
    public func membersAsync() async -> BitSet {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.members()) }
        }
    }

    public func count() async throws -> Int { await membersAsync().count }

    public func page(after: UUID?, limit: Int) async throws -> [UUID] {
        guard limit > 0 else { return [] }
        let members = await membersAsync()
        let start: Int
        if let after {
            // The first ordinal whose id sorts after `after`, whether or not `after` is a contact.
            start = Self.firstOrdinal(after: after, in: snapshot.ids)
        } else {
            start = 0
        }
        guard start < snapshot.contactCount else { return [] }
        return members[members: start...].prefix(limit).map { snapshot.ids[$0] }
    }

    public func contains(contactID: UUID) async throws -> Bool {
        guard let ordinal = snapshot.ordinal(of: contactID) else { return false }
        return !plan.evaluate(BitSet([ordinal]), contacts: snapshot.contactCount).isEmpty
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
