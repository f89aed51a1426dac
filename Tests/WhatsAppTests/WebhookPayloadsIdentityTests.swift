import Testing

@testable import WhatsApp

@Suite("Built webhook bodies with business-scoped user IDs")
struct WebhookPayloadsIdentityTests {
    @Test("statuses that know their user get Meta's contacts block; a failed one does not")
    func statusContactsBlock() throws {
        let delivered = StatusUpdate(
            wamid: "wamid.A",
            status: "delivered",
            timestamp: .unix(20),
            recipientID: "16505551234",
            userID: "US.1",
            waID: "16505551234",
            parentUserID: "US.ENT.2",
            username: "@sheena"
        )
        let failed = StatusUpdate(
            wamid: "wamid.B",
            status: "failed",
            timestamp: .unix(21),
            recipientID: "447700900123",
            errors: [
                WebhookError(
                    code: 131026,
                    title: "Message undeliverable",
                    href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"
                )
            ]
        )
        let body = WebhookPayloads.statuses(wabaID: "w", phoneNumberID: "p", displayPhoneNumber: "d", statuses: [delivered, failed])
        try expectJSON(
            body,
            equals: """
                {"object":"whatsapp_business_account","entry":[{"id":"w","changes":[{"field":"messages",
                 "value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"d","phone_number_id":"p"},
                 "contacts":[{"profile":{"username":"@sheena"},"wa_id":"16505551234","user_id":"US.1","parent_user_id":"US.ENT.2"}],
                 "statuses":[{"id":"wamid.A","status":"delivered","timestamp":"20","recipient_id":"16505551234","recipient_user_id":"US.1",
                               "recipient_parent_user_id":"US.ENT.2"},
                             {"id":"wamid.B","status":"failed","timestamp":"21","recipient_id":"447700900123",
                               "errors":[{"code":131026,"title":"Message undeliverable",
                                 "href":"https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]}]}}]}]}
                """
        )
        guard case .messages(let value) = try #require(try WebhookDelivery.decode(body).changes.first) else {
            Issue.record("expected messages")
            return
        }
        #expect(value.statuses == [delivered, failed])
    }

    @Test("a username user's message and a system message survive a round trip")
    func identityRoundTrip() throws {
        let contact = WebhookContact(userID: "US.1", profileName: "Sheena", parentUserID: "US.ENT.2", username: "@sheena")
        let messages = [
            InboundMessage(wamid: "1", userID: "US.1", parentUserID: "US.ENT.2", timestamp: .unix(1), type: "text", text: "STOP"),
            InboundMessage(
                wamid: "2",
                from: "16505551234",
                userID: "US.1",
                timestamp: .unix(2),
                type: "system",
                system: SystemChange(
                    type: "user_changed_number",
                    body: "User Sheena changed from 16505551234 to 12195555358",
                    waID: "12195555358",
                    userID: "US.3",
                    previousUserID: "US.1"
                )
            ),
        ]
        let body = WebhookPayloads.messages(wabaID: "w", phoneNumberID: "p", displayPhoneNumber: "d", contacts: [contact], messages: messages)
        #expect(try canonicalJSON(body).contains(#""profile":{"name":"Sheena","username":"@sheena"}"#))
        guard case .messages(let value) = try #require(try WebhookDelivery.decode(body).changes.first) else {
            Issue.record("expected messages")
            return
        }
        #expect(value.contacts == [contact])
        #expect(value.messages == messages)
    }
}
