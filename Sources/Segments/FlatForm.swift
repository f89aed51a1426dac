import Foundation

/// The seed's flat rule form, normalised to the tree.
///
/// `{"groups": [{"operator": "AND", "rules": [...]}, {"operator": "OR", "rules": [...]}]}` means
/// `(all rules of group 0) AND (any rule of group 1)`: groups are ANDed together, and each group's
/// rules are combined by that group's own operator (AND when absent). An optional top-level
/// `"operator": "OR"` beside `groups` joins the groups by OR instead.
enum FlatForm {
    /// Flat rules name contact columns bare (`country`) and custom attributes bare or as `attributes.key`.
    static func fieldID(forAttribute attribute: String) -> String {
        let name = attribute.trimmingCharacters(in: .whitespaces)
        if name.contains(".") { return name.hasPrefix("custom.") ? "attributes." + name.dropFirst("custom.".count) : name }
        if let id = bareNames[name.lowercased()] { return id }
        return "attributes." + name
    }

    static let bareNames: [String: String] = [
        "country": "contact.country", "city": "contact.city", "language": "contact.language", "tags": "contact.tags",
        "tag": "contact.tags", "created_at": "contact.created_at", "consent_status": "contact.consent_status",
        "consent": "contact.consent_status", "phone_country_code": "contact.phone_country_code",
        "total_spent": "purchases.total_spend", "total_spend": "purchases.total_spend", "order_count": "purchases.order_count",
        "orders_count": "purchases.order_count", "last_order_date": "purchases.last_purchase_at",
        "last_purchase": "purchases.last_purchase_at", "last_purchase_at": "purchases.last_purchase_at",
        "engagement_score": "engagement.score", "product_purchased": "purchases.product",
        "segment": "segment",
    ]
}

extension RuleParser {
    static func parseFlat(_ object: [String: RuleValue], _ problems: inout [RuleProblem]) -> RuleNode? {
        guard let groups = object["groups"]?.array else {
            problems.append(RuleProblem("groups", .invalidStructure, "\"groups\" is a list of groups."))
            return nil
        }
        var join = RuleGroup.Combinator.and
        if let joinValue = object["operator"], !joinValue.isNull {
            guard let text = joinValue.string, let parsed = RuleGroup.Combinator(rawValue: text.lowercased()) else {
                problems.append(RuleProblem("operator", .invalidStructure, "Groups are joined with AND or OR."))
                return nil
            }
            join = parsed
        }
        var children: [RuleNode] = []
        for (i, groupValue) in groups.enumerated() {
            let path = RulePath.root.index("groups", i)
            guard let group = groupValue.object, let rules = group["rules"]?.array else {
                problems.append(RuleProblem(path.text, .invalidStructure, "Each group needs a list of \"rules\"."))
                continue
            }
            let opText = group["operator"]?.string?.lowercased() ?? "and"
            guard let combinator = RuleGroup.Combinator(rawValue: opText) else {
                problems.append(RuleProblem(path.key("operator").text, .invalidStructure, "A group combines its rules with AND or OR."))
                continue
            }
            var conditions: [RuleNode] = []
            for (j, ruleValue) in rules.enumerated() {
                let rulePath = path.index("rules", j)
                guard let rule = ruleValue.object else {
                    problems.append(RuleProblem(rulePath.text, .invalidStructure, "Expected a rule, found \(ruleValue.typeName)."))
                    continue
                }
                if let node = parseRule(rule, rulePath, &problems) { conditions.append(node) }
            }
            children.append(.group(RuleGroup(combinator, conditions)))
        }
        return .group(RuleGroup(join, children))
    }
}
