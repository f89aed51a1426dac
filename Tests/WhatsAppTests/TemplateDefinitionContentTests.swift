import Testing

@testable import WhatsApp

@Suite("Template content: variables, buttons, previews")
struct TemplateDefinitionContentTests {
    func templates() throws -> [TemplateDefinition] {
        try #require(TemplatePage(jsonBody: Array(templateListPage.utf8))).templates
    }

    @Test("positional body variables in order of first appearance, without repeats")
    func positionalVariables() throws {
        let sale = try templates()[0]
        #expect(sale.bodyVariables == ["1", "2"])
        #expect(sale.headerFormat == "IMAGE")
        #expect(sale.headerVariables == [])
        #expect(sale.footerText == "Reply STOP to opt out")
    }

    @Test("named body and header variables")
    func namedVariables() throws {
        let order = try templates()[1]
        #expect(order.usesNamedParameters)
        #expect(order.bodyVariables == ["first_name", "order_id"])
        #expect(order.headerFormat == "TEXT")
        #expect(order.headerVariables == ["order_id"])
    }

    @Test("the URL button index counts all buttons, and quick replies keep their indexes")
    func buttons() throws {
        let sale = try templates()[0]
        #expect(sale.hasURLButton)
        #expect(sale.urlButtonIndex == 0)
        #expect(sale.quickReplyButtons.map(\.index) == [1])
        #expect(sale.quickReplyButtons.map(\.text) == ["Stop promotions"])

        let reordered = TemplateDefinition(
            name: "t",
            language: "en",
            category: "MARKETING",
            components: [
                .body("x"), .buttons([.quickReply("Stop"), .url("Static", url: "https://a.example"), .url("Track", url: "https://a.example/{{1}}")]),
            ]
        )
        #expect(reordered.urlButtonIndex == 2)
        #expect(reordered.hasURLButton)
        #expect(try templates()[2].urlButtonIndex == nil)
        #expect(try !templates()[1].hasURLButton)
    }

    @Test("renderBody fills variables and leaves missing ones visible")
    func render() throws {
        let sale = try templates()[0]
        #expect(sale.renderBody(values: ["1": "Jess", "2": "Friday"]) == "Hi Jess, our spring sale ends Friday. Jess, don't miss it!")
        #expect(sale.renderBody(values: ["1": "Jess"]) == "Hi Jess, our spring sale ends {{2}}. Jess, don't miss it!")
        let order = try templates()[1]
        #expect(order.renderBody(values: ["first_name": "Ana", "order_id": "1042"]) == "Hello Ana, order 1042 is ready.")
        #expect(order.renderHeader(values: ["order_id": "1042"]) == "Order 1042")
    }

    @Test("braces that are not variables are left alone")
    func notVariables() {
        #expect(TemplateVariables.names(in: "{{ }} {{}} {{a-b}} {{{1}}} {1}") == ["1"])
        #expect(TemplateVariables.render("{{{1}}}", values: ["1": "x"]) == "{x}")
        #expect(TemplateVariables.render("100% {{", values: [:]) == "100% {{")
    }
}
