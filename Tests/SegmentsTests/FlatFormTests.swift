import Foundation
import Segments
import Testing

/// The seed's flat form: `{"operator"?, "groups": [{"operator", "rules": [{"attribute", "operator", "value"}]}]}`.
@Suite("The seed's flat rule form")
struct FlatFormTests {
    let product = "0B6E3A0C-6E43-4C43-9E8B-3B1F0C1F5A10"
    let other = "5C1D0F7E-2B1A-4C43-9E8B-3B1F0C1F5A11"

    func flat(_ rules: [RuleValue], operator op: String? = nil) -> RuleValue {
        var object: [String: RuleValue] = ["groups": [["operator": "AND", "rules": .array(rules)]]]
        if let op { object["operator"] = .string(op) }
        return .object(object)
    }

    func only(_ rule: RuleValue) throws -> RuleNode {
        guard case .group(let root) = try RuleParser.parse(flat([rule])), case .group(let group) = root.children.first,
            let node = group.children.first
        else { throw RuleProblems([]) }
        return node
    }

    @Test("last_purchase and engagement_score name the catalog's last purchase and engagement score")
    func seedNames() throws {
        #expect(
            try only(["attribute": "last_purchase", "operator": "within_last_days", "value": 30])
                == .when("purchases.last_purchase_at", .withinLastDays, 30))
        #expect(
            try only(["attribute": "Last_Purchase", "operator": "before", "value": "2024-01-01"])
                == .when("purchases.last_purchase_at", .before, "2024-01-01"))
        #expect(try only(["attribute": "engagement_score", "operator": ">", "value": 50]) == .when("engagement.score", .greaterThan, 50))
    }

    @Test("product_purchased with a product id means bought it at least once; negated, never bought it")
    func productPurchased() throws {
        let bought = RuleNode.when("purchases.product", .greaterThanOrEqual, 1, target: product)
        #expect(try only(["attribute": "product_purchased", "operator": "equals", "value": .string(product)]) == bought)
        #expect(try only(["attribute": "product_purchased", "operator": "contains", "value": .string(product)]) == bought)
        #expect(
            try only(["attribute": "product_purchased", "operator": "=", "value": .string(product), "window": ["last_days": 30]])
                == .when("purchases.product", .greaterThanOrEqual, 1, window: .lastDays(30), target: product)
        )
        #expect(
            try only(["attribute": "product_purchased", "operator": "!=", "value": .string(product)])
                == .when("purchases.product", .equals, 0, target: product)
        )
        #expect(
            try only(["attribute": "product_purchased", "operator": "in", "value": [.string(product), .string(other)]])
                == .any(
                    .when("purchases.product", .greaterThanOrEqual, 1, target: product),
                    .when("purchases.product", .greaterThanOrEqual, 1, target: other))
        )
        #expect(
            try only(["attribute": "product_purchased", "operator": "not_in", "value": [.string(product), .string(other)]])
                == .all(.when("purchases.product", .equals, 0, target: product), .when("purchases.product", .equals, 0, target: other))
        )
        // With an explicit target the value is the number of orders, as in the canonical form.
        #expect(
            try only(["attribute": "product_purchased", "operator": ">=", "value": 2, "target": .string(product)])
                == .when("purchases.product", .greaterThanOrEqual, 2, target: product)
        )
        #expect(
            try only(["attribute": "product_purchased", "operator": "equals", "value": false, "target": .string(product)])
                == .when("purchases.product", .equals, 0, target: product))
    }

    @Test("the mapped rules pass validation against the catalog")
    func mappedRulesAreValid() throws {
        let rules = try RuleParser.parse(
            flat([
                ["attribute": "last_purchase", "operator": "more_than_days_ago", "value": 90],
                ["attribute": "product_purchased", "operator": "equals", "value": .string(product)],
                ["attribute": "engagement_score", "operator": "at_least", "value": 40],
            ])
        )
        #expect(RuleValidator(catalog: FieldCatalog()).validate(rules) == [])
    }

    @Test("product_purchased needs a product: a missing one is a problem at the rule's value")
    func productPurchasedWithoutProduct() {
        let error = #expect(throws: RuleProblems.self) {
            _ = try RuleParser.parse(flat([["attribute": "product_purchased", "operator": "equals"]]))
        }
        #expect(error?.problems.map(\.path) == ["groups[0].rules[0].value"])
    }

    @Test("a top-level OR joins the groups by OR; AND stays the default")
    func topLevelOperator() throws {
        let groups: RuleValue = [
            ["operator": "AND", "rules": [["attribute": "country", "operator": "equals", "value": "US"]]],
            ["operator": "AND", "rules": [["attribute": "engagement_score", "operator": ">", "value": 50]]],
        ]
        let expected = [
            RuleNode.all(.when("contact.country", .equals, "US")), .all(.when("engagement.score", .greaterThan, 50)),
        ]
        #expect(try RuleParser.parse(["operator": "OR", "groups": groups]) == .group(RuleGroup(.or, expected)))
        #expect(try RuleParser.parse(["operator": "or", "groups": groups]) == .group(RuleGroup(.or, expected)))
        #expect(try RuleParser.parse(["operator": "AND", "groups": groups]) == .group(RuleGroup(.and, expected)))
        #expect(try RuleParser.parse(["groups": groups]) == .group(RuleGroup(.and, expected)))
        let error = #expect(throws: RuleProblems.self) {
            _ = try RuleParser.parse(["operator": "XOR", "groups": groups])
        }
        #expect(error?.problems.map(\.path) == ["operator"])
    }
}
