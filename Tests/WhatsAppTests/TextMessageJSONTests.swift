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
                {"messaging_product":"whatsapp","to":"919812345678","type":"text",
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
                {"messaging_product":"whatsapp","to":"919812345678","type":"text",
                 "text":{"preview_url":true,"body":"Done, you will not get promotions."},
                 "context":{"message_id":"wamid.ABC="}}
                """
        )
    }
}
