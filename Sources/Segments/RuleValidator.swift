import Foundation

/// Checks a parsed rule tree against the ``FieldCatalog`` and the limits, collecting every problem.
///
/// Limits: groups nest at most ``maxDepth`` levels (the root group is level 1) and a tree holds at
/// most ``maxConditions`` conditions. Segment membership is followed through `segmentRules` (the
/// saved rules of a segment by id) so that a segment can never include itself, directly or not.
/// A dynamic segment used with `in_segment` is inlined where it is used, so its stored rules are
/// checked against today's catalog too, and the tree holds at most ``maxExpandedConditions``
/// conditions once every such segment is inlined.
public struct RuleValidator: Sendable {
    public static let maxDepth = 5
    public static let maxConditions = 100

    public let catalog: FieldCatalog
    /// The segment these rules belong to, when it is already saved.
    public let segmentID: UUID?
    public let segmentRules: @Sendable (UUID) -> RuleNode?
    /// Whether a saved segment is static: where it is used, its snapshot stands in for its rules.
    public let isSnapshot: @Sendable (UUID) -> Bool
    /// A saved segment's name, for messages about it.
    public let segmentName: @Sendable (UUID) -> String?

    public init(
        catalog: FieldCatalog, segmentID: UUID? = nil, segmentRules: @escaping @Sendable (UUID) -> RuleNode? = { _ in nil },
        isSnapshot: @escaping @Sendable (UUID) -> Bool = { _ in false }, segmentName: @escaping @Sendable (UUID) -> String? = { _ in nil }
    ) {
        self.catalog = catalog
        self.segmentID = segmentID
        self.segmentRules = segmentRules
        self.isSnapshot = isSnapshot
        self.segmentName = segmentName
    }

    /// Every problem of the tree; empty when it can be saved and evaluated.
    public func validate(_ root: RuleNode) -> [RuleProblem] {
        var problems: [RuleProblem] = []
        let expansions = Expansions()
        let count = root.conditions.count
        if count > Self.maxConditions {
            problems.append(
                RuleProblem("", .tooManyConditions, "A segment can have at most \(Self.maxConditions) rules; this one has \(count).")
            )
        } else if let problem = expansionProblem(root, expansions) {
            problems.append(problem)
        }
        check(root, .root, level: 1, &problems, expansions)
        return problems
    }

    /// Parses untyped JSON (either form) and validates it: the rules to store, or every problem.
    public func validated(_ json: RuleValue) throws(RuleProblems) -> RuleNode {
        let node = try RuleParser.parse(json)
        let problems = validate(node)
        if !problems.isEmpty { throw RuleProblems(problems) }
        return node
    }

    func check(_ node: RuleNode, _ path: RulePath, level: Int, _ problems: inout [RuleProblem], _ expansions: Expansions) {
        switch node {
        case .condition(let condition):
            check(condition, path, &problems, expansions)
        case .group(let group):
            if level > Self.maxDepth {
                problems.append(RuleProblem(path.text, .tooDeep, "Groups can be nested at most \(Self.maxDepth) levels deep."))
                return
            }
            for (i, child) in group.children.enumerated() { check(child, path.child(i), level: level + 1, &problems, expansions) }
        }
    }

    private func check(_ condition: RuleCondition, _ path: RulePath, _ problems: inout [RuleProblem], _ expansions: Expansions) {
        guard let field = catalog.field(condition.field) else {
            problems.append(RuleProblem(path.key("field").text, .unknownField, "There is no field \"\(condition.field)\". Choose one from the list."))
            return
        }
        guard field.operators.contains(condition.operator) else {
            let allowed = field.operators.map { "“\($0.label)”" }.joined(separator: ", ")
            problems.append(
                RuleProblem(
                    path.key("operator").text, .operatorNotAllowed,
                    "“\(field.label)” cannot use “\(condition.operator.label)”. Choose one of: \(allowed)."
                )
            )
            return
        }
        if let message = ValueCheck(field: field, op: condition.operator).problem(with: condition.value) {
            problems.append(RuleProblem(path.key("value").text, .invalidValue, message))
        }
        if let window = condition.window { checkWindow(window, field, path.key("window"), &problems) }
        checkTarget(condition.target, field, path.key("target"), &problems)
        if field.source == .segment, let id = condition.value.string.flatMap(UUID.init(uuidString:)) {
            if let problem = segmentProblem(id) {
                problems.append(RuleProblem(path.key("value").text, problem.0, problem.1))
            } else if let stale = expansion(of: id, expansions).stale {
                problems.append(RuleProblem(path.key("value").text, .invalidSegment, stale))
            }
        }
    }

    private func checkWindow(_ window: RuleWindow, _ field: SegmentField, _ path: RulePath, _ problems: inout [RuleProblem]) {
        guard field.acceptsWindow else {
            problems.append(RuleProblem(path.text, .invalidWindow, "“\(field.label)” does not take a period; remove it."))
            return
        }
        switch window {
        case .lastDays(let days) where !RuleWindow.dayRange.contains(days):
            problems.append(
                RuleProblem(
                    path.text, .invalidWindow,
                    "A period covers \(RuleWindow.dayRange.lowerBound) to \(RuleWindow.dayRange.upperBound) days; \(days) is out of range."
                )
            )
        case .between(let from, let to) where from > to:
            problems.append(RuleProblem(path.text, .invalidWindow, "The period starts (\(from)) after it ends (\(to))."))
        default: break
        }
    }

    private func checkTarget(_ target: String?, _ field: SegmentField, _ path: RulePath, _ problems: inout [RuleProblem]) {
        guard let kind = field.target else {
            if target != nil { problems.append(RuleProblem(path.text, .invalidTarget, "“\(field.label)” is not about a product, category or campaign; remove the target.")) }
            return
        }
        guard let target else {
            if field.targetRequired { problems.append(RuleProblem(path.text, .invalidTarget, "Choose a \(kind.rawValue) for “\(field.label)”.")) }
            return
        }
        if UUID(uuidString: target) == nil {
            problems.append(RuleProblem(path.text, .invalidTarget, "\"\(target)\" is not a \(kind.rawValue) id. Choose a \(kind.rawValue) from the list."))
        }
    }
}
