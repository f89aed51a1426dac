/// Reads rules from untyped JSON into a ``RuleNode``.
///
/// Two input forms are accepted:
/// - the canonical tree (a group or a condition, see ``RuleNode``);
/// - the seed's flat form `{"operator"?: "AND"|"OR", "groups": [{"operator": "AND"|"OR", "rules": [{"attribute", "operator", "value"}]}]}`.
///   **Groups are ANDed together unless the top-level `operator` is OR; each group's rules are combined by
///   that group's operator** (AND when absent). It becomes a group (`and` or `or`) whose children are one
///   group per flat group.
///
/// The parser checks shape only (keys, spellings, JSON types of structural parts); ``RuleValidator``
/// checks meaning (fields, operators allowed, values, windows, limits, cycles).
public enum RuleParser {
    public static func parse(_ json: RuleValue) throws(RuleProblems) -> RuleNode {
        var problems: [RuleProblem] = []
        let node: RuleNode?
        if let object = json.object, object["groups"] != nil, object["children"] == nil {
            node = parseFlat(object, &problems)
        } else {
            node = parseNode(json, .root, &problems)
        }
        guard let node, problems.isEmpty else { throw RuleProblems(problems) }
        return node
    }

    static func parseNode(_ json: RuleValue, _ path: RulePath, _ problems: inout [RuleProblem]) -> RuleNode? {
        guard let object = json.object else {
            problems.append(RuleProblem(path.text, .invalidStructure, "Expected a group or a rule, found \(json.typeName)."))
            return nil
        }
        if object["field"] != nil || object["attribute"] != nil {
            return parseRule(object, path, &problems)
        }
        guard let childrenValue = object["children"] ?? object["rules"], let children = childrenValue.array else {
            problems.append(RuleProblem(path.text, .invalidStructure, "A group needs a list of \"children\"; a rule needs a \"field\"."))
            return nil
        }
        let combinatorText = (object["combinator"] ?? object["operator"])?.string?.lowercased() ?? "and"
        guard let combinator = RuleGroup.Combinator(rawValue: combinatorText) else {
            problems.append(RuleProblem(path.key("combinator").text, .invalidStructure, "A group combines its rules with \"and\" or \"or\"."))
            return nil
        }
        var negated = false
        if let not = object["not"], not != .null {
            guard case .bool(let flag) = not else {
                problems.append(RuleProblem(path.key("not").text, .invalidStructure, "\"not\" is true or false."))
                return nil
            }
            negated = flag
        }
        let nodes = children.enumerated().map { parseNode($1, path.child($0), &problems) }
        return .group(RuleGroup(combinator, not: negated, nodes.compactMap { $0 }))
    }

    static func parseCondition(_ object: [String: RuleValue], _ path: RulePath, _ problems: inout [RuleProblem]) -> RuleCondition? {
        let before = problems.count
        let fieldKey = object["field"] != nil ? "field" : "attribute"
        let field = object[fieldKey]?.string.map { object["field"] != nil ? $0 : FlatForm.fieldID(forAttribute: $0) }
        if field?.isEmpty ?? true {
            problems.append(RuleProblem(path.key(fieldKey).text, .invalidStructure, "Choose a field for this rule."))
        }
        let opText = object["operator"]?.string
        let op = opText.flatMap(RuleOperator.init(parsing:))
        if op == nil {
            let shown = opText.map { "\"\($0)\" is not an operator." } ?? "Choose an operator for this rule."
            problems.append(RuleProblem(path.key("operator").text, .invalidStructure, shown))
        }
        var window: RuleWindow?
        if let windowValue = object["window"], windowValue != .null {
            window = parseWindow(windowValue, path.key("window"), &problems)
        }
        var target: String?
        if let targetValue = object["target"], targetValue != .null {
            target = targetValue.string
            if target == nil { problems.append(RuleProblem(path.key("target").text, .invalidStructure, "\"target\" is an id, written as text.")) }
        }
        guard problems.count == before, let field, let op else { return nil }
        return RuleCondition(field, op, object["value"] ?? .null, window: window, target: target)
    }

    static func parseWindow(_ json: RuleValue, _ path: RulePath, _ problems: inout [RuleProblem]) -> RuleWindow? {
        if let object = json.object, let days = object["last_days"] {
            guard let number = days.number, number.rounded() == number, abs(number) < 1e9 else {
                problems.append(RuleProblem(path.key("last_days").text, .invalidWindow, "The number of days is a whole number."))
                return nil
            }
            return .lastDays(Int(number))
        }
        if let object = json.object, let from = object["from"]?.string.flatMap(CalendarDay.init), let to = object["to"]?.string.flatMap(CalendarDay.init) {
            return .between(from: from, to: to)
        }
        problems.append(
            RuleProblem(path.text, .invalidWindow, "A period is {\"last_days\": 30} or {\"from\": \"2024-01-01\", \"to\": \"2024-01-31\"}.")
        )
        return nil
    }
}
