import Testing

@testable import WhatsApp

@Suite("Template validation")
struct TemplateValidationTests {
    func template(
        name: String = "spring_sale",
        format: String? = nil,
        components: [TemplateComponent]
    ) -> TemplateDefinition {
        TemplateDefinition(name: name, language: "en_US", category: "MARKETING", parameterFormat: format, components: components)
    }

    @Test("a template within every limit has no problems")
    func valid() {
        let good = template(components: [
            .header(text: "Sale for {{1}}"), .body("Hi {{1}}, {{2}} off today."), .footer("Reply STOP to opt out"),
            .buttons([
                .url("Shop now", url: "https://shop.example/r/{{1}}"), .quickReply("Stop promotions"), .phoneNumber("Call", number: "+15550783881"),
            ]),
        ])
        #expect(good.validate() == [])
    }

    @Test("names must be lowercase letters, digits and underscores", arguments: ["Spring_Sale", "spring-sale", "spring sale", "", "soldes_été"])
    func badNames(name: String) {
        #expect(template(name: name, components: [.body("x")]).validate().count == 1)
    }

    @Test("body over 1,024, footer over 60, header over 60 and labels over 25 characters are reported")
    func lengths() {
        let long = template(components: [
            .header(text: String(repeating: "h", count: 61)),
            .body(String(repeating: "b", count: 1_025)),
            .footer(String(repeating: "f", count: 61)),
            .buttons([.quickReply(String(repeating: "q", count: 26))]),
        ])
        let problems = long.validate()
        #expect(problems.count == 4)
        #expect(problems.contains { $0.contains("1024") || $0.contains("1,024") })
        #expect(template(components: [.body(String(repeating: "b", count: 1_024)), .footer(String(repeating: "f", count: 60))]).validate() == [])
    }

    @Test("a template needs a body")
    func missingBody() {
        #expect(template(components: [.footer("x")]).validate() == ["A template needs a body."])
    }

    @Test("a URL button may have only one variable, at the end")
    func urlVariables() {
        let twoVariables = template(components: [.body("x"), .buttons([.url("Go", url: "https://a.example/{{1}}/{{2}}")])])
        #expect(twoVariables.validate().count == 1)
        let notTrailing = template(components: [.body("x"), .buttons([.url("Go", url: "https://a.example/{{1}}/page")])])
        #expect(notTrailing.validate().count == 1)
    }

    @Test("positional variables must run from {{1}} without gaps; named ones need the NAMED format")
    func variableStyles() {
        #expect(template(components: [.body("Hi {{1}} and {{3}}")]).validate().count == 1)
        #expect(template(components: [.body("Hi {{first_name}}")]).validate().count == 1)
        #expect(template(format: "NAMED", components: [.body("Hi {{first_name}}")]).validate() == [])
        #expect(template(format: "NAMED", components: [.body("Hi {{1}}")]).validate().count == 1)
    }

    @Test("too many buttons are reported")
    func buttonCounts() {
        let many = template(components: [.body("x"), .buttons((0..<11).map { .quickReply("Option \($0)") })])
        #expect(many.validate().count == 1)
    }
}
