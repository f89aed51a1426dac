import Foundation
import Segments
import Testing

@Suite("Segment templates")
struct SegmentTemplateTests {
    let validator = RuleValidator(catalog: FieldCatalog())
    static let sampleID = "3F2504E0-4F89-41D3-9A0C-0305E82C3301"

    /// Values for the parameters that have no default: a sample id for each category, product or campaign.
    static func requiredValues(_ template: SegmentTemplate) -> [String: RuleValue] {
        Dictionary(uniqueKeysWithValues: template.parameters.filter(\.required).map { ($0.name, .string(sampleID)) })
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test("there are at least the eight templates of the issue, with unique ids")
    func catalog() {
        let ids = SegmentTemplate.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for id in [
            "vip_spenders", "lapsed_customers", "engaged_non_clickers", "new_subscribers", "repeat_buyers", "category_fans", "never_engaged",
            "high_value_one_time_buyers",
        ] {
            #expect(SegmentTemplate.named(id)?.id == id)
        }
        #expect(SegmentTemplate.named("nope") == nil)
        #expect(SegmentTemplate.all.allSatisfy { !$0.name.isEmpty && $0.description.hasSuffix(".") && !$0.parameters.isEmpty })
    }

    @Test("every template with its defaults gives rules the validator accepts", arguments: SegmentTemplate.all.map(\.id))
    func defaultsAreValid(id: String) throws {
        let template = try #require(SegmentTemplate.named(id))
        let rules = try template.rules(Self.requiredValues(template))
        #expect(validator.validate(rules) == [])
        #expect(!rules.conditions.isEmpty)
    }

    @Test("only category, product and campaign parameters are required, and every default fits its kind")
    func parameterKinds() throws {
        for template in SegmentTemplate.all {
            for parameter in template.parameters {
                #expect(["money", "number", "days", "category", "product", "campaign"].contains(parameter.kind))
                #expect(parameter.required == ["category", "product", "campaign"].contains(parameter.kind))
                #expect(parameter.required == (parameter.defaultValue == nil))
            }
            #expect(Set(template.parameters.map(\.name)).count == template.parameters.count)
        }
    }

    @Test("every parameter changes the rules, and the changed rules are still valid", arguments: SegmentTemplate.all.map(\.id))
    func everyParameterMatters(id: String) throws {
        let template = try #require(SegmentTemplate.named(id))
        let base = Self.requiredValues(template)
        let defaults = try template.rules(base)
        for parameter in template.parameters {
            let other: RuleValue =
                switch parameter.kind {
                case "money": 1234.5
                case "number": 7
                case "days": 45
                default: "9B2F0C6E-1D4A-4C3B-8E5F-6A7B8C9D0E1F"
                }
            var values = base
            values[parameter.name] = other
            let rules = try template.rules(values)
            #expect(rules != defaults, "\(parameter.name) has no effect")
            #expect(validator.validate(rules) == [])
            #expect(try Self.json(rules).contains(try Self.json(other)), "\(parameter.name) is not in the rules")
        }
    }

    @Test("VIP spenders: spend above the amount in the window")
    func vipSpenders() throws {
        let template = try #require(SegmentTemplate.named("vip_spenders"))
        #expect(try template.rules([:]) == .all(.when("purchases.total_spend", .greaterThan, 500, window: .lastDays(90))))
        #expect(
            try template.rules(["min_spend": 1000, "days": 30]) == .all(.when("purchases.total_spend", .greaterThan, 1000, window: .lastDays(30)))
        )
        #expect(template.suggestedName([:]) == "VIP spenders (over 500 in 90 days)")
        #expect(template.suggestedName(["min_spend": 49.9, "days": 30]) == "VIP spenders (over 49.90 in 30 days)")
    }

    @Test("the filled-in templates say what the issue asks for")
    func shapes() throws {
        let id = Self.sampleID
        let cases: [(String, [String: RuleValue], RuleNode)] = [
            (
                "lapsed_customers", ["days": 120],
                .all(.when("purchases.order_count", .greaterThanOrEqual, 1), .when("purchases.days_since_last_purchase", .greaterThan, 120))
            ),
            (
                "engaged_non_clickers", [:],
                .all(
                    .when("engagement.read", .greaterThanOrEqual, 1, window: .lastDays(30)),
                    .when("engagement.clicked", .equals, 0, window: .lastDays(30))
                )
            ),
            (
                "new_subscribers", ["days": 7],
                .all(.when("contact.created_at", .withinLastDays, 7), .when("contact.consent_status", .equals, "opted_in"))
            ),
            ("repeat_buyers", ["min_orders": 3], .all(.when("purchases.order_count", .greaterThanOrEqual, 3, window: .lastDays(365)))),
            (
                "category_fans", ["category": .string(id), "days": 60],
                .all(.when("purchases.category", .greaterThanOrEqual, 2, window: .lastDays(60), target: id))
            ),
            (
                "never_engaged", [:],
                .all(.when("engagement.never_engaged", .equals, true), .when("engagement.delivered", .greaterThanOrEqual, 3))
            ),
            (
                "high_value_one_time_buyers", ["min_spend": 300],
                .all(.when("purchases.order_count", .equals, 1), .when("purchases.total_spend", .greaterThanOrEqual, 300))
            ),
            (
                "campaign_clickers_no_purchase", ["campaign": .string(id)],
                .all(
                    .when("engagement.clicked", .greaterThanOrEqual, 1, target: id),
                    .when("purchases.order_count", .equals, 0, window: .lastDays(14))
                )
            ),
            (
                "product_buyers", ["product": .string(id)],
                .all(.when("purchases.product", .greaterThanOrEqual, 1, window: .lastDays(365), target: id))
            ),
        ]
        for (templateID, values, expected) in cases {
            #expect(try SegmentTemplate.named(templateID)?.rules(values) == expected, "\(templateID)")
        }
    }

    @Test("a missing required parameter is reported at its path")
    func missingRequired() throws {
        let template = try #require(SegmentTemplate.named("category_fans"))
        let error = #expect(throws: RuleProblems.self) { try template.rules(["min_orders": 3]) }
        #expect(error?.problems.map(\.path) == ["parameters.category"])
        #expect(error?.problems.first?.code == .invalidValue)
        #expect(error?.problems.first?.message == "Choose a category for “Category”.")
        // null means "not given", so it is missing too.
        let nullError = #expect(throws: RuleProblems.self) { try template.rules(["category": nil]) }
        #expect(nullError?.problems.map(\.path) == ["parameters.category"])
        #expect(nullError?.problems.first?.message == "Choose a category for “Category”.")
        // …and a parameter with a default takes it.
        #expect(try SegmentTemplate.named("vip_spenders")?.rules(["days": nil]) == SegmentTemplate.named("vip_spenders")?.rules([:]))
    }

    @Test("wrong-typed or out-of-range values are reported at their paths, every one of them")
    func wrongTypes() throws {
        let vip = try #require(SegmentTemplate.named("vip_spenders"))
        let error = #expect(throws: RuleProblems.self) { try vip.rules(["min_spend": "lots", "days": 0]) }
        #expect(error?.problems.map(\.path) == ["parameters.min_spend", "parameters.days"])
        #expect(error?.problems.allSatisfy { $0.code == .invalidValue } == true)
        #expect(error?.problems.first?.message == "Enter an amount of 0 or more, such as 500 or 49.90 (found a text).")

        let outOfRange: [(String, [String: RuleValue], String)] = [
            ("vip_spenders", ["days": 3651], "parameters.days"),
            ("vip_spenders", ["days": 2.5], "parameters.days"),
            ("vip_spenders", ["min_spend": -1], "parameters.min_spend"),
            ("repeat_buyers", ["min_orders": 0], "parameters.min_orders"),
            ("repeat_buyers", ["min_orders": "2"], "parameters.min_orders"),
            ("category_fans", ["category": "shoes"], "parameters.category"),
            ("product_buyers", ["product": 42], "parameters.product"),
        ]
        for (id, values, path) in outOfRange {
            let template = try #require(SegmentTemplate.named(id))
            let error = #expect(throws: RuleProblems.self) { try template.rules(values) }
            #expect(error?.problems.map(\.path) == [path], "\(id) \(values)")
        }
    }

    @Test("a parameter the template does not have is reported rather than ignored")
    func unknownParameter() throws {
        let template = try #require(SegmentTemplate.named("vip_spenders"))
        let error = #expect(throws: RuleProblems.self) { try template.rules(["min_spent": 800]) }
        #expect(error?.problems.map(\.path) == ["parameters.min_spent"])
        #expect(error?.problems.first?.code == .invalidStructure)
    }

    @Test("suggested names use the values, and fall back to defaults for unusable ones")
    func suggestedNames() throws {
        let names: [(String, [String: RuleValue], String)] = [
            ("lapsed_customers", ["days": 60], "Lapsed customers (no purchase for 60 days)"),
            ("repeat_buyers", ["min_orders": 4, "days": 90], "Repeat buyers (4+ orders in 90 days)"),
            ("category_fans", ["category": .string(Self.sampleID)], "Category fans (2+ orders from the category in 180 days)"),
            ("high_value_one_time_buyers", [:], "High-value one-time buyers (one order of 200 or more)"),
            ("vip_spenders", ["days": "soon"], "VIP spenders (over 500 in 90 days)"),
        ]
        for (id, values, expected) in names {
            #expect(SegmentTemplate.named(id)?.suggestedName(values) == expected)
        }
    }

    @Test("a template encodes its parameters and its rules with the defaults")
    func encoding() throws {
        let vip = try #require(SegmentTemplate.named("vip_spenders"))
        #expect(
            try Self.json(vip)
                == #"{"description":"\#(vip.description)","id":"vip_spenders","name":"VIP spenders","#
                + #""parameters":[{"default":500,"kind":"money","label":"Spent more than","name":"min_spend","required":false},"#
                + #"{"default":90,"kind":"days","label":"In the last (days)","name":"days","required":false}],"#
                + #""rules":{"children":[{"field":"purchases.total_spend","operator":"gt","value":500,"window":{"last_days":90}}],"#
                + #""combinator":"and","not":false}}"#
        )
    }

    @Test("a template with a required parameter encodes null rules and a null default")
    func encodingRequired() throws {
        let json = try Self.json(try #require(SegmentTemplate.named("category_fans")))
        #expect(json.contains(#"{"default":null,"kind":"category","label":"Category","name":"category","required":true}"#))
        #expect(json.hasSuffix(#""rules":null}"#))
    }

    @Test("the encoded rules read back as the same tree", arguments: SegmentTemplate.all.map(\.id))
    func roundTrip(id: String) throws {
        let template = try #require(SegmentTemplate.named(id))
        let rules = try template.rules(Self.requiredValues(template))
        let data = try JSONEncoder().encode(rules)
        #expect(try RuleParser.parse(RuleValue.parse(data)) == rules)
    }
}
