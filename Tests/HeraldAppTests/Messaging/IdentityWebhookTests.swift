import Foundation
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing
import WhatsApp

@testable import HeraldApp

/// Webhooks that name users by business-scoped user id (BSUID), phone or both, shaped as Meta's reference pages show.
@Suite("Identity from webhooks")
struct IdentityWebhookTests {
    static let waba = MessagingFixture.wabaID
    static let phoneNumberID = MessagingFixture.phoneNumberID

    /// A `messages` change with the given `contacts` and `messages` arrays (JSON text), as Meta posts it.
    static func body(contacts: String?, messages: String? = nil, statuses: String? = nil) -> [UInt8] {
        var value = #""messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001234","phone_number_id":"\#(phoneNumberID)"}"#
        if let contacts { value += #","contacts":\#(contacts)"# }
        if let messages { value += #","messages":\#(messages)"# }
        if let statuses { value += #","statuses":\#(statuses)"# }
        return Array(#"{"object":"whatsapp_business_account","entry":[{"id":"\#(waba)","changes":[{"value":{\#(value)},"field":"messages"}]}]}"#.utf8)
    }

    static func text(id: String, from phone: String?, userID: String?, username: String? = nil, name: String = "Ana", body: String, at: Date) -> [UInt8] {
        let profile = username.map { #"{"name":"\#(name)","username":"\#($0)"}"# } ?? #"{"name":"\#(name)"}"#
        var contact = #""profile":\#(profile)"#
        if let phone { contact += #","wa_id":"\#(phone)""# }
        if let userID { contact += #","user_id":"\#(userID)""# }
        var message = #""id":"\#(id)","timestamp":"\#(Int(at.timeIntervalSince1970))","type":"text","text":{"body":"\#(body)"}"#
        if let phone { message += #","from":"\#(phone)""# }
        if let userID { message += #","from_user_id":"\#(userID)""# }
        return Self.body(contacts: "[{\(contact)}]", messages: "[{\(message)}]")
    }

    static func system(id: String, from phone: String?, type: String, newPhone: String?, userID: String, previousUserID: String?, at: Date) -> [UInt8] {
        var system = #""body":"User changed","type":"\#(type)","user_id":"\#(userID)""#
        if let newPhone { system += #","wa_id":"\#(newPhone)""# }
        if let previousUserID { system += #","previous_user_id":"\#(previousUserID)""# }
        var message = #""id":"\#(id)","timestamp":"\#(Int(at.timeIntervalSince1970))","type":"system","system":{\#(system)}"#
        if let phone { message += #","from":"\#(phone)""# }
        return Self.body(contacts: nil, messages: "[{\(message)}]")
    }

    struct Row: Equatable {
        var phone: String?
        var bsuid: String?
        var username: String?
        var consent: String
    }

    func contact(_ f: MessagingFixture, _ id: UUID) async throws -> Row {
        try await f.app.database.read { sql in
            let row = try await sql.raw("SELECT phone, bsuid, username, consent_status FROM contacts WHERE id = \(bind: id)").first()!
            return Row(
                phone: try row.decode(column: "phone", as: String?.self), bsuid: try row.decode(column: "bsuid", as: String?.self),
                username: try row.decode(column: "username", as: String?.self), consent: try row.decode(column: "consent_status", as: String.self)
            )
        }
    }

    func contactIDs(_ f: MessagingFixture, bsuid: String) async throws -> [UUID] {
        try await f.app.database.read { sql in
            try await sql.raw("SELECT id FROM contacts WHERE workspace_id = \(bind: f.app.workspace.id) AND bsuid = \(bind: bsuid)").all()
                .map { try $0.decode(column: "id", as: UUID.self) }
        }
    }

    func contactCount(_ f: MessagingFixture) async throws -> Int {
        try await f.app.database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM contacts WHERE workspace_id = \(bind: f.app.workspace.id)").first()!.decode(column: "n", as: Int.self)
        }
    }

    func apply(_ f: MessagingFixture, _ body: [UInt8]) async throws {
        let response = try await f.deliver(body)
        #expect(response.status == .ok, "\(response.text)")
        try await f.process()
    }

    @Test("a username user with no phone writes, then sends STOP: one contact, opted out, and a later campaign skips it", arguments: Engine.available)
    func usernameUserStops(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 2)
            let bsuid = "BR.4490112233445566778"
            let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            try await apply(f, Self.text(id: "wamid.u1", from: nil, userID: bsuid, username: "@Ana.Beatriz", body: "Oi! Do you ship to Recife?", at: start))
            let ids = try await contactIDs(f, bsuid: bsuid)
            try #require(ids.count == 1, "the stranger becomes a contact")
            #expect(try await contact(f, ids[0]) == Row(phone: nil, bsuid: bsuid, username: "ana.beatriz", consent: "unknown"))

            // The marketer opts her in (she asked for offers), then she changes her mind.
            let optIn = try await app.request(.patch, "/api/contacts/\(ids[0].uuidString.lowercased())", json: #"{"consent":"opted_in"}"#)
            #expect(optIn.status == .ok, "\(optIn.text)")
            try await apply(f, Self.text(id: "wamid.u2", from: nil, userID: bsuid, username: "ana.beatriz", body: "STOP", at: start.addingTimeInterval(30)))
            #expect(try await contactIDs(f, bsuid: bsuid) == ids, "still one contact")
            #expect(try await contact(f, ids[0]).consent == "opted_out")
            #expect(try await f.consent(ids[0]).source == "whatsapp_keyword")
            #expect(try await contactCount(f) == 3)

            let now = Date()
            let later = Campaign(
                id: .timeOrdered(), workspaceID: app.workspace.id, name: "Later", status: .sending, accountID: f.account.id,
                templateID: f.template.id, templateName: f.template.name, templateLanguage: f.template.language,
                variables: ["1": VariableSource(field: "first_name", fallback: "there"), "2": VariableSource(text: "10%")],
                ctaURL: "https://shop.example/later", audience: .everyone, createdAt: now, updatedAt: now
            )
            try await app.services.messaging.campaigns.insert(later)
            let size = try await AudienceFreeze(database: app.database, segments: app.services.messaging.segments).freeze(later, category: "MARKETING")
            #expect(size == 2, "the two opted-in phone contacts, not the opted-out username user")
            let queued = try await app.database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM messages WHERE campaign_id = \(bind: later.id) AND contact_id = \(bind: ids[0])").first()!
                    .decode(column: "n", as: Int.self)
            }
            #expect(queued == 0)
        }
    }

    @Test("a message with phone and BSUID teaches the phone's contact its BSUID and username; then the BSUID alone finds it", arguments: Engine.available)
    func learnsThePair(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 2)
            let phone = String(f.messages[0].phone.dropFirst())
            let bsuid = "DE.1029384756102938475"
            let at = Date()
            try await apply(f, Self.text(id: "wamid.p1", from: phone, userID: bsuid, username: "jonas", body: "Danke", at: at))
            #expect(try await contact(f, f.messages[0].contact) == Row(phone: f.messages[0].phone, bsuid: bsuid, username: "jonas", consent: "opted_in"))
            // Later the number is withheld: the BSUID finds the contact, and STOP applies to it.
            try await apply(f, Self.text(id: "wamid.p2", from: nil, userID: bsuid, username: "jonas", body: "stop", at: at.addingTimeInterval(5)))
            #expect(try await contact(f, f.messages[0].contact).consent == "opted_out")
            #expect(try await contactCount(f) == 2, "no contact was created")
            // A status with Meta's contacts block teaches the second contact its BSUID and username.
            let other = String(f.messages[1].phone.dropFirst())
            let status = #"""
                [{"id":"\#(f.messages[1].wamid)","status":"delivered","timestamp":"\#(Int(at.timeIntervalSince1970))","recipient_id":"\#(other)",
                  "recipient_user_id":"DE.5647382910564738291",
                  "pricing":{"billable":true,"pricing_model":"PMP","type":"regular","category":"marketing"}}]
                """#
            let contacts = #"[{"profile":{"name":"Mia","username":"mia.k"},"wa_id":"\#(other)","user_id":"DE.5647382910564738291"}]"#
            try await apply(f, Self.body(contacts: contacts, statuses: status))
            #expect(try await contact(f, f.messages[1].contact) == Row(phone: f.messages[1].phone, bsuid: "DE.5647382910564738291", username: "mia.k", consent: "opted_in"))
            #expect(try await f.messageStatus(1) == "delivered")
        }
    }

    @Test("BSUID on one contact and the phone on another: the message goes to the BSUID's contact, STOP opts out both, an alert names them", arguments: Engine.available)
    func duplicateContacts(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 2)
            let bsuid = "DE.1111222233334444555"
            let at = Date()
            // Contact 0 is known by BSUID only to that user; contact 1's phone turns out to be the same person's.
            try await apply(f, Self.text(id: "wamid.d1", from: String(f.messages[0].phone.dropFirst()), userID: bsuid, body: "hi", at: at))
            try await app.database.transaction { sql in
                try await sql.raw("UPDATE contacts SET phone = NULL WHERE id = \(bind: f.messages[0].contact)").run()
            }
            try await apply(f, Self.text(id: "wamid.d2", from: String(f.messages[1].phone.dropFirst()), userID: bsuid, body: "STOP", at: at.addingTimeInterval(5)))
            #expect(try await contact(f, f.messages[0].contact).consent == "opted_out")
            #expect(try await contact(f, f.messages[1].contact).consent == "opted_out")
            #expect(try await contact(f, f.messages[0].contact).phone == nil, "a phone another contact holds is not copied")
            let alerts = try await app.database.read { sql in
                try await sql.raw("SELECT message FROM alerts WHERE workspace_id = \(bind: app.workspace.id) AND kind = 'contact_duplicate'").all()
                    .map { try $0.decode(column: "message", as: String.self) }
            }
            #expect(alerts.count == 1)
            #expect(alerts.first?.contains(f.messages[1].contact.uuidString.lowercased()) == true)
        }
    }

    @Test("a number change applies once, redelivered or not; a late message from the old number finds the same contact; a chain out of order ends at the newest", arguments: Engine.available)
    func numberChanges(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 2)
            let old = String(f.messages[0].phone.dropFirst())
            let t = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            try await apply(f, Self.text(id: "wamid.n0", from: old, userID: "DE.1000000000000000001", body: "hi", at: t))
            let change = Self.system(
                id: "wamid.n1", from: old, type: "user_changed_number", newPhone: "4915199990001", userID: "DE.2000000000000000002",
                previousUserID: "DE.1000000000000000001", at: t.addingTimeInterval(60)
            )
            try await apply(f, change)
            try await apply(f, change)
            #expect(try await contact(f, f.messages[0].contact) == Row(phone: "+4915199990001", bsuid: "DE.2000000000000000002", username: nil, consent: "opted_in"))
            let recorded = try await app.database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM contact_identity_changes WHERE applied_at IS NOT NULL").first()!.decode(column: "n", as: Int.self)
            }
            #expect(recorded == 1, "a redelivery is recorded once")
            // A STOP sent from the old number before the change, delivered late, is the same person's.
            try await apply(f, Self.text(id: "wamid.n2", from: old, userID: nil, body: "STOP", at: t.addingTimeInterval(30)))
            #expect(try await contactCount(f) == 2)
            #expect(try await contact(f, f.messages[0].contact).consent == "opted_out")
            // The BSUID changes again.
            try await apply(f, Self.system(
                id: "wamid.n3", from: nil, type: "user_changed_user_id", newPhone: nil, userID: "DE.3000000000000000003",
                previousUserID: "DE.2000000000000000002", at: t.addingTimeInterval(120)
            ))
            #expect(try await contact(f, f.messages[0].contact).bsuid == "DE.3000000000000000003")

            // Contact 1 changes number twice; the second change arrives first and waits for the first.
            let a = String(f.messages[1].phone.dropFirst())
            try await apply(f, Self.system(
                id: "wamid.m2", from: "4915177770002", type: "user_changed_number", newPhone: "4915177770003", userID: "DE.5000000000000000005",
                previousUserID: "DE.4000000000000000004", at: t.addingTimeInterval(200)
            ))
            #expect(try await contact(f, f.messages[1].contact).phone == f.messages[1].phone)
            try await apply(f, Self.system(
                id: "wamid.m1", from: a, type: "user_changed_number", newPhone: "4915177770002", userID: "DE.4000000000000000004",
                previousUserID: nil, at: t.addingTimeInterval(100)
            ))
            #expect(try await contact(f, f.messages[1].contact).phone == "+4915177770003")
            #expect(try await contact(f, f.messages[1].contact).bsuid == "DE.5000000000000000005")
            #expect(try await contactCount(f) == 2)
        }
    }

    @Test("user_id_update moves a contact to its new BSUID; Meta's STOP preference from a stranger creates an opted-out contact", arguments: Engine.available)
    func userIDUpdateAndStrangerPreference(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 1)
            let at = Date()
            try await apply(f, Self.text(id: "wamid.q1", from: String(f.messages[0].phone.dropFirst()), userID: "DE.7000000000000000007", body: "hey", at: at))
            try await apply(f, WebhookPayloads.delivery(
                wabaID: Self.waba,
                change: .userIDUpdates([UserIDChange(previousUserID: "DE.7000000000000000007", userID: "DE.8000000000000000008", timestamp: at.addingTimeInterval(10), phoneNumberID: Self.phoneNumberID)])
            ))
            #expect(try await contact(f, f.messages[0].contact).bsuid == "DE.8000000000000000008")

            try await apply(f, WebhookPayloads.userPreferences(
                wabaID: Self.waba, phoneNumberID: Self.phoneNumberID, displayPhoneNumber: "15550001234",
                preferences: [UserPreference(userID: "FR.9000000000000000009", category: "marketing_messages", value: "stop", timestamp: at)]
            ))
            let ids = try await contactIDs(f, bsuid: "FR.9000000000000000009")
            try #require(ids.count == 1)
            #expect(try await contact(f, ids[0]) == Row(phone: nil, bsuid: "FR.9000000000000000009", username: nil, consent: "opted_out"))
            // A stranger's START is not consent.
            try await apply(f, Self.text(id: "wamid.q2", from: "33612345678", userID: "FR.9100000000000000009", body: "START", at: at))
            let started = try await contactIDs(f, bsuid: "FR.9100000000000000009")
            try #require(started.count == 1)
            #expect(try await contact(f, started[0]) == Row(phone: "+33612345678", bsuid: "FR.9100000000000000009", username: nil, consent: "unknown"))
        }
    }

    @Test("a stranger's START redelivered does not opt them in; a former BSUID outranks a phone now held by someone else", arguments: Engine.available)
    func redeliveryAndFormerBSUID(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 2)
            let t = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            let start = Self.text(id: "wamid.r1", from: "33611112222", userID: "FR.1100000000000000011", body: "START", at: t)
            try await apply(f, start)
            try await apply(f, start)
            let stranger = try await contactIDs(f, bsuid: "FR.1100000000000000011")
            try #require(stranger.count == 1)
            #expect(try await contact(f, stranger[0]).consent == "unknown", "a redelivered START is the same first message")

            // Contact 0 (BSUID B1) changes number; its old number is then imported for someone else (contact 1 gets it).
            let old = String(f.messages[0].phone.dropFirst())
            try await apply(f, Self.text(id: "wamid.r2", from: old, userID: "DE.1200000000000000012", body: "hi", at: t))
            try await apply(f, Self.system(
                id: "wamid.r3", from: old, type: "user_changed_number", newPhone: "4915100000013", userID: "DE.1300000000000000013",
                previousUserID: "DE.1200000000000000012", at: t.addingTimeInterval(10)
            ))
            try await app.database.transaction { sql in
                try await sql.raw("UPDATE contacts SET phone = \(bind: f.messages[0].phone) WHERE id = \(bind: f.messages[1].contact)").run()
            }
            // A late STOP from before the change carries the old BSUID and the old number.
            try await apply(f, Self.text(id: "wamid.r4", from: old, userID: "DE.1200000000000000012", body: "STOP", at: t.addingTimeInterval(5)))
            #expect(try await contact(f, f.messages[0].contact).consent == "opted_out", "the user who said STOP")
            #expect(try await contact(f, f.messages[1].contact).bsuid == nil, "the number's new owner does not get the old BSUID")
        }
    }

    @Test("a number change for a BSUID already known brings the new phone; a pending change by phone does not take over a later contact; each duplicate pair gets its alert", arguments: Engine.available)
    func changesAndAlerts(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 2)
            let t = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            // A username user writes with the new BSUID and no phone, then the number change arrives.
            try await apply(f, Self.text(id: "wamid.s1", from: nil, userID: "GB.1400000000000000014", username: "zed", body: "hello", at: t))
            try await apply(f, Self.system(
                id: "wamid.s2", from: "447700900111", type: "user_changed_number", newPhone: "447700900222", userID: "GB.1400000000000000014",
                previousUserID: "GB.1500000000000000015", at: t.addingTimeInterval(-10)
            ))
            let zed = try await contactIDs(f, bsuid: "GB.1400000000000000014")
            try #require(zed.count == 1)
            #expect(try await contact(f, zed[0]).phone == "+447700900222")

            // A change about a number nobody has yet waits; someone who gets that number later is not moved by it.
            try await apply(f, Self.system(
                id: "wamid.s3", from: "447700900333", type: "user_changed_number", newPhone: "447700900444", userID: "GB.1600000000000000016",
                previousUserID: "GB.1700000000000000017", at: t.addingTimeInterval(-3600)
            ))
            try await apply(f, Self.text(id: "wamid.s4", from: "447700900333", userID: "GB.1800000000000000018", body: "new here", at: t))
            let newcomer = try await contactIDs(f, bsuid: "GB.1800000000000000018")
            try #require(newcomer.count == 1)
            #expect(try await contact(f, newcomer[0]).phone == "+447700900333")

            // Two different duplicate pairs: two alerts.
            for (index, bsuid) in [(0, "DE.1900000000000000019"), (1, "DE.2100000000000000021")] {
                let other = try await app.request(.post, "/api/contacts", json: #"{"bsuid":"\#(bsuid)","name":"Twin \#(index)"}"#)
                #expect(other.status == .created, "\(other.text)")
                try await apply(f, Self.text(id: "wamid.t\(index)", from: String(f.messages[index].phone.dropFirst()), userID: bsuid, body: "hi", at: t))
            }
            let alerts = try await app.database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM alerts WHERE workspace_id = \(bind: app.workspace.id) AND kind = 'contact_duplicate'").first()!
                    .decode(column: "n", as: Int.self)
            }
            #expect(alerts == 2)
        }
    }
}
