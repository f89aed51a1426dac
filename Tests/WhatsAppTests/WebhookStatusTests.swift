import Testing

@testable import WhatsApp

@Suite("Status webhooks")
struct WebhookStatusTests {
    /// A `messages` delivery carrying the given status items.
    func delivery(statuses: String) -> [UInt8] {
        Array(
            """
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages",
             "value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
             "statuses":[\(statuses)]}}]}]}
            """.utf8
        )
    }

    func decodeStatuses(_ items: String) throws -> [StatusUpdate] {
        let delivery = try WebhookDelivery.decode(delivery(statuses: items))
        guard case .messages(let value) = try #require(delivery.changes.first) else {
            Issue.record("expected a messages change")
            return []
        }
        #expect(value.phoneNumberID == "106540352242922")
        #expect(value.displayPhoneNumber == "15550783881")
        return value.statuses
    }

    @Test("sent with pricing and callback data")
    func sentWithPricing() throws {
        let statuses = try decodeStatuses(
            """
            {"id":"wamid.A","status":"sent","timestamp":"1750030073","recipient_id":"919812345678",
             "biz_opaque_callback_data":"c=42;v=7",
             "pricing":{"billable":true,"pricing_model":"PMP","type":"regular","category":"marketing"}}
            """
        )
        #expect(
            statuses == [
                StatusUpdate(
                    wamid: "wamid.A",
                    status: "sent",
                    timestamp: .unix(1_750_030_073),
                    recipientID: "919812345678",
                    callbackData: "c=42;v=7",
                    pricing: Pricing(billable: true, pricingModel: "PMP", type: "regular", category: "marketing")
                )
            ]
        )
        #expect(statuses[0].pricing?.isCharged == true)
    }

    @Test("delivered, with a numeric timestamp and a conversation")
    func delivered() throws {
        let statuses = try decodeStatuses(
            """
            {"id":"wamid.A","status":"delivered","timestamp":1750030080,"recipient_id":"919812345678",
             "conversation":{"id":"conv-1","origin":{"type":"marketing"}},
             "pricing":{"billable":false,"pricing_model":"PMP","type":"free_customer_service","category":"service"}}
            """
        )
        #expect(statuses.first?.status == "delivered")
        #expect(statuses.first?.timestamp == .unix(1_750_030_080))
        #expect(statuses.first?.conversationID == "conv-1")
        #expect(statuses.first?.pricing?.isCharged == false)
    }

    @Test("read without a delivered before it is kept as read")
    func readWithoutDelivered() throws {
        let statuses = try decodeStatuses(
            #"{"id":"wamid.B","status":"read","timestamp":"1750030099","recipient_id":"919812345678"}"#
        )
        #expect(statuses.map(\.status) == ["read"])
        #expect(statuses.first?.pricing == nil)
    }

    @Test("failed carries its errors with code, title, message and details")
    func failed() throws {
        let statuses = try decodeStatuses(
            """
            {"id":"wamid.C","status":"failed","timestamp":"1750030100","recipient_id":"919812345678",
             "errors":[{"code":131049,"title":"This message was not delivered to maintain healthy ecosystem engagement.",
                        "message":"This message was not delivered to maintain healthy ecosystem engagement.",
                        "error_data":{"details":"In order to maintain a healthy ecosystem engagement, the message failed to be delivered."},
                        "href":"https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]}
            """
        )
        let error = try #require(statuses.first?.errors.first)
        #expect(error.code == 131049)
        #expect(error.title?.hasPrefix("This message was not delivered") == true)
        #expect(error.details?.hasPrefix("In order to maintain") == true)
        #expect(error.action == .retryAfter(seconds: 86_400))
    }

    @Test("played (a voice message) is kept raw")
    func played() throws {
        let statuses = try decodeStatuses(#"{"id":"wamid.D","status":"played","timestamp":"1750030200","recipient_id":"919812345678"}"#)
        #expect(statuses.first?.status == "played")
    }

    @Test("a status for a username user has recipient_user_id instead of a phone number")
    func usernameRecipient() throws {
        let statuses = try decodeStatuses(
            #"{"id":"wamid.E","status":"delivered","timestamp":"1750030300","recipient_user_id":"IN.1410018717833190"}"#
        )
        #expect(statuses.first?.recipientID == nil)
        #expect(statuses.first?.userID == "IN.1410018717833190")
    }

    @Test("a status item without an id is skipped, the others are kept")
    func malformedItemSkipped() throws {
        let statuses = try decodeStatuses(
            """
            {"status":"sent","timestamp":"1"},
            {"id":"wamid.F","status":"sent","timestamp":"1750030400","recipient_id":"1"}
            """
        )
        #expect(statuses.map(\.wamid) == ["wamid.F"])
    }

    @Test("1,000 statuses in one delivery are all decoded, in order")
    func thousandStatuses() throws {
        let items = (0..<1_000).map {
            StatusUpdate(
                wamid: "wamid.\($0)",
                status: $0 % 2 == 0 ? "delivered" : "read",
                timestamp: .unix(1_750_000_000 + $0),
                recipientID: "9198\($0)"
            )
        }
        let body = WebhookPayloads.statuses(
            wabaID: "102290129340398",
            phoneNumberID: "106540352242922",
            displayPhoneNumber: "15550783881",
            statuses: items
        )
        let delivery = try WebhookDelivery.decode(body)
        guard case .messages(let value) = try #require(delivery.changes.first) else {
            Issue.record("expected a messages change")
            return
        }
        #expect(value.statuses.count == 1_000)
        #expect(value.statuses == items)
    }
}
