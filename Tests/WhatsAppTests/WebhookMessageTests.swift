import Testing

@testable import WhatsApp

@Suite("Inbound message webhooks")
struct WebhookMessageTests {
    func decodeMessages(contacts: String, messages: String) throws -> MessagesValue {
        let body = """
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages",
             "value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
             "contacts":[\(contacts)],"messages":[\(messages)]}}]}]}
            """
        let delivery = try WebhookDelivery.decode(Array(body.utf8))
        #expect(delivery.object == "whatsapp_business_account")
        #expect(delivery.entries.first?.id == "102290129340398")
        guard case .messages(let value) = try #require(delivery.changes.first) else {
            Issue.record("expected a messages change")
            return MessagesValue()
        }
        return value
    }

    @Test("a text message gives sender, profile name and text")
    func text() throws {
        let value = try decodeMessages(
            contacts: #"{"profile":{"name":"Sheena"},"wa_id":"919812345678"}"#,
            messages: #"{"from":"919812345678","id":"wamid.in1","timestamp":"1750031000","type":"text","text":{"body":"STOP"}}"#
        )
        #expect(value.contacts == [WebhookContact(waID: "919812345678", profileName: "Sheena")])
        let message = try #require(value.messages.first)
        #expect(message == InboundMessage(wamid: "wamid.in1", from: "919812345678", timestamp: .unix(1_750_031_000), type: "text", text: "STOP"))
        #expect(message.replyText == "STOP")
    }

    @Test("a quick-reply tap gives payload, label and the template message it answers")
    func quickReplyButton() throws {
        let value = try decodeMessages(
            contacts: #"{"profile":{"name":"Ana"},"wa_id":"5511987654321"}"#,
            messages: """
                {"context":{"from":"15550783881","id":"wamid.ourTemplate"},"from":"5511987654321","id":"wamid.in2",
                 "timestamp":"1750031100","type":"button","button":{"payload":"STOP_PROMO","text":"Stop promotions"}}
                """
        )
        let message = try #require(value.messages.first)
        #expect(message.type == "button")
        #expect(message.buttonPayload == "STOP_PROMO")
        #expect(message.buttonText == "Stop promotions")
        #expect(message.contextID == "wamid.ourTemplate")
        #expect(message.contextFrom == "15550783881")
        #expect(message.replyText == "Stop promotions")
    }

    @Test("an interactive button_reply gives its id and title")
    func buttonReply() throws {
        let value = try decodeMessages(
            contacts: #"{"profile":{"name":"Jess"},"wa_id":"447700900123"}"#,
            messages: """
                {"from":"447700900123","id":"wamid.in3","timestamp":"1750031200","type":"interactive",
                 "interactive":{"type":"button_reply","button_reply":{"id":"yes-1","title":"Yes please"}}}
                """
        )
        let message = try #require(value.messages.first)
        #expect(message.interactiveType == "button_reply")
        #expect(message.interactiveReplyID == "yes-1")
        #expect(message.interactiveReplyTitle == "Yes please")
        #expect(message.replyText == "Yes please")
    }

    @Test("an interactive list_reply gives its id and title")
    func listReply() throws {
        let value = try decodeMessages(
            contacts: #"{"profile":{"name":"Jess"},"wa_id":"447700900123"}"#,
            messages: """
                {"from":"447700900123","id":"wamid.in4","timestamp":"1750031300","type":"interactive",
                 "interactive":{"type":"list_reply","list_reply":{"id":"size-m","title":"Medium","description":"Fits most"}}}
                """
        )
        let message = try #require(value.messages.first)
        #expect(message.interactiveType == "list_reply")
        #expect(message.interactiveReplyID == "size-m")
        #expect(message.interactiveReplyTitle == "Medium")
    }

    @Test("a username user has an empty from and a business-scoped user_id")
    func usernameUser() throws {
        let value = try decodeMessages(
            contacts: #"{"profile":{"name":"krish","username":"@krish"},"user_id":"IN.1410018717833190"}"#,
            messages: """
                {"from":"","from_user_id":"IN.1410018717833190","id":"wamid.in5","timestamp":"1750031400","type":"text","text":{"body":"Hi"}}
                """
        )
        #expect(value.contacts == [WebhookContact(waID: nil, userID: "IN.1410018717833190", profileName: "krish", username: "@krish")])
        let message = try #require(value.messages.first)
        #expect(message.from == "")
        #expect(message.userID == "IN.1410018717833190")
    }

    @Test("a message without from at all is still read")
    func absentFrom() throws {
        let value = try decodeMessages(
            contacts: #"{"user_id":"US.13491208655302741918"}"#,
            messages: #"{"user_id":"US.13491208655302741918","id":"wamid.in6","timestamp":"1750031500","type":"reaction","reaction":{"emoji":"👍"}}"#
        )
        let message = try #require(value.messages.first)
        #expect(message.from == nil)
        #expect(message.userID == "US.13491208655302741918")
        #expect(message.type == "reaction")
        #expect(message.replyText == nil)
    }
}
