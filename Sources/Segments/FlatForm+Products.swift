/// The seed's `product_purchased` rule names the product as its value (`"value": "<product id>"`), where the
/// catalog's `purchases.product` counts orders of a target product. `is` (or `contains`, `in` with a list)
/// becomes "bought it at least once", `is not` (`not_contains`, `not_in`) "never bought it". A rule whose
/// value is a number keeps the canonical meaning: orders of its `target` product.
extension RuleParser {
    /// A rule of either form, where `product_purchased` may become a small group of product rules.
    static func parseRule(_ object: [String: RuleValue], _ path: RulePath, _ problems: inout [RuleProblem]) -> RuleNode? {
        if object["field"] == nil, let name = object["attribute"]?.string, FlatForm.fieldID(forAttribute: name) == "purchases.product",
            object["value"]?.number == nil
        {
            return parseProductPurchased(object, path, &problems)
        }
        return parseCondition(object, path, &problems).map(RuleNode.condition)
    }

    static func parseProductPurchased(_ object: [String: RuleValue], _ path: RulePath, _ problems: inout [RuleProblem]) -> RuleNode? {
        var rest = object
        rest["value"] = nil
        // Operator, window and target are read as for any rule; the value names the products.
        guard let rule = parseCondition(rest, path, &problems) else { return nil }
        var bought: Bool
        switch rule.operator {
        case .equals, .in, .contains: bought = true
        case .notEquals, .notIn, .notContains: bought = false
        default:
            let message = "“Bought product” with a product takes “is”, “is not”, “is any of” or “is none of”; for a number of orders, give a target."
            problems.append(RuleProblem(path.key("operator").text, .invalidStructure, message))
            return nil
        }
        let value = object["value"] ?? .null
        let products: [String]
        switch value {
        case .string, .array:
            let items = value.array ?? [value]
            products = items.compactMap(\.string)
            guard !products.isEmpty, products.count == items.count else {
                problems.append(RuleProblem(path.key("value").text, .invalidValue, "Give the products by their ids."))
                return nil
            }
            guard rule.target == nil else {
                problems.append(
                    RuleProblem(path.key("target").text, .invalidTarget, "Give the product either as the value or as the target, not both."))
                return nil
            }
        case .bool(let flag):
            guard let target = rule.target else {
                problems.append(RuleProblem(path.key("target").text, .invalidTarget, "Choose the product, by its id, as the target."))
                return nil
            }
            products = [target]
            bought = bought == flag
        default:
            guard let target = rule.target else {
                problems.append(RuleProblem(path.key("value").text, .invalidValue, "Choose the product, by its id."))
                return nil
            }
            products = [target]
        }
        let rules = products.map { product in
            RuleNode.when("purchases.product", bought ? .greaterThanOrEqual : .equals, bought ? 1 : 0, window: rule.window, target: product)
        }
        if rules.count == 1, let only = rules.first { return only }
        // Any of the products was bought; none of them was.
        return .group(RuleGroup(bought ? .or : .and, rules))
    }
}
