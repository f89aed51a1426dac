import Foundation
import Segments
import Testing

@Suite("Reading rules")
struct RuleParserTests {
    let canonical = """
        {"combinator":"and","not":false,"children":[
          {"field":"purchases.total_spend","operator":"gt","value":500,"window":{"last_days":60}},
          {"combinator":"or","not":true,"children":[
            {"field":"engagement.read","operator":"gte","value":1,"window":{"from":"2024-01-01","to":"2024-01-31"},"target":"0B6E3A0C-6E43-4C43-9E8B-3B1F0C1F5A10"},
            {"field":"contact.tags","operator":"is_set","value":null}
          ]}
        ]}
        """

    @Test("canonical JSON decodes and encodes back to the same tree")
    func canonicalRoundTrip() throws {
        let tree = try JSONDecoder().decode(RuleNode.self, from: Data(canonical.utf8))
        #expect(tree.conditions.count == 3)
        #expect(tree.depth == 2)
        let again = try JSONDecoder().decode(RuleNode.self, from: try JSONEncoder().encode(tree))
        #expect(again == tree)
        guard case .group(let root) = tree, case .group(let inner) = root.children[1] else { Issue.record("not a group"); return }
        #expect(inner.combinator == .or && inner.not)
        #expect(root.children[0] == .when("purchases.total_spend", .greaterThan, 500, window: .lastDays(60)))
    }

    @Test("the flat form ANDs its groups and combines each group's rules by its operator")
    func flatForm() throws {
        let flat: RuleValue = [
            "groups": [
                ["operator": "OR", "rules": [["attribute": "country", "operator": "equals", "value": "US"], ["attribute": "city", "operator": "=", "value": "Austin"]]],
                ["operator": "AND", "rules": [["attribute": "total_spent", "operator": "greater_than", "value": 100], ["attribute": "plan", "operator": "is_set"]]],
            ]
        ]
        let tree = try RuleParser.parse(flat)
        #expect(
            tree
                == .all(
                    .any(.when("contact.country", .equals, "US"), .when("contact.city", .equals, "Austin")),
                    .all(.when("purchases.total_spend", .greaterThan, 100), .when("attributes.plan", .isSet))
                )
        )
    }

    @Test("structural mistakes are reported with the path of the node")
    func structuralProblems() {
        let bad: RuleValue = ["combinator": "xor", "children": []]
        #expect(throws: RuleProblems.self) { try RuleParser.parse(bad) }
        do {
            _ = try RuleParser.parse(["combinator": "and", "children": [["field": "contact.city", "operator": "resembles", "value": "x"], 3]])
            Issue.record("expected problems")
        } catch {
            #expect(error.problems.map(\.path) == ["children[0].operator", "children[1]"])
            #expect(error.problems[0].message == "\"resembles\" is not an operator.")
        }
        do {
            _ = try RuleParser.parse(["groups": [["operator": "AND", "rules": [["attribute": "city", "value": "x"]]]]])
            Issue.record("expected problems")
        } catch {
            #expect(error.problems.map(\.path) == ["groups[0].rules[0].operator"])
        }
    }

    @Test("operator aliases of the seed are understood", arguments: [("equals", RuleOperator.equals), (">=", .greaterThanOrEqual), ("not equal", .notEquals), ("IN", .in)])
    func aliases(text: String, op: RuleOperator) {
        #expect(RuleOperator(parsing: text) == op)
    }

    @Test("calendar days reject impossible dates")
    func calendarDays() {
        #expect(CalendarDay("2024-02-29") != nil)
        #expect(CalendarDay("2023-02-29") == nil)
        #expect(CalendarDay("2024-5-1") == nil)
        #expect(CalendarDay("2024-05-01")!.start(in: TimeZone(identifier: "America/New_York")!) == Date(timeIntervalSince1970: 1_714_536_000))
    }
}
