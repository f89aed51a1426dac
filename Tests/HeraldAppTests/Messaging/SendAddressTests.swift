import Foundation
import SQLKit
import Testing

@testable import HeraldApp

@Suite("The address a message is sent to")
struct SendAddressTests {
    @Test("the sender reads the contact's address when it claims a message: a phone learned or lost since the freeze is used", arguments: Engine.available)
    func addressAtClaimTime(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 2)
            // Both messages are queued again; contact 0 has since lost its phone and is known by BSUID only,
            // contact 1 changed number.
            try await app.database.transaction { sql in
                try await sql.raw(
                    "UPDATE messages SET status = 'queued', wamid = NULL, accepted_at = NULL, next_attempt_at = \(bind: Date().addingTimeInterval(-1)) WHERE campaign_id = \(bind: f.campaign.id)"
                ).run()
                try await sql.raw("UPDATE contacts SET phone = NULL, bsuid = 'DE.1234512345123451234' WHERE id = \(bind: f.messages[0].contact)").run()
                try await sql.raw("UPDATE contacts SET phone = '+4915199998888' WHERE id = \(bind: f.messages[1].contact)").run()
            }
            let claim = try await SendClaim.claim(accountID: f.account.id, owner: "test", maxBatch: 10, inDoubtSeconds: 30, database: app.database)
            guard case .batch(let recipients) = claim else {
                Issue.record("expected a batch, got \(claim)")
                return
            }
            let byContact = Dictionary(uniqueKeysWithValues: recipients.map { ($0.contactID, $0.address) })
            #expect(byContact[f.messages[0].contact] == ContactAddress(phone: nil, bsuid: "DE.1234512345123451234"))
            #expect(byContact[f.messages[0].contact]?.message == .businessScopedUserID("DE.1234512345123451234"))
            #expect(byContact[f.messages[1].contact] == ContactAddress(phone: "+4915199998888", bsuid: nil))
            let stored = try await app.database.read { sql in
                try await sql.raw("SELECT contact_id, phone, bsuid FROM messages WHERE campaign_id = \(bind: f.campaign.id)").all().map {
                    (try $0.decode(column: "contact_id", as: UUID.self), try $0.decode(column: "phone", as: String?.self), try $0.decode(column: "bsuid", as: String?.self))
                }
            }
            for (contact, phone, bsuid) in stored {
                if contact == f.messages[0].contact {
                    #expect(phone == nil && bsuid == "DE.1234512345123451234", "the message records the BSUID it went to")
                } else {
                    #expect(phone == "+4915199998888" && bsuid == nil)
                }
            }
        }
    }

    @Test("the +1 rule and pricing follow the BSUID's country when there is no phone")
    func nanpByCountry() {
        #expect(ContactAddress(phone: nil, bsuid: "US.1").isNANP)
        #expect(ContactAddress(phone: nil, bsuid: "CA.1").isNANP)
        #expect(!ContactAddress(phone: nil, bsuid: "GB.1").isNANP)
        #expect(ContactAddress(phone: "+12025550123", bsuid: "GB.1").isNANP, "the phone decides when there is one")
        #expect(ContactAddress(phone: nil, bsuid: "DE.1").pricingPrefix == "+49")
        #expect(ContactAddress(phone: "+447700900123", bsuid: "DE.1").message == .phone("447700900123"))
    }
}
