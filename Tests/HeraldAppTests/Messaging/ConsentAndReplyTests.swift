import Foundation
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing
import WhatsApp

@testable import HeraldApp

@Suite("Consent, replies and clicks")
struct ConsentAndReplyTests {
    func text(_ f: MessagingFixture, _ index: Int, _ body: String, id: String, context: Bool = true, at: Date = Date()) -> [UInt8] {
        f.inbound(
            InboundMessage(
                wamid: id, from: String(f.messages[index].phone.dropFirst()), timestamp: at, type: "text", text: body,
                contextID: context ? f.messages[index].wamid : nil
            )
        )
    }

    @Test("STOP, a local opt-out word, the stop button and Meta's preference opt out; START and resume opt back in", arguments: Engine.available)
    func consentFromEverySource(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 4)
            try await f.deliver(text(f, 0, " stop! ", id: "wamid.in1"))
            try await f.deliver(text(f, 1, "BAJA", id: "wamid.in2"))
            try await f.deliver(f.inbound(InboundMessage(
                wamid: "wamid.in3", from: String(f.messages[2].phone.dropFirst()), timestamp: Date(), type: "button",
                buttonPayload: "STOP_PROMO", buttonText: "Stop promotions", contextID: f.messages[2].wamid
            )))
            try await f.deliver(WebhookPayloads.userPreferences(
                wabaID: MessagingFixture.wabaID, phoneNumberID: MessagingFixture.phoneNumberID, displayPhoneNumber: "15550001234",
                preferences: [UserPreference(waID: String(f.messages[3].phone.dropFirst()), category: "marketing_messages", value: "stop", timestamp: Date())]
            ))
            try await f.process()
            #expect(try await f.consent(f.messages[0].contact) == ("opted_out", "whatsapp_keyword"))
            #expect(try await f.consent(f.messages[1].contact) == ("opted_out", "whatsapp_keyword"))
            #expect(try await f.consent(f.messages[2].contact) == ("opted_out", "whatsapp_stop_button"))
            #expect(try await f.consent(f.messages[3].contact) == ("opted_out", "meta_user_preferences"))

            // Meta's times are whole seconds: an opt-in counts only from a later second than the opt-out.
            let later = Date().addingTimeInterval(2)
            try await f.deliver(text(f, 0, "START", id: "wamid.in5", context: false, at: later))
            try await f.deliver(WebhookPayloads.userPreferences(
                wabaID: MessagingFixture.wabaID, phoneNumberID: MessagingFixture.phoneNumberID, displayPhoneNumber: "15550001234",
                preferences: [UserPreference(waID: String(f.messages[3].phone.dropFirst()), category: "marketing_messages", value: "resume", timestamp: later)]
            ))
            try await f.deliver(text(f, 1, "please stop sending me these", id: "wamid.in6"))
            try await f.process()
            #expect(try await f.consent(f.messages[0].contact).status == "opted_in")
            #expect(try await f.consent(f.messages[3].contact).status == "opted_in")
            #expect(try await f.consent(f.messages[1].contact).status == "opted_out", "a sentence is a reply, not a keyword")
        }
    }

    func preference(_ f: MessagingFixture, _ index: Int, _ value: String, at: Date) -> [UInt8] {
        WebhookPayloads.userPreferences(
            wabaID: MessagingFixture.wabaID, phoneNumberID: MessagingFixture.phoneNumberID, displayPhoneNumber: "15550001234",
            preferences: [
                UserPreference(waID: String(f.messages[index].phone.dropFirst()), category: "marketing_messages", value: value, timestamp: at)
            ]
        )
    }

    @Test("a consent change older than the stored one is ignored; within one second an opt-out wins", arguments: Engine.available)
    func consentFollowsEventTime(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 3)
            let t = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 60).rounded())
            func apply(_ body: [UInt8]) async throws {
                try await f.deliver(body)
                try await f.process()
            }
            try await apply(text(f, 0, "STOP", id: "wamid.c1", at: t + 20))
            try await apply(text(f, 0, "START", id: "wamid.c2", context: false, at: t + 10))
            #expect(try await f.consent(f.messages[0].contact).status == "opted_out", "a retried START older than the STOP")
            try await apply(preference(f, 0, "resume", at: t + 15))
            #expect(try await f.consent(f.messages[0].contact).status == "opted_out", "an older resume")
            try await apply(text(f, 0, "START", id: "wamid.c3", context: false, at: t + 30))
            #expect(try await f.consent(f.messages[0].contact) == ("opted_in", "whatsapp_keyword"), "a newer START")
            try await apply(text(f, 0, "STOP", id: "wamid.c4", context: false, at: t + 30))
            #expect(try await f.consent(f.messages[0].contact).status == "opted_out", "a STOP in the same second as the START")

            try await apply(text(f, 1, "STOP", id: "wamid.c5", at: Date().addingTimeInterval(-3600)))
            #expect(try await f.consent(f.messages[1].contact).status == "opted_in", "a STOP older than the opt-in recorded through the API")

            try await apply(preference(f, 2, "stop", at: t + 20))
            try await apply(text(f, 2, "START", id: "wamid.c6", context: false, at: t + 20))
            #expect(try await f.consent(f.messages[2].contact) == ("opted_out", "meta_user_preferences"), "a START in the same second as the stop")
            let stored = try await app.database.read { sql in
                try await sql.raw("SELECT consent_at FROM contacts WHERE id = \(bind: f.messages[2].contact)").first()!
                    .decode(column: "consent_at", as: Date.self)
            }
            #expect(stored == t + 20)
        }
    }

    @Test("a STOP beats an API consent timed by another clock within minutes; a consent time from the future is refused", arguments: Engine.available)
    func optOutBeatsClockSkew(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 1)
            let contact = f.messages[0].contact
            // The API recorded the opt-in on a clock two minutes ahead of Meta's.
            try await app.database.transaction { sql in
                try await sql.raw(
                    "UPDATE contacts SET consent_status = 'opted_in', consent_source = 'api', consent_at = \(bind: Date().addingTimeInterval(120)) WHERE id = \(bind: contact)"
                ).run()
            }
            try await f.deliver(text(f, 0, "STOP", id: "wamid.skew", at: Date()))
            try await f.process()
            #expect(try await f.consent(contact) == ("opted_out", "whatsapp_keyword"), "a STOP is not lost to clock skew")

            let future = ISO8601DateFormatter().string(from: Date().addingTimeInterval(86_400))
            let refused = try await app.request(
                .post, "/api/contacts", json: #"{"phone":"+4915112345699","consent":{"status":"opted_in","at":"\#(future)"}}"#
            )
            expectError(refused, .unprocessableContent, field: "consent.at")
        }
    }

    @Test("an opted-out contact is skipped at send time even though its message was queued", arguments: Engine.available)
    func checkedAtSendTime(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 1)
            try await f.deliver(text(f, 0, "UNSUBSCRIBE", id: "wamid.in1"))
            try await f.process()
            let m = f.messages[0]
            let recipient = Recipient(
                messageID: m.id, campaignID: f.campaign.id, contactID: m.contact, variationID: nil, address: ContactAddress(phone: m.phone, bsuid: nil), clickToken: "x", attempts: 1,
                consent: try await f.consent(m.contact).status, name: nil, email: nil, city: nil, country: nil, language: nil, attributes: [:]
            )
            let sender = AccountSender(account: f.account, services: app.services.messaging, owner: "test", logger: TestDatabase.logger)
            let cache = PreparedCampaigns(
                services: app.services.messaging, account: f.account,
                client: CloudAPIClient(httpClient: .shared, endpoint: f.account.endpoint, credentials: .init(phoneNumberID: "1", wabaID: "2", accessToken: "t"))
            )
            let outcome = await sender.outcome(for: recipient, client: cache.client, cache: cache)
            guard case .skipped(let reason) = outcome else {
                Issue.record("expected the message to be skipped, got \(outcome)")
                return
            }
            #expect(reason.contains("opted out"))
        }
    }

    @Test("replies link by context id, else to the latest campaign message within 72 hours, and each reply counts once", arguments: Engine.available)
    func replies(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app)
            let withContext = text(f, 0, "Is it on the blue one too?", id: "wamid.r1")
            try await f.deliver(withContext)
            try await f.deliver(withContext)
            try await f.deliver(text(f, 1, "Thanks", id: "wamid.r2", context: false))
            try await f.deliver(f.inbound(InboundMessage(
                wamid: "wamid.r3", from: String(f.messages[2].phone.dropFirst()), timestamp: Date(), type: "interactive",
                interactiveType: "button_reply", interactiveReplyID: "more", interactiveReplyTitle: "Tell me more", contextID: f.messages[2].wamid
            )))
            try await f.process()
            #expect(try await f.stats().replied == 3)
            #expect(try await f.eventCount("replied") == 3)
        }
    }

    @Test("a click records an event and redirects with UTM parameters; an unknown token is a 404 page", arguments: Engine.available)
    func clicks(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app)
            let token = try await app.database.read { sql in
                try await sql.raw("SELECT click_token FROM messages WHERE id = \(bind: f.messages[0].id)").first()!.decode(column: "click_token", as: String.self)
            }
            let first = try await app.request(.get, "/r/\(token)", key: "")
            #expect(first.status == .found)
            let location = first.headers[.location] ?? ""
            #expect(location.hasPrefix("https://shop.example/spring?ref=wa&utm_source=whatsapp&utm_medium=herald&utm_campaign=spring"), "\(location)")
            #expect(try await app.request(.get, "/r/\(token)", key: "").status == .found)
            let stats = try await f.stats()
            #expect(stats.clicked == 1)
            #expect(stats.clicks == 2)
            #expect(try await f.eventCount("clicked") == 2)
            let missing = try await app.request(.get, "/r/nope", key: "")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType]?.hasPrefix("text/html") == true)
        }
    }
}
