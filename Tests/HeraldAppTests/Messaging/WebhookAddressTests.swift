import Foundation
import Testing
import WhatsApp

@testable import HeraldApp

@Suite("Webhook addresses")
struct WebhookAddressTests {
    @Test("a user_id_update goes to the number in its metadata, else to the entry's business account, like user_preferences")
    func userIDUpdateRoutesLikePreferences() {
        let change = UserIDChange(previousUserID: "US.1", userID: "US.2", timestamp: Date(), phoneNumberID: "106540352242922")
        #expect(WebhookAddress(.userIDUpdates([change]), entryID: "102290129340398") == .phoneNumber("106540352242922"))
        let bare = UserIDChange(previousUserID: "US.1", userID: "US.2", timestamp: Date())
        #expect(WebhookAddress(.userIDUpdates([bare]), entryID: "102290129340398") == .businessAccount("102290129340398"))
        #expect(WebhookAddress(.unknown(field: "account_update"), entryID: "102290129340398") == nil)
    }
}
