import Testing

@testable import WhatsApp

/// `user_id_update`: Meta has not published its shape, so the parser accepts the likely ones.
@Suite("user_id_update webhooks")
struct WebhookUserIDUpdateTests {
    func onlyChange(_ value: String) throws -> WebhookChange {
        let body = """
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"user_id_update","value":\(value)}]}]}
            """
        let delivery = try WebhookDelivery.decode(Array(body.utf8))
        #expect(delivery.changes.count == 1)
        return try #require(delivery.changes.first)
    }

    @Test("a list of changes with metadata, previous and new BSUID, parent and phone")
    func listWithMetadata() throws {
        let change = try onlyChange(
            """
            {"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
             "user_id_update":[{"wa_id":"16505551234","previous_user_id":"US.13491208655302741918","user_id":"US.55555555555555555555",
               "parent_user_id":"US.ENT.11815799212886844830","timestamp":"1739321024"}]}
            """
        )
        #expect(change.field == "user_id_update")
        #expect(
            change
                == .userIDUpdates([
                    UserIDChange(
                        waID: "16505551234",
                        previousUserID: "US.13491208655302741918",
                        userID: "US.55555555555555555555",
                        parentUserID: "US.ENT.11815799212886844830",
                        timestamp: .unix(1_739_321_024),
                        phoneNumberID: "106540352242922"
                    )
                ])
        )
    }

    @Test("old_user_id and new_user_id, a single object and a numeric timestamp are accepted")
    func singleObjectOtherNames() throws {
        let change = try onlyChange(#"{"user_id_update":{"old_user_id":"US.1","new_user_id":"US.2","timestamp":1739321024}}"#)
        #expect(change == .userIDUpdates([UserIDChange(previousUserID: "US.1", userID: "US.2", timestamp: .unix(1_739_321_024))]))
    }

    @Test("a flat value is one change")
    func flatValue() throws {
        let change = try onlyChange(#"{"previous_user_id":"IN.1","user_id":"IN.2","timestamp":"5"}"#)
        #expect(change == .userIDUpdates([UserIDChange(previousUserID: "IN.1", userID: "IN.2", timestamp: .unix(5))]))
    }

    @Test("items without both BSUIDs are skipped, the others kept")
    func incompleteItemsSkipped() throws {
        let change = try onlyChange(
            """
            {"user_id_update":[{"user_id":"US.2"},{"previous_user_id":"US.1"},"nonsense",{"previous_user_id":"US.3","user_id":"US.4"}]}
            """
        )
        #expect(change == .userIDUpdates([UserIDChange(previousUserID: "US.3", userID: "US.4", timestamp: .unix(0))]))
    }

    @Test("an unreadable value gives no changes rather than failing the delivery")
    func unreadable() throws {
        #expect(try onlyChange(#"{"user_id_update":"what"}"#) == .userIDUpdates([]))
    }

    @Test("a built user_id_update delivery decodes back to the same changes")
    func roundTrip() throws {
        let changes = [
            UserIDChange(
                waID: "16505551234", previousUserID: "US.1", userID: "US.2", parentUserID: "US.ENT.3", timestamp: .unix(9), phoneNumberID: "p"
            )
        ]
        let body = WebhookPayloads.delivery(wabaID: "w", change: .userIDUpdates(changes))
        #expect(try WebhookDelivery.decode(body).changes == [.userIDUpdates(changes)])
    }
}
