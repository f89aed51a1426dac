import Testing

@testable import WhatsApp

/// Bodies shaped as Meta's "Business-scoped user IDs" and webhook reference pages show them.
@Suite("Webhooks with business-scoped user IDs and usernames")
struct WebhookIdentityTests {
    func messagesValue(_ value: String) throws -> MessagesValue {
        let body = """
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",
             "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},\(value)},"field":"messages"}]}]}
            """
        let delivery = try WebhookDelivery.decode(Array(body.utf8))
        guard case .messages(let decoded) = try #require(delivery.changes.first) else {
            Issue.record("expected a messages change")
            return MessagesValue()
        }
        return decoded
    }

    @Test("an inbound text gives phone, BSUID, parent BSUID and username")
    func inboundWithEveryIdentifier() throws {
        let value = try messagesValue(
            """
            "contacts":[{"profile":{"name":"Sheena Nelson","username":"@realsheenanelson"},"wa_id":"16505551234",
              "user_id":"US.13491208655302741918","parent_user_id":"US.ENT.11815799212886844830"}],
            "messages":[{"from":"16505551234","from_user_id":"US.13491208655302741918","from_parent_user_id":"US.ENT.11815799212886844830",
              "id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=","timestamp":"1749416383","type":"text",
              "text":{"body":"Does it come in another color?"}}]
            """
        )
        #expect(
            value.contacts == [
                WebhookContact(
                    waID: "16505551234",
                    userID: "US.13491208655302741918",
                    profileName: "Sheena Nelson",
                    parentUserID: "US.ENT.11815799212886844830",
                    username: "@realsheenanelson"
                )
            ]
        )
        let message = try #require(value.messages.first)
        #expect(message.from == "16505551234")
        #expect(message.fromPhone == "16505551234")
        #expect(message.userID == "US.13491208655302741918")
        #expect(message.parentUserID == "US.ENT.11815799212886844830")
        #expect(message.text == "Does it come in another color?")
        #expect(message.system == nil)
    }

    @Test("an inbound text from a username user without a shared phone has no wa_id and no from")
    func inboundWithoutPhone() throws {
        let value = try messagesValue(
            """
            "contacts":[{"profile":{"name":"Sheena Nelson","username":"@realsheenanelson"},"user_id":"US.13491208655302741918"}],
            "messages":[{"from_user_id":"US.13491208655302741918","id":"wamid.noPhone","timestamp":"1749416383","type":"text",
              "text":{"body":"STOP"}}]
            """
        )
        #expect(value.contacts == [WebhookContact(userID: "US.13491208655302741918", profileName: "Sheena Nelson", username: "@realsheenanelson")])
        let message = try #require(value.messages.first)
        #expect(message.from == nil)
        #expect(message.fromPhone == nil)
        #expect(message.userID == "US.13491208655302741918")
        #expect(message.replyText == "STOP")
    }

    @Test("an empty from is no phone")
    func emptyFromIsNoPhone() throws {
        let value = try messagesValue(
            """
            "contacts":[{"user_id":"IN.1410018717833190"}],
            "messages":[{"from":"","from_user_id":"IN.1410018717833190","id":"wamid.e","timestamp":"1","type":"text","text":{"body":"hi"}}]
            """
        )
        #expect(value.messages.first?.fromPhone == nil)
    }

    @Test("sent, delivered and read statuses take wa_id, parent BSUID and username from the contacts block")
    func statusesWithContacts() throws {
        let value = try messagesValue(
            """
            "contacts":[{"profile":{"username":"@realsheenanelson"},"wa_id":"16505551234","user_id":"US.13491208655302741918",
              "parent_user_id":"US.ENT.11815799212886844830"}],
            "statuses":[
              {"id":"wamid.S","status":"sent","timestamp":"1750030073","recipient_id":"16505551234",
               "recipient_user_id":"US.13491208655302741918","recipient_parent_user_id":"US.ENT.11815799212886844830",
               "pricing":{"billable":true,"pricing_model":"PMP","type":"regular","category":"marketing"}},
              {"id":"wamid.S","status":"delivered","timestamp":"1750030080","recipient_id":"16505551234",
               "recipient_user_id":"US.13491208655302741918","username":"@realsheenanelson"},
              {"id":"wamid.S","status":"read","timestamp":"1750030099","recipient_id":"16505551234",
               "recipient_user_id":"US.13491208655302741918"}]
            """
        )
        #expect(value.statuses.map(\.status) == ["sent", "delivered", "read"])
        for status in value.statuses {
            #expect(status.recipientID == "16505551234")
            #expect(status.userID == "US.13491208655302741918")
            #expect(status.waID == "16505551234")
            #expect(status.parentUserID == "US.ENT.11815799212886844830")
            #expect(status.username == "@realsheenanelson")
        }
    }

    @Test("a status sent by BSUID to a user who withholds the phone has no wa_id")
    func statusSentByBSUID() throws {
        let value = try messagesValue(
            """
            "contacts":[{"profile":{"username":"@krish"},"user_id":"IN.1410018717833190"}],
            "statuses":[{"id":"wamid.B","status":"delivered","timestamp":"1750030080","recipient_id":"IN.1410018717833190",
              "recipient_user_id":"IN.1410018717833190","username":"@krish"}]
            """
        )
        let status = try #require(value.statuses.first)
        #expect(status.waID == nil)
        #expect(status.userID == "IN.1410018717833190")
        #expect(status.username == "@krish")
    }

    @Test("each status of a batch takes its own contact, matched by BSUID, then by phone")
    func statusesMatchTheirOwnContact() throws {
        let value = try messagesValue(
            """
            "contacts":[{"wa_id":"16505551234","user_id":"US.1"},{"profile":{"username":"@ana"},"wa_id":"5511987654321","user_id":"BR.2"}],
            "statuses":[
              {"id":"wamid.2","status":"read","timestamp":"2","recipient_id":"5511987654321"},
              {"id":"wamid.1","status":"read","timestamp":"1","recipient_id":"16505551234","recipient_user_id":"US.1"}]
            """
        )
        #expect(value.statuses[0].userID == "BR.2")
        #expect(value.statuses[0].waID == "5511987654321")
        #expect(value.statuses[0].username == "@ana")
        #expect(value.statuses[1].waID == "16505551234")
        #expect(value.statuses[1].username == nil)
    }

    @Test("a failed 131050 without contacts and without recipient_user_id parses with its error details")
    func failedWithoutContacts() throws {
        let value = try messagesValue(
            """
            "statuses":[{"id":"wamid.F","status":"failed","timestamp":"1750030100","recipient_id":"16505551234",
              "errors":[{"code":131050,"title":"Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business",
                "message":"Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business",
                "error_data":{"details":"Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business"},
                "href":"https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]}]
            """
        )
        let status = try #require(value.statuses.first)
        #expect(value.contacts.isEmpty)
        #expect(status.status == "failed")
        #expect(status.recipientID == "16505551234")
        #expect(status.userID == nil)
        #expect(status.waID == nil)
        let error = try #require(status.errors.first)
        #expect(error.code == 131050)
        #expect(error.title?.hasPrefix("Unable to deliver") == true)
        #expect(error.details?.hasSuffix("from your business") == true)
        #expect(error.href == "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/")
        #expect(error.action == .suppressContact)
    }

    @Test("user_changed_number is a system message with the new phone and BSUID")
    func userChangedNumber() throws {
        let value = try messagesValue(
            """
            "messages":[{"from":"16505551234","from_user_id":"US.13491208655302741918","id":"wamid.sys1","timestamp":"1739321024",
              "type":"system","system":{"body":"User Sheena Nelson changed from 16505551234 to 12195555358","wa_id":"12195555358",
              "user_id":"US.99999999999999999999","parent_user_id":"US.ENT.22222222222222222222",
              "previous_user_id":"US.13491208655302741918","previous_parent_user_id":"US.ENT.11815799212886844830",
              "type":"user_changed_number"}}]
            """
        )
        #expect(value.contacts.isEmpty)
        let message = try #require(value.messages.first)
        #expect(message.type == "system")
        #expect(message.from == "16505551234")
        #expect(
            message.system
                == SystemChange(
                    type: "user_changed_number",
                    body: "User Sheena Nelson changed from 16505551234 to 12195555358",
                    waID: "12195555358",
                    userID: "US.99999999999999999999",
                    parentUserID: "US.ENT.22222222222222222222",
                    previousUserID: "US.13491208655302741918",
                    previousParentUserID: "US.ENT.11815799212886844830"
                )
        )
        #expect(message.system?.isNumberChange == true)
        #expect(message.replyText == nil)
    }

    @Test("user_changed_user_id is a system message with the previous and the new BSUID, and no phone")
    func userChangedUserID() throws {
        let value = try messagesValue(
            """
            "messages":[{"from_user_id":"US.13491208655302741918","id":"wamid.sys2","timestamp":"1739321025","type":"system",
              "system":{"body":"User Sheena Nelson changed their business-scoped user ID","user_id":"US.55555555555555555555",
              "previous_user_id":"US.13491208655302741918","type":"user_changed_user_id"}}]
            """
        )
        let system = try #require(value.messages.first?.system)
        #expect(system.type == "user_changed_user_id")
        #expect(system.isUserIDChange)
        #expect(!system.isNumberChange)
        #expect(system.waID == nil)
        #expect(system.previousUserID == "US.13491208655302741918")
        #expect(system.userID == "US.55555555555555555555")
    }

    @Test("the legacy customer_changed_number with new_wa_id and customer is read as a number change")
    func legacyNumberChange() throws {
        let value = try messagesValue(
            """
            "messages":[{"from":"16505551234","id":"wamid.sys3","timestamp":"1","type":"system",
              "system":{"body":"changed","new_wa_id":"12195555358","customer":"16505551234","type":"customer_changed_number"}}]
            """
        )
        let system = try #require(value.messages.first?.system)
        #expect(system.waID == "12195555358")
        #expect(system.customer == "16505551234")
        #expect(system.isNumberChange)
    }

    @Test("one POST with two entries and several statuses keeps them all, in order")
    func twoEntriesSeveralStatuses() throws {
        let body = """
            {"object":"whatsapp_business_account","entry":[
             {"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
               "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
               "contacts":[{"wa_id":"16505551234","user_id":"US.1"},{"user_id":"IN.2"}],
               "statuses":[{"id":"wamid.1","status":"delivered","timestamp":"10","recipient_id":"16505551234","recipient_user_id":"US.1"},
                           {"id":"wamid.2","status":"sent","timestamp":"11","recipient_id":"IN.2","recipient_user_id":"IN.2"}]}}]},
             {"id":"203390129340399","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
               "metadata":{"display_phone_number":"15550783882","phone_number_id":"206540352242923"},
               "statuses":[{"id":"wamid.3","status":"failed","timestamp":"12","recipient_id":"447700900123",
                            "errors":[{"code":131026,"title":"Message undeliverable"}]}]}}]}]}
            """
        let delivery = try WebhookDelivery.decode(Array(body.utf8))
        #expect(delivery.entries.map(\.id) == ["102290129340398", "203390129340399"])
        let statuses = delivery.changes.flatMap { change -> [StatusUpdate] in
            guard case .messages(let value) = change else { return [] }
            return value.statuses
        }
        #expect(statuses.map(\.wamid) == ["wamid.1", "wamid.2", "wamid.3"])
        #expect(statuses.map(\.userID) == ["US.1", "IN.2", nil])
        #expect(statuses.map(\.waID) == ["16505551234", nil, nil])
    }
}
