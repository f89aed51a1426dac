import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing
import WhatsApp

@testable import HeraldApp

@Suite("WhatsApp webhooks")
struct WebhookTests {
    @Test("GET verification echoes the challenge for a known verify token and refuses others", arguments: Engine.available)
    func verification(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            _ = try await MessagingFixture.make(app, contacts: 0)
            let ok = try await app.request(.get, "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=\(MessagingFixture.verifyToken)&hub.challenge=1158201444", key: "")
            #expect(ok.status == .ok)
            #expect(ok.text == "1158201444")
            expectError(try await app.request(.get, "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1", key: ""), .forbidden)
            expectError(try await app.request(.get, "/webhooks/whatsapp", key: ""), .badRequest)
        }
    }

    @Test("a missing, malformed or wrong signature gets 401 and nothing is stored", arguments: Engine.available)
    func signatureRejection(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app)
            let body = f.statuses([f.status(0, "delivered")])
            expectError(try await f.deliver(body, signature: .some(nil)), .unauthorized, code: "missing_signature")
            expectError(try await f.deliver(body, signature: "sha256=deadbeef"), .unauthorized, code: "bad_signature")
            expectError(try await f.deliver(body, signature: "md5=abc"), .unauthorized)
            expectError(try await f.deliver(body, signature: WebhookSignature.sign(body: body, appSecret: "other-secret")), .unauthorized)
            var tampered = body
            tampered[tampered.count / 2] ^= 1
            expectError(try await f.deliver(tampered, signature: WebhookSignature.sign(body: body, appSecret: MessagingFixture.appSecret)), .unauthorized)
            let stored = try await app.database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM webhook_deliveries").first()!.decode(column: "n", as: Int.self)
            }
            #expect(stored == 0)
            #expect(try await f.deliver(body).status == .ok)
            try await f.process()
            #expect(try await f.stats().delivered == 1)
        }
    }

    @Test("a delivery repeated five times counts once", arguments: Engine.available)
    func idempotent(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app)
            let body = f.statuses([f.status(0, "sent"), f.status(0, "delivered", at: 1), f.status(1, "sent"), f.status(0, "read", at: 2)])
            for _ in 0..<5 { #expect(try await f.deliver(body).status == .ok) }
            try await f.process()
            let stats = try await f.stats()
            #expect(stats.sent == 2)
            #expect(stats.delivered == 1)
            #expect(stats.read == 1)
            #expect(try await f.eventCount("sent") == 2)
            #expect(try await f.eventCount("delivered") == 1)
            #expect(try await f.eventCount("read") == 1)
            #expect(stats.costMicros == 136_500, "one delivered German marketing message at the built-in rate, got \(stats.costMicros)")
        }
    }

    @Test("a read before its delivered counts as delivered, and a late delivered never lowers read", arguments: Engine.available)
    func ordering(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app)
            try await f.deliver(f.statuses([f.status(0, "read", at: 5)]))
            try await f.deliver(f.statuses([f.status(0, "delivered", at: 3)]))
            try await f.deliver(f.statuses([f.status(0, "sent", at: 1)]))
            try await f.process()
            #expect(try await f.messageStatus(0) == "read")
            let stats = try await f.stats()
            #expect(stats.sent == 1 && stats.delivered == 1 && stats.read == 1)
            #expect(try await f.eventCount("delivered") == 1)
        }
    }

    @Test("a status for an unknown message is kept and applied when the send is recorded", arguments: Engine.available)
    func unmatched(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app)
            let early = StatusUpdate(wamid: "wamid.EARLY", status: "delivered", timestamp: Date(), recipientID: "4915112345602")
            try await f.deliver(f.statuses([early]))
            try await f.process()
            let kept = try await app.database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM unmatched_statuses WHERE wamid = 'wamid.EARLY'").first()!.decode(column: "n", as: Int.self)
            }
            #expect(kept == 1)
            // Message 2 is being sent; its response carries wamid.EARLY.
            let m = f.messages[2]
            try await app.database.transaction { sql in
                try await sql.raw("UPDATE messages SET status = 'sending', wamid = NULL, accepted_at = NULL WHERE id = \(bind: m.id)").run()
            }
            let recipient = Recipient(
                messageID: m.id, campaignID: f.campaign.id, contactID: m.contact, variationID: nil, address: ContactAddress(phone: m.phone, bsuid: nil), clickToken: nil, attempts: 1,
                consent: "opted_in", name: nil, email: nil, city: nil, country: nil, language: nil, attributes: [:]
            )
            try await SendOutcome.record(
                [(recipient, .accepted(wamid: "wamid.EARLY"))], accountID: f.account.id, workspaceID: app.workspace.id, owner: "test", inDoubtSeconds: 600,
                database: app.database
            )
            #expect(try await f.messageStatus(2) == "delivered")
            let left = try await app.database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM unmatched_statuses").first()!.decode(column: "n", as: Int.self)
            }
            #expect(left == 0)
        }
    }

    @Test("a status carrying our callback data settles a send whose response was lost", arguments: Engine.available)
    func callbackData(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app)
            try await app.database.transaction { sql in
                try await sql.raw(
                    "UPDATE messages SET status = 'sending', wamid = NULL, accepted_at = NULL, lease_expires_at = \(bind: Date().addingTimeInterval(600)) WHERE id = \(bind: f.messages[0].id)"
                ).run()
            }
            try await f.deliver(f.statuses([f.status(0, "sent", callback: true)]))
            try await f.process()
            #expect(try await f.messageStatus(0) == "sent")
            let wamid = try await app.database.read { sql in
                try await sql.raw("SELECT wamid, lease_expires_at FROM messages WHERE id = \(bind: f.messages[0].id)").first()!
            }
            #expect(try wamid.decode(column: "wamid", as: String?.self) == f.messages[0].wamid)
            #expect(try wamid.decode(column: "lease_expires_at", as: Date?.self) == nil, "a settled send is no longer in doubt")
        }
    }

    @Test("failed statuses: 131026 fails the message, 131050 also opts the contact out", arguments: Engine.available)
    func failures(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app)
            // The opt-out counts from the failure's time, which must be newer than the contact's opt-in.
            var stop = f.status(1, "failed", errors: [WebhookError(code: 131050, title: "User stopped marketing")])
            stop.timestamp = Date()
            try await f.deliver(f.statuses([
                f.status(0, "failed", errors: [WebhookError(code: 131026, title: "Message undeliverable")]),
                stop,
            ]))
            try await f.process()
            #expect(try await f.messageStatus(0) == "failed")
            #expect(try await f.messageStatus(1) == "failed")
            #expect(try await f.eventCount("failed") == 2)
            #expect(try await f.consent(f.messages[0].contact).status == "opted_in")
            let stopped = try await f.consent(f.messages[1].contact)
            #expect(stopped.status == "opted_out")
            #expect(stopped.source == "meta_131050")
        }
    }

    @Test("a template paused by Meta holds the campaigns using it, with an alert", arguments: Engine.available)
    func templatePaused(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app)
            let update = TemplateStatusUpdate(event: "PAUSED", templateID: "9001", templateName: "spring_sale", language: "en_US", reason: "quality")
            try await f.deliver(WebhookPayloads.templateStatus(wabaID: MessagingFixture.wabaID, update: update))
            try await f.process()
            let campaign = try await app.services.messaging.campaigns.find(workspaceID: app.workspace.id, id: f.campaign.id)
            #expect(campaign?.status == .paused)
            #expect(campaign?.statusReason?.contains("PAUSED") == true)
            #expect(try await app.services.messaging.templates.find(workspaceID: app.workspace.id, id: f.template.id)?.status == "PAUSED")
            let alerts = try await app.request(.get, "/api/alerts?open=true").json["data"].array
            // The held campaign's alert, and the episode of the built-in template_status rule.
            #expect(alerts.compactMap { $0["kind"].string }.sorted() == ["campaign_held", "template_status"])
        }
    }
}
