import Testing

@testable import WhatsApp

@Suite("Webhook bodies built for the simulator")
struct WebhookPayloadsTests {
    @Test("a status delivery has Meta's envelope with string timestamps")
    func statusEnvelope() throws {
        let status = StatusUpdate(
            wamid: "wamid.A",
            status: "sent",
            timestamp: .unix(1_750_030_073),
            recipientID: "919812345678",
            callbackData: "c=1",
            pricing: Pricing(billable: true, pricingModel: "PMP", type: "regular", category: "marketing")
        )
        let body = WebhookPayloads.statuses(
            wabaID: "102290129340398",
            phoneNumberID: "106540352242922",
            displayPhoneNumber: "15550783881",
            statuses: [status]
        )
        try expectJSON(
            body,
            equals: """
                {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages",
                 "value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
                 "statuses":[{"id":"wamid.A","status":"sent","timestamp":"1750030073","recipient_id":"919812345678",
                   "biz_opaque_callback_data":"c=1",
                   "pricing":{"billable":true,"pricing_model":"PMP","type":"regular","category":"marketing"}}]}}]}]}
                """
        )
    }

    @Test("a failed status carries error_data.details")
    func failedEnvelope() throws {
        let status = StatusUpdate(
            wamid: "wamid.F",
            status: "failed",
            timestamp: .unix(10),
            recipientID: "1",
            errors: [WebhookError(code: 131026, title: "Message undeliverable", message: "Message undeliverable", details: "Not on WhatsApp")]
        )
        let body = WebhookPayloads.statuses(wabaID: "w", phoneNumberID: "p", displayPhoneNumber: "d", statuses: [status])
        let decoded = try WebhookDelivery.decode(body)
        #expect(decoded.changes == [.messages(MessagesValue(phoneNumberID: "p", displayPhoneNumber: "d", statuses: [status]))])
        #expect(try canonicalJSON(body).contains(#""error_data":{"details":"Not on WhatsApp"}"#))
    }

    @Test("an inbound quick-reply delivery has contacts, context and button, and decodes back")
    func messagesEnvelope() throws {
        let message = InboundMessage(
            wamid: "wamid.in",
            from: "919812345678",
            timestamp: .unix(1_750_031_100),
            type: "button",
            buttonPayload: "STOP_PROMO",
            buttonText: "Stop promotions",
            contextID: "wamid.ours",
            contextFrom: "15550783881"
        )
        let contact = WebhookContact(waID: "919812345678", profileName: "Sheena")
        let body = WebhookPayloads.messages(
            wabaID: "w",
            phoneNumberID: "p",
            displayPhoneNumber: "15550783881",
            contacts: [contact],
            messages: [message]
        )
        try expectJSON(
            body,
            equals: """
                {"object":"whatsapp_business_account","entry":[{"id":"w","changes":[{"field":"messages",
                 "value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"p"},
                 "contacts":[{"profile":{"name":"Sheena"},"wa_id":"919812345678"}],
                 "messages":[{"from":"919812345678","id":"wamid.in","timestamp":"1750031100","type":"button",
                   "button":{"payload":"STOP_PROMO","text":"Stop promotions"},"context":{"from":"15550783881","id":"wamid.ours"}}]}}]}]}
                """
        )
        let decoded = try WebhookDelivery.decode(body)
        #expect(
            decoded.changes == [
                .messages(MessagesValue(phoneNumberID: "p", displayPhoneNumber: "15550783881", contacts: [contact], messages: [message]))
            ]
        )
    }

    @Test("text, interactive and username messages survive a round trip")
    func messageRoundTrip() throws {
        let messages = [
            InboundMessage(wamid: "1", from: "91", timestamp: .unix(1), type: "text", text: "hello"),
            InboundMessage(
                wamid: "2",
                from: "91",
                timestamp: .unix(2),
                type: "interactive",
                interactiveType: "list_reply",
                interactiveReplyID: "m",
                interactiveReplyTitle: "Medium"
            ),
            InboundMessage(
                wamid: "3",
                from: "91",
                timestamp: .unix(3),
                type: "interactive",
                interactiveType: "button_reply",
                interactiveReplyID: "y",
                interactiveReplyTitle: "Yes"
            ),
            InboundMessage(wamid: "4", from: "", userID: "IN.1", timestamp: .unix(4), type: "text", text: "hi"),
        ]
        let body = WebhookPayloads.messages(wabaID: "w", phoneNumberID: "p", displayPhoneNumber: "d", contacts: [], messages: messages)
        guard case .messages(let value) = try #require(try WebhookDelivery.decode(body).changes.first) else {
            Issue.record("expected messages")
            return
        }
        #expect(value.messages == messages)
    }

    @Test("a template status delivery sends the template id as a number")
    func templateStatusEnvelope() throws {
        let update = TemplateStatusUpdate(
            event: "APPROVED",
            templateID: "1689556908129832",
            templateName: "spring_sale",
            language: "en_US",
            reason: "NONE"
        )
        let body = WebhookPayloads.templateStatus(wabaID: "w", update: update)
        try expectJSON(
            body,
            equals: """
                {"object":"whatsapp_business_account","entry":[{"id":"w","changes":[{"field":"message_template_status_update",
                 "value":{"event":"APPROVED","message_template_id":1689556908129832,"message_template_name":"spring_sale",
                          "message_template_language":"en_US","reason":"NONE"}}]}]}
                """
        )
        #expect(try WebhookDelivery.decode(body).changes == [.templateStatus(update)])
    }

    @Test("a quality update survives a round trip")
    func qualityRoundTrip() throws {
        let update = TemplateQualityUpdate(
            previousQualityScore: "YELLOW",
            newQualityScore: "RED",
            templateID: "42",
            templateName: "t",
            language: "en"
        )
        #expect(try WebhookDelivery.decode(WebhookPayloads.templateQuality(wabaID: "w", update: update)).changes == [.templateQuality(update)])
    }

    @Test("a user_preferences delivery has metadata, contacts and numeric timestamps")
    func userPreferencesEnvelope() throws {
        let preference = UserPreference(
            waID: "16505551234",
            detail: "User requested to stop marketing messages",
            value: "stop",
            timestamp: .unix(1_731_705_721),
            phoneNumberID: "p"
        )
        let body = WebhookPayloads.userPreferences(wabaID: "w", phoneNumberID: "p", displayPhoneNumber: "d", preferences: [preference])
        try expectJSON(
            body,
            equals: """
                {"object":"whatsapp_business_account","entry":[{"id":"w","changes":[{"field":"user_preferences","value":{
                 "messaging_product":"whatsapp","metadata":{"display_phone_number":"d","phone_number_id":"p"},
                 "contacts":[{"wa_id":"16505551234"}],
                 "user_preferences":[{"wa_id":"16505551234","detail":"User requested to stop marketing messages",
                   "category":"marketing_messages","value":"stop","timestamp":1731705721}]}}]}]}
                """
        )
        #expect(try WebhookDelivery.decode(body).changes == [.userPreferences([preference])])
    }

    @Test("an unknown change survives a round trip by name")
    func unknownRoundTrip() throws {
        let delivery = WebhookDelivery(entries: [WebhookEntry(id: "w", changes: [.unknown(field: "account_alerts")])])
        #expect(try WebhookDelivery.decode(delivery.jsonBody()) == delivery)
    }

    @Test("the signature of a built body verifies")
    func signedBody() {
        let body = WebhookPayloads.templateStatus(wabaID: "w", update: TemplateStatusUpdate(event: "PAUSED"))
        let header = WebhookSignature.sign(body: body, appSecret: "s3cret")
        #expect(WebhookSignature.isValid(body: body, header: header, appSecret: "s3cret"))
    }
}
