import Foundation
import Testing

@testable import WhatsApp

@Suite("Template definitions as Meta's JSON")
struct TemplateDefinitionCodableTests {
    func page() throws -> TemplatePage {
        try #require(TemplatePage(jsonBody: Array(templateListPage.utf8)))
    }

    @Test("a list page decodes every template with its components, ignoring unknown fields")
    func decodesListPage() throws {
        let page = try page()
        #expect(page.templates.map(\.name) == ["spring_sale", "order_ready", "login_code"])
        #expect(page.afterCursor == "QVFIUk9+/=")
        #expect(page.hasMore)

        let sale = page.templates[0]
        #expect(sale.id == "1689556908129832")
        #expect(sale.status == "APPROVED" && sale.isApproved)
        #expect(sale.category == "MARKETING")
        #expect(sale.parameterFormat == "POSITIONAL")
        #expect(sale.qualityScore == "GREEN")
        #expect(sale.rejectedReason == "NONE")
        #expect(sale.components.count == 4)
        #expect(sale.component("HEADER")?.example?.headerHandle == ["https://scontent.whatsapp.net/h1"])
        #expect(sale.component("BODY")?.example?.bodyText == [["Jess", "Friday"]])
        #expect(sale.buttons[2] == TemplateButton(type: "PHONE_NUMBER", text: "Call us", phoneNumber: "+15550783881"))
        #expect(sale.buttons[0].example == ["https://shop.example/r/abc"])

        let order = page.templates[1]
        #expect(order.buttons.first?.example == ["SAVE10"])
        #expect(order.component("BODY")?.example?.bodyTextNamedParams?.map(\.paramName) == ["first_name", "order_id"])

        let login = page.templates[2]
        #expect(login.parameterFormat == nil)
        #expect(login.bodyText == nil)
        #expect(login.buttons.first?.type == "OTP")
    }

    @Test("encoding and decoding again gives the same definitions")
    func roundTrip() throws {
        let templates = try page().templates
        let data = try JSONEncoder().encode(templates)
        #expect(try JSONDecoder().decode([TemplateDefinition].self, from: data) == templates)
    }

    @Test("encoding uses Meta's snake_case keys and a single-string COPY_CODE example")
    func encodesMetaKeys() throws {
        let templates = try page().templates
        let json = String(decoding: try JSONEncoder().encode(templates[1]), as: UTF8.self)
        #expect(json.contains(#""parameter_format":"NAMED""#))
        #expect(json.contains(#""example":"SAVE10""#))
        let sale = String(decoding: try JSONEncoder().encode(templates[0]), as: UTF8.self)
        #expect(sale.contains(#""phone_number":"+15550783881""#))
        #expect(sale.contains(#""quality_score":{"score":"GREEN"}"#))
    }

    @Test("a page re-encoded by the simulator decodes to the same page")
    func pageRoundTrip() throws {
        let page = try page()
        #expect(TemplatePage(jsonBody: page.jsonBody()) == page)
    }

    @Test("the create request carries only name, language, category, parameter format and components")
    func createBody() throws {
        let draft = TemplateDefinition(
            id: "ignored",
            name: "welcome",
            language: "en_US",
            category: "MARKETING",
            status: "APPROVED",
            parameterFormat: "NAMED",
            components: [.body("Hi {{first_name}}", example: TemplateExample(bodyTextNamedParams: [.init(paramName: "first_name", example: "Jess")]))]
        )
        try expectJSON(
            TemplateCreation.requestBody(for: draft),
            equals: """
                {"name":"welcome","language":"en_US","category":"MARKETING","parameter_format":"NAMED",
                 "components":[{"type":"BODY","text":"Hi {{first_name}}",
                   "example":{"body_text_named_params":[{"param_name":"first_name","example":"Jess"}]}}]}
                """
        )
        #expect(
            TemplateCreation(jsonBody: Array(#"{"id":"594425479261596","status":"PENDING","category":"MARKETING"}"#.utf8))
                == TemplateCreation(id: "594425479261596", status: "PENDING", category: "MARKETING")
        )
    }
}
