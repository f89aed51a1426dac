import Foundation
import Segments
import Testing

@Suite("Validating rules")
struct RuleValidatorTests {
    let catalog = FieldCatalog(customAttributes: [CustomAttribute(key: "points", label: "Points", kind: .number)])
    var validator: RuleValidator { RuleValidator(catalog: catalog) }

    func problems(_ tree: RuleNode) -> [String] { validator.validate(tree).map(\.description) }

    @Test("a valid tree has no problems")
    func valid() {
        let tree = RuleNode.all(
            .when("purchases.total_spend", .greaterThan, 500, window: .lastDays(60)),
            .when("engagement.read", .greaterThanOrEqual, 1, window: .lastDays(30)),
            .when("attributes.points", .between, [10, 20]),
            .when("contact.consent_status", .in, ["opted_in", "unknown"])
        )
        #expect(problems(tree) == [])
    }

    @Test("each problem points at the bad node with a marketer's message")
    func paths() {
        let tree = RuleNode.all(
            .when("contact.shoe_size", .equals, 42),
            .any(.when("contact.country", .greaterThan, "US"), .all(.when("purchases.order_count", .greaterThanOrEqual, "two")))
        )
        #expect(
            validator.validate(tree) == [
                RuleProblem("children[0].field", .unknownField, "There is no field \"contact.shoe_size\". Choose one from the list."),
                RuleProblem(
                    "children[1].children[0].operator", .operatorNotAllowed,
                    "“Country” cannot use “is greater than”. Choose one of: “is”, “is not”, “is any of”, “is none of”, “contains”, “does not contain”, “starts with”, “is set”, “is not set”."
                ),
                RuleProblem("children[1].children[1].children[0].value", .invalidValue, "Enter a whole number of 0 or more (found a text)."),
            ]
        )
    }

    @Test("values of the wrong type are refused", arguments: [
        RuleNode.when("contact.created_at", .before, "May 1st"), .when("contact.created_at", .withinLastDays, 1.5),
        .when("contact.tags", .isSet, "vip"), .when("attributes.points", .between, [20, 10]), .when("contact.consent_status", .equals, "maybe"),
        .when("contact.phone_country_code", .equals, "UK"), .when("engagement.never_engaged", .equals, "yes"), .when("contact.country", .in, []),
    ])
    func wrongValues(tree: RuleNode) {
        #expect(validator.validate(tree).map(\.path) == ["value"])
    }

    @Test("periods must fit the field and the allowed range")
    func windows() {
        #expect(problems(.when("purchases.order_count", .greaterThan, 1, window: .lastDays(0))) == [
            "window: A period covers 1 to 3650 days; 0 is out of range."
        ])
        #expect(problems(.when("contact.country", .equals, "US", window: .lastDays(30))) == ["window: “Country” does not take a period; remove it."])
        let backwards = RuleWindow.between(from: CalendarDay("2024-02-01")!, to: CalendarDay("2024-01-01")!)
        #expect(validator.validate(.when("engagement.read", .greaterThan, 0, window: backwards)).map(\.code) == [.invalidWindow])
    }

    @Test("targets are required where the field names a product and must be ids")
    func targets() {
        #expect(problems(.when("purchases.product", .greaterThanOrEqual, 1)) == ["target: Choose a product for “Bought product”."])
        #expect(validator.validate(.when("engagement.read", .greaterThanOrEqual, 1, target: "spring-sale")).map(\.code) == [.invalidTarget])
        #expect(validator.validate(.when("contact.city", .equals, "x", target: UUID().uuidString)).map(\.code) == [.invalidTarget])
    }

    @Test("limits: at most 5 levels of groups and 100 rules")
    func limits() {
        var deep = RuleNode.when("contact.city", .equals, "x")
        for _ in 0..<6 { deep = .all(deep) }
        #expect(validator.validate(deep).map(\.description) == [
            "children[0].children[0].children[0].children[0].children[0]: Groups can be nested at most 5 levels deep."
        ])
        let wide = RuleNode.group(RuleGroup(.or, Array(repeating: .when("contact.city", .equals, "x"), count: 101)))
        #expect(validator.validate(wide).map(\.code) == [.tooManyConditions])
    }

    @Test("segment membership that loops back is a cycle; a missing segment is reported")
    func cycles() {
        let a = UUID(), b = UUID(), c = UUID()
        let saved: [UUID: RuleNode] = [
            b: .all(.when("segment", .inSegment, .string(c.uuidString))), c: .all(.when("segment", .notInSegment, .string(a.uuidString))),
        ]
        let validator = RuleValidator(catalog: catalog, segmentID: a) { saved[$0] }
        let loop = validator.validate(.all(.when("contact.city", .equals, "x"), .when("segment", .inSegment, .string(b.uuidString))))
        #expect(loop.map(\.path) == ["children[1].value"])
        #expect(loop.map(\.code) == [.cycle])
        #expect(validator.validate(.when("segment", .inSegment, .string(a.uuidString))).map(\.code) == [.cycle])
        #expect(validator.validate(.when("segment", .inSegment, .string(UUID().uuidString))).map(\.code) == [.unknownSegment])
        #expect(RuleValidator(catalog: catalog) { saved[$0] }.validate(.when("segment", .inSegment, .string(c.uuidString))).map(\.code) == [.unknownSegment])
    }
}
