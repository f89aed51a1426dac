import Foundation
import SQLKit
import Testing
import WhatsApp

@testable import HeraldApp

/// Sending a test's messages (design section 3). Starting a test is not built yet, so each test creates it through the
/// API and queues its campaign's messages itself, one per contact with the variation it was assigned.
@Suite("A/B tests: sending with variations")
struct ABTestSendingTests {
    static func variation(_ name: String, _ templateID: UUID, discount: String, cta: String) -> String {
        #"{"name":"\#(name)","template_id":"\#(templateID)","variables":{"1":{"field":"first_name","fallback":"there"},"2":{"text":"\#(discount)"}},"#
            + #""cta_url":"\#(cta)"}"#
    }

    /// Creates the test, queues one test message per fixture contact (contact i gets variation i), click tokens `tok<i>`,
    /// and sets the campaign sending. Returns the test's JSON.
    static func queued(
        _ f: ABTestFixture,
        _ variations: [String],
        metric: String = "click"
    )
        async throws -> JSONValue
    {
        let created = try await f.app.request(
            .post,
            "/api/ab-tests/create",
            json: f.body(variations, extra: #","success_metric":"\#(metric)""#)
        )
        #expect(created.status == .created, "\(created.text)")
        let test = created.json
        let campaignID = UUID(uuidString: test["campaign_id"].string!)!
        let variationIDs = test["variations"].array.map { UUID(uuidString: $0["id"].string!)! }
        let now = Date()
        try await f.app.database.transaction { sql in
            for (index, message) in f.messaging.messages.enumerated() {
                try await sql.raw(
                    """
                    INSERT INTO messages (id, workspace_id, campaign_id, contact_id, phone, status, click_token, next_attempt_at,
                        variation_id, ab_phase, created_at, updated_at)
                    VALUES (\(bind: UUID.timeOrdered()), \(bind: f.app.workspace.id), \(bind: campaignID), \(bind: message.contact),
                        \(bind: message.phone), 'queued', \(bind: "tok\(index)"), \(bind: now.addingTimeInterval(-1)),
                        \(bind: variationIDs[index % variationIDs.count]), 'test', \(bind: now), \(bind: now))
                    """
                ).run()
            }
            try await sql.raw(
                "UPDATE campaigns SET status = 'sending', started_at = \(bind: now) WHERE id = \(bind: campaignID)"
            ).run()
        }
        return test
    }

    static func claim(_ f: ABTestFixture) async throws -> [Recipient] {
        let claim = try await SendClaim.claim(
            accountID: f.messaging.account.id,
            owner: "test",
            maxBatch: 10,
            inDoubtSeconds: 30,
            database: f.app.database
        )
        guard case .batch(let recipients) = claim else {
            Issue.record("expected a batch, got \(claim)")
            return []
        }
        return recipients.sorted { $0.address.phone ?? "" < $1.address.phone ?? "" }
    }

    static func cache(_ f: ABTestFixture) -> PreparedCampaigns {
        PreparedCampaigns(
            services: f.app.services.messaging,
            account: f.messaging.account,
            client: CloudAPIClient(
                httpClient: .shared,
                endpoint: f.messaging.account.endpoint,
                credentials: .init(phoneNumberID: "1", wabaID: "2", accessToken: "t")
            )
        )
    }

    @Test(
        "each test message goes out with its variation's template and variables, and its click lands on its variation's link",
        arguments: Engine.available
    )
    func perVariation(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let test = try await Self.queued(
                f,
                [
                    Self.variation(
                        "A",
                        f.templates["spring_sale"]!,
                        discount: "20%",
                        cta: "https://shop.example/a"
                    ),
                    Self.variation(
                        "B",
                        f.templates["spring_sale_bold"]!,
                        discount: "35%",
                        cta: "https://shop.example/b"
                    ),
                ]
            )
            let variationIDs = test["variations"].array.map { $0["id"].string! }
            let recipients = try await Self.claim(f)
            #expect(recipients.count == 2)
            let cache = Self.cache(f)
            var sent: [(template: String, body: [String], callback: String?)] = []
            for recipient in recipients {
                let prepared = try await cache.prepared(for: recipient)
                let message = prepared.message(for: recipient, to: recipient.address.message!)
                sent.append((message.templateName, message.body.map(\.text), message.callbackData))
            }
            #expect(
                sent.map(\.template) == ["spring_sale", "spring_sale_bold"],
                "each message with its variation's template"
            )
            #expect(sent.map { $0.body.last } == ["20%", "35%"], "and its variation's variables")
            for (index, callback) in sent.map(\.callback).enumerated() {
                #expect(
                    callback?.hasSuffix(":" + variationIDs[index]) == true,
                    "the callback data carries the variation"
                )
            }

            for (index, cta) in ["https://shop.example/a", "https://shop.example/b"].enumerated() {
                let click = try await app.request(.get, "/r/tok\(index)", key: "")
                #expect(click.status == .found)
                let location = click.headers[.location] ?? ""
                #expect(location.hasPrefix(cta + "?utm_source=whatsapp"), "\(location)")
                #expect(location.hasSuffix("utm_content=\(variationIDs[index])"), "\(location)")
            }
            let clicks = try await app.database.read { sql in
                try await sql.raw(
                    "SELECT COUNT(*) AS n FROM message_events WHERE type = 'clicked' AND variation_id IS NOT NULL"
                ).first()!
                .decode(column: "n", as: Int.self)
            }
            #expect(clicks == 2, "each click event carries its variation")
        }
    }

    @Test(
        "Meta pausing the template of variation B holds the test's campaign",
        arguments: Engine.available
    )
    func holdOnVariationTemplate(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let test = try await Self.queued(
                f,
                [
                    Self.variation(
                        "A",
                        f.templates["spring_sale"]!,
                        discount: "20%",
                        cta: "https://shop.example/a"
                    ),
                    Self.variation(
                        "B",
                        f.templates["spring_sale_bold"]!,
                        discount: "35%",
                        cta: "https://shop.example/b"
                    ),
                ]
            )
            let update = TemplateStatusUpdate(
                event: "PAUSED",
                templateID: "spring_sale_bold",
                templateName: "spring_sale_bold",
                language: "en_US",
                reason: "quality"
            )
            try await f.messaging.deliver(
                WebhookPayloads.templateStatus(wabaID: MessagingFixture.wabaID, update: update)
            )
            try await f.messaging.process()
            let campaign = try await app.services.messaging.campaigns.find(
                workspaceID: app.workspace.id,
                id: UUID(uuidString: test["campaign_id"].string!)!
            )
            #expect(campaign?.status == .paused, "the arms must not drift apart: the whole test waits")
            #expect(campaign?.statusReason?.contains("spring_sale_bold") == true)
            let other = try await app.services.messaging.campaigns.find(
                workspaceID: app.workspace.id,
                id: f.messaging.campaign.id
            )
            #expect(other?.status == .sending, "a campaign using neither template keeps sending")
            let alerts = try await app.request(.get, "/api/alerts?open=true").json["data"].array
            // The held campaign's alert, and the episode of the built-in template_status rule.
            #expect(alerts.compactMap { $0["kind"].string }.sorted() == ["campaign_held", "template_status"])
        }
    }

    @Test(
        "an opted-out contact is suppressed at send time even when the test's template is a utility one",
        arguments: Engine.available
    )
    func consentWhateverTheCategory(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            _ = try await Self.queued(
                f,
                [
                    Self.variation(
                        "A",
                        f.templates["order_news"]!,
                        discount: "20%",
                        cta: "https://shop.example/a"
                    ),
                    Self.variation(
                        "B",
                        f.templates["order_news"]!,
                        discount: "35%",
                        cta: "https://shop.example/b"
                    ),
                ]
            )
            try await app.database.transaction { sql in
                try await sql.raw(
                    "UPDATE contacts SET consent_status = 'opted_out' WHERE id = \(bind: f.messaging.messages[1].contact)"
                ).run()
            }
            let recipients = try await Self.claim(f)
            let optedOut = try #require(
                recipients.first { $0.contactID == f.messaging.messages[1].contact }
            )
            let cache = Self.cache(f)
            let sender = AccountSender(
                account: f.messaging.account,
                services: app.services.messaging,
                owner: "test",
                logger: TestDatabase.logger
            )
            #expect(try await cache.prepared(for: optedOut).template.category == "UTILITY")
            let outcome = await sender.outcome(for: optedOut, client: cache.client, cache: cache)
            guard case .skipped(let reason) = outcome else {
                Issue.record("expected the message to be skipped, got \(outcome)")
                return
            }
            #expect(reason.contains("opted out"))
        }
    }
}
