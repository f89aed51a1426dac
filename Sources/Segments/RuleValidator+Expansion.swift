import Foundation

/// A dynamic segment used with `in_segment` is compiled by inlining its stored rules, so those rules are
/// checked here against today's catalog (a custom field may have been recreated with another type since),
/// and the tree is counted as it will be compiled: a chain of segments that each use the next 100 times
/// would otherwise compile to 100ⁿ conditions.
extension RuleValidator {
    /// At most this many conditions once every dynamic segment the rules use is inlined.
    public static let maxExpandedConditions = 1000

    /// What a dynamic segment brings where it is used.
    struct Expansion {
        /// Its conditions once inlined, its own and those of the dynamic segments it uses in turn
        /// (counted up to one past ``maxExpandedConditions``).
        var conditions: Int
        /// Dynamic segments inlined one inside another, itself included.
        var nesting: Int
        /// Why its stored rules, or those of a segment it uses, no longer fit the catalog: a sentence for a marketer.
        var stale: String?
    }

    /// Expansions found while validating one tree: each saved segment is walked once however often it is used.
    final class Expansions {
        var known: [UUID: Expansion] = [:]
        var walking: Set<UUID> = []
    }

    func expansion(of id: UUID, _ expansions: Expansions) -> Expansion {
        if let known = expansions.known[id] { return known }
        // A static segment is its snapshot, one condition; a missing segment or a cycle is reported by `segmentProblem`.
        guard !isSnapshot(id), !expansions.walking.contains(id), let rules = segmentRules(id) else {
            return Expansion(conditions: 1, nesting: 0, stale: nil)
        }
        expansions.walking.insert(id)
        defer { expansions.walking.remove(id) }
        var problems: [RuleProblem] = []
        check(rules, .root, level: 1, &problems, expansions)
        let size = expandedSize(rules, expansions)
        // A problem further down the chain already names the segment it is in.
        let stale = problems.first.map { $0.code == .invalidSegment ? $0.message : staleMessage(id, $0) }
        let found = Expansion(conditions: size.conditions, nesting: size.nesting + 1, stale: stale)
        expansions.known[id] = found
        return found
    }

    /// The conditions of `node` once dynamic segments are inlined, and how deep those segments nest.
    func expandedSize(_ node: RuleNode, _ expansions: Expansions) -> (conditions: Int, nesting: Int) {
        let cap = Self.maxExpandedConditions + 1
        var conditions = 0, nesting = 0
        for condition in node.conditions {
            guard catalog.field(condition.field)?.source == .segment, let id = condition.value.string.flatMap(UUID.init(uuidString:)) else {
                conditions = min(cap, conditions + 1)
                continue
            }
            let inner = expansion(of: id, expansions)
            conditions = min(cap, conditions + inner.conditions)
            nesting = max(nesting, inner.nesting)
        }
        return (conditions, nesting)
    }

    /// Too many conditions, or segments nested too deeply, once the segments `root` uses are inlined.
    func expansionProblem(_ root: RuleNode, _ expansions: Expansions) -> RuleProblem? {
        let size = expandedSize(root, expansions)
        if size.conditions > Self.maxExpandedConditions {
            let limit = Self.maxExpandedConditions.formatted(.number.locale(Locale(identifier: "en_US")))
            return RuleProblem(
                "", .tooManyConditions,
                "Counting the rules of the segments it uses, a segment can have at most \(limit) rules, and this one has more. "
                    + "Use fewer segments here, or static ones: a static segment counts as one rule."
            )
        }
        if size.nesting > SegmentCompiler.maxSegmentNesting {
            return RuleProblem(
                "", .tooDeep,
                "Segments can use segments that use segments at most \(SegmentCompiler.maxSegmentNesting) levels deep; these rules go deeper."
            )
        }
        return nil
    }

    private func staleMessage(_ id: UUID, _ problem: RuleProblem) -> String {
        let segment = segmentName(id).map { "The segment “\($0)”" } ?? "A segment used here"
        return "\(segment) has a rule that no longer fits the fields: \(problem.message) Edit that segment first."
    }
}
