import Foundation

extension RuleValidator {
    /// Follows segment membership from `id`; reports a segment that does not exist or a chain that
    /// leads back to the segment being validated (or loops among others).
    func segmentProblem(_ id: UUID) -> (RuleProblem.Code, String)? {
        var checked: Set<UUID> = []
        return visit(id, chain: [], checked: &checked)
    }

    private func visit(_ id: UUID, chain: [UUID], checked: inout Set<UUID>) -> (RuleProblem.Code, String)? {
        if id == segmentID || chain.contains(id) {
            return (.cycle, "This segment would include itself through segment membership; choose another segment.")
        }
        if checked.contains(id) { return nil }
        guard let rules = segmentRules(id) else {
            return chain.isEmpty
                ? (.unknownSegment, "There is no saved segment with this id.")
                : (.unknownSegment, "A segment used by the chosen segment no longer exists.")
        }
        for condition in rules.conditions where condition.field == "segment" {
            guard let next = condition.value.string.flatMap(UUID.init(uuidString:)) else { continue }
            if let problem = visit(next, chain: chain + [id], checked: &checked) { return problem }
        }
        checked.insert(id)
        return nil
    }
}
