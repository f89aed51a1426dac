import Testing

@testable import WhatsApp

@Suite("Template, preference and unknown webhooks")
struct WebhookOtherFieldsTests {
    func onlyChange(_ body: String) throws -> WebhookChange {
        let delivery = try WebhookDelivery.decode(Array(body.utf8))
        #expect(delivery.changes.count == 1)
        return try #require(delivery.changes.first)
    }

    @Test("a template status update with a numeric template id")
    func templateStatus() throws {
        let change = try onlyChange(
            """
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","time":1750032000,"changes":[{"field":"message_template_status_update",
             "value":{"event":"REJECTED","message_template_id":1689556908129832,"message_template_name":"spring_sale",
                      "message_template_language":"en_US","reason":"INVALID_FORMAT"}}]}]}
            """
        )
        #expect(
            change
                == .templateStatus(
                    TemplateStatusUpdate(
                        event: "REJECTED",
                        templateID: "1689556908129832",
                        templateName: "spring_sale",
                        language: "en_US",
                        reason: "INVALID_FORMAT"
                    )
                )
        )
    }

    @Test("a template id sent as a string is read the same way")
    func templateIDAsString() throws {
        let change = try onlyChange(
            """
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"message_template_status_update",
             "value":{"event":"APPROVED","message_template_id":"1689556908129832","message_template_name":"spring_sale",
                      "message_template_language":"en_US","reason":"NONE"}}]}]}
            """
        )
        guard case .templateStatus(let update) = change else {
            Issue.record("expected a template status")
            return
        }
        #expect(update.templateID == "1689556908129832")
        #expect(update.event == "APPROVED")
    }

    @Test("a template quality update")
    func templateQuality() throws {
        let change = try onlyChange(
            """
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"message_template_quality_update",
             "value":{"previous_quality_score":"GREEN","new_quality_score":"YELLOW","message_template_id":806312974732579,
                      "message_template_name":"spring_sale","message_template_language":"en_US"}}]}]}
            """
        )
        #expect(
            change
                == .templateQuality(
                    TemplateQualityUpdate(
                        previousQualityScore: "GREEN",
                        newQualityScore: "YELLOW",
                        templateID: "806312974732579",
                        templateName: "spring_sale",
                        language: "en_US"
                    )
                )
        )
    }

    @Test("user_preferences stop and resume, as an array")
    func userPreferences() throws {
        let change = try onlyChange(
            """
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"user_preferences","value":{
             "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
             "contacts":[{"profile":{"name":"Sheena"},"wa_id":"16505551234"}],
             "user_preferences":[
               {"wa_id":"16505551234","detail":"User requested to stop marketing messages","category":"marketing_messages","value":"stop","timestamp":1731705721},
               {"wa_id":"16505551235","detail":"User requested to resume marketing messages","category":"marketing_messages","value":"resume","timestamp":"1731705722"}]}}]}]}
            """
        )
        guard case .userPreferences(let preferences) = change else {
            Issue.record("expected user preferences")
            return
        }
        #expect(preferences.count == 2)
        #expect(
            preferences[0]
                == UserPreference(
                    waID: "16505551234",
                    detail: "User requested to stop marketing messages",
                    value: "stop",
                    timestamp: .unix(1_731_705_721),
                    phoneNumberID: "106540352242922"
                )
        )
        #expect(preferences[0].intent == .optOut)
        #expect(preferences[1].intent == .optIn)
        #expect(preferences[1].timestamp == .unix(1_731_705_722))
    }

    @Test("user_preferences as a single object is accepted")
    func singlePreference() throws {
        let change = try onlyChange(
            """
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"user_preferences",
             "value":{"wa_id":"16505551234","category":"marketing_messages","value":"stop","timestamp":1731705721}}]}]}
            """
        )
        #expect(change == .userPreferences([UserPreference(waID: "16505551234", value: "stop", timestamp: .unix(1_731_705_721))]))
    }

    @Test("an unknown field is kept by name and does not stop the rest of the delivery")
    func unknownField() throws {
        let body = """
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[
              {"field":"account_update","value":{"event":"VERIFIED_ACCOUNT","phone_number":"15550783881"}},
              {"field":"messages","value":{"statuses":[{"id":"wamid.A","status":"sent","timestamp":"1"}]}}]}]}
            """
        let delivery = try WebhookDelivery.decode(Array(body.utf8))
        #expect(delivery.changes.count == 2)
        #expect(delivery.changes[0] == .unknown(field: "account_update"))
        #expect(delivery.changes[1].field == "messages")
    }

    @Test("a body that is not a webhook envelope is rejected")
    func notAnEnvelope() {
        #expect(throws: WebhookDecodingError.self) { try WebhookDelivery.decode(Array("not json".utf8)) }
        #expect(throws: WebhookDecodingError.self) { try WebhookDelivery.decode(Array("[1,2]".utf8)) }
        #expect(throws: WebhookDecodingError.self) { try WebhookDelivery.decode(Array(#"{"entry":[]}"#.utf8)) }
    }
}
