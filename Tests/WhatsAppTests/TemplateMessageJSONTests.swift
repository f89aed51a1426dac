import Testing

@testable import WhatsApp

@Suite("Template message request bodies")
struct TemplateMessageJSONTests {
    @Test("the reference example: image header, body text, URL-button suffix, quick-reply payload, callback data")
    func referenceExample() throws {
        let message = TemplateMessage(
            to: "+919812345678",
            templateName: "spring_sale",
            languageCode: "en_US",
            header: .image(.link("https://cdn.example.com/a.jpg")),
            body: [TemplateParameter(text: "Jess")],
            urlButton: URLButtonParameter(index: 0, suffix: "n3mtql"),
            quickReplies: [QuickReplyParameter(index: 1, payload: "STOP_PROMO")],
            callbackData: "c=42;v=7"
        )
        try expectJSON(
            message.jsonBody(),
            equals: """
                {"messaging_product":"whatsapp","recipient_type":"individual","to":"919812345678","type":"template",
                 "biz_opaque_callback_data":"c=42;v=7",
                 "template":{"name":"spring_sale","language":{"code":"en_US"},"components":[
                  {"type":"header","parameters":[{"type":"image","image":{"link":"https://cdn.example.com/a.jpg"}}]},
                  {"type":"body","parameters":[{"type":"text","text":"Jess"}]},
                  {"type":"button","sub_type":"url","index":0,"parameters":[{"type":"text","text":"n3mtql"}]},
                  {"type":"button","sub_type":"quick_reply","index":1,"parameters":[{"type":"payload","payload":"STOP_PROMO"}]}]}}
                """
        )
    }

    @Test(
        "header media by link and by uploaded id",
        arguments: [
            (HeaderMedia.image(.id("1234")), #"{"type":"image","image":{"id":"1234"}}"#),
            (HeaderMedia.video(.link("https://cdn.example.com/v.mp4")), #"{"type":"video","video":{"link":"https://cdn.example.com/v.mp4"}}"#),
            (HeaderMedia.video(.id("987")), #"{"type":"video","video":{"id":"987"}}"#),
            (
                HeaderMedia.document(.link("https://cdn.example.com/menu.pdf"), filename: "Menu.pdf"),
                #"{"type":"document","document":{"link":"https://cdn.example.com/menu.pdf","filename":"Menu.pdf"}}"#
            ),
            (HeaderMedia.document(.id("555"), filename: nil), #"{"type":"document","document":{"id":"555"}}"#),
        ]
    )
    func headerMedia(header: HeaderMedia, expectedParameter: String) throws {
        let message = TemplateMessage(to: "447700900123", templateName: "menu", languageCode: "en_GB", header: header)
        try expectJSON(
            message.jsonBody(),
            equals: """
                {"messaging_product":"whatsapp","recipient_type":"individual","to":"447700900123","type":"template",
                 "template":{"name":"menu","language":{"code":"en_GB"},"components":[
                  {"type":"header","parameters":[\(expectedParameter)]}]}}
                """
        )
    }

    @Test("named parameters carry parameter_name, in header and body")
    func namedParameters() throws {
        let message = TemplateMessage(
            to: "5511987654321",
            templateName: "welcome",
            languageCode: "pt_BR",
            headerText: [TemplateParameter(name: "store", text: "Loja Azul")],
            body: [TemplateParameter(name: "first_name", text: "Ana"), TemplateParameter(name: "code", text: "OLA10")]
        )
        try expectJSON(
            message.jsonBody(),
            equals: """
                {"messaging_product":"whatsapp","recipient_type":"individual","to":"5511987654321","type":"template",
                 "template":{"name":"welcome","language":{"code":"pt_BR"},"components":[
                  {"type":"header","parameters":[{"type":"text","text":"Loja Azul","parameter_name":"store"}]},
                  {"type":"body","parameters":[{"type":"text","text":"Ana","parameter_name":"first_name"},
                                               {"type":"text","text":"OLA10","parameter_name":"code"}]}]}}
                """
        )
    }

    @Test("positional parameters keep their order and have no parameter_name")
    func positionalParameters() throws {
        let message = TemplateMessage(
            to: "919812345678",
            templateName: "order_update",
            languageCode: "en",
            body: [TemplateParameter(text: "Jess"), TemplateParameter(text: "#1042"), TemplateParameter(text: "Friday")]
        )
        let body = try jsonObject(message.jsonBody())
        let template = try #require(body["template"] as? [String: Any])
        let components = try #require(template["components"] as? [[String: Any]])
        #expect(components.count == 1)
        let parameters = try #require(components[0]["parameters"] as? [[String: Any]])
        #expect(parameters.map { $0["text"] as? String } == ["Jess", "#1042", "Friday"])
        #expect(parameters.allSatisfy { $0["parameter_name"] == nil })
    }

    @Test("a template without parameters has no components and no callback data")
    func noComponents() throws {
        let message = TemplateMessage(to: "919812345678", templateName: "hello_world", languageCode: "en_US")
        try expectJSON(
            message.jsonBody(),
            equals: """
                {"messaging_product":"whatsapp","recipient_type":"individual","to":"919812345678","type":"template",
                 "template":{"name":"hello_world","language":{"code":"en_US"}}}
                """
        )
    }

    @Test("buttons are sent in index order whatever order they were given in")
    func buttonOrder() throws {
        let message = TemplateMessage(
            to: "919812345678",
            templateName: "promo",
            languageCode: "en",
            urlButton: URLButtonParameter(index: 2, suffix: "tok"),
            quickReplies: [QuickReplyParameter(index: 1, payload: "MORE"), QuickReplyParameter(index: 0, payload: "STOP_PROMO")]
        )
        let template = try #require(try jsonObject(message.jsonBody())["template"] as? [String: Any])
        let components = try #require(template["components"] as? [[String: Any]])
        #expect(components.map { $0["index"] as? Int } == [0, 1, 2])
        #expect(components.map { $0["sub_type"] as? String } == ["quick_reply", "quick_reply", "url"])
    }

    @Test("recipients given in E.164 or with separators become digits only")
    func recipientDigits() {
        #expect(TemplateMessage(to: "+91 98123-45678", templateName: "t", languageCode: "en").to == "919812345678")
        #expect(WhatsAppRecipient.digits(fromE164: "+1 (415) 555-0100") == "14155550100")
        #expect(WhatsAppRecipient.isNANP("+14155550100"))
        #expect(!WhatsAppRecipient.isNANP("+919812345678"))
    }

    @Test("a message to a business-scoped user ID sends recipient and no to")
    func businessScopedRecipient() throws {
        let message = TemplateMessage(
            address: .businessScopedUserID("US.13491208655302741918"),
            templateName: "hello_world",
            languageCode: "en_US",
            callbackData: "hm1:x"
        )
        #expect(message.address == .businessScopedUserID("US.13491208655302741918"))
        try expectJSON(
            message.jsonBody(),
            equals: """
                {"messaging_product":"whatsapp","recipient_type":"individual","recipient":"US.13491208655302741918","type":"template",
                 "biz_opaque_callback_data":"hm1:x","template":{"name":"hello_world","language":{"code":"en_US"}}}
                """
        )
    }

    @Test("a phone address sends to, in digits, exactly as init(to:) does")
    func phoneAddress() throws {
        let byAddress = TemplateMessage(address: .phone("+91 98123-45678"), templateName: "hello_world", languageCode: "en_US")
        let byTo = TemplateMessage(to: "+919812345678", templateName: "hello_world", languageCode: "en_US")
        #expect(byAddress == byTo)
        #expect(byTo.address == .phone("919812345678"))
        let body = try jsonObject(byAddress.jsonBody())
        #expect(body["to"] as? String == "919812345678")
        #expect(body["recipient"] == nil)
    }
}
