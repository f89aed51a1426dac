import Testing

@testable import WhatsApp

@Suite("Text message request bodies")
struct TextMessageJSONTests {
    @Test("a text message without context matches the reference")
    func plainText() throws {
        let message = TextMessage(to: "+919812345678", body: "Your order has shipped: https://shop.example/t/1")
        try expectJSON(
            message.jsonBody(),
            equals: """
                {"messaging_product":"whatsapp","recipient_type":"individual","to":"919812345678","type":"text",
                 "text":{"preview_url":false,"body":"Your order has shipped: https://shop.example/t/1"}}
                """
        )
    }

    @Test("a reply carries context.message_id and may ask for a link preview")
    func reply() throws {
        let message = TextMessage(to: "919812345678", body: "Done, you will not get promotions.", previewURL: true, replyTo: "wamid.ABC=")
        try expectJSON(
            message.jsonBody(),
            equals: """
                {"messaging_product":"whatsapp","recipient_type":"individual","to":"919812345678","type":"text",
                 "text":{"preview_url":true,"body":"Done, you will not get promotions."},
                 "context":{"message_id":"wamid.ABC="}}
                """
        )
    }

    @Test("a text to a business-scoped user ID sends recipient and no to")
    func businessScopedRecipient() throws {
        let message = TextMessage(address: .businessScopedUserID("IN.1410018717833190"), body: "Thanks!")
        #expect(message.address == .businessScopedUserID("IN.1410018717833190"))
        try expectJSON(
            message.jsonBody(),
            equals: """
                {"messaging_product":"whatsapp","recipient_type":"individual","recipient":"IN.1410018717833190","type":"text",
                 "text":{"preview_url":false,"body":"Thanks!"}}
                """
        )
    }
}
