import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Simulator

@Suite("webhook delivery")
struct WebhookDeliveryTests {
    /// A behaviour where every outcome happens often enough to be seen in 200 messages.
    static let lively = TemplateBehaviour(
        deliverRate: 0.9,
        readRate: 0.7,
        clickRate: 0.3,
        quickReplyRate: 0.15,
        textReplyRate: 0.1,
        stopRate: 0.05,
        failures: [131026: 0.05, 131049: 0.03]
    )

    /// Sends `count` promo messages to distinct non-US recipients, `concurrently` or one by one.
    static func sendPromos(_ client: some TestClientProtocol, count: Int, concurrently: Bool = false, reversed: Bool = false) async throws {
        let indices = reversed ? Array((0..<count).reversed()) : Array(0..<count)
        let send: @Sendable (Int) async throws -> Void = { index in
            let response = try await client.execute(
                uri: Fixture.messagesURI,
                method: .post,
                headers: Fixture.auth,
                body: Fixture.promoMessage(to: "4477009\(10000 + index)", suffix: "t\(index)", opaque: "c1:\(index)")
            )
            #expect(response.status == .ok)
        }
        if concurrently {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in indices { group.addTask { try await send(index) } }
                try await group.waitForAll()
            }
        } else {
            for index in indices { try await send(index) }
        }
    }

    @Test("every webhook is signed and the receiver's unique counts equal the ground truth")
    func signedAndCounted() async throws {
        let inbox = WebhookInbox()
        try await inbox.run { base in
            var config = Fixture.config(webhookURL: base + "/webhook", behaviour: Self.lively)
            config.batchSize = 10  // what is counted here, not the POSTs' shape (the batch-size test covers that)
            let simulator = await Fixture.simulator(config, templates: [Fixture.promo(clickBase: base + "/c/")])
            try await simulator.makeApplication().test(.router) { client in
                try await Self.sendPromos(client, count: 200)
                let truth = try await waitUntilSettled(simulator)
                let received = await inbox.received()

                for post in received.posts {
                    let mac = HMAC<SHA256>.authenticationCode(for: post.body, using: SymmetricKey(data: Data("sim-secret".utf8)))
                    #expect(post.signature == "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
                    #expect(post.contentType == "application/json")
                }
                #expect(truth.accepted == 200)
                #expect(received.ids(withStatus: "sent").count == truth.sent)
                #expect(received.ids(withStatus: "delivered").union(received.ids(withStatus: "read")).count == truth.delivered)
                #expect(received.ids(withStatus: "read").count == truth.read)
                #expect(received.ids(withStatus: "failed").count == truth.failed)
                #expect(truth.failed + truth.sent == 200)
                #expect(truth.failedByCode.keys.allSatisfy { ["131026", "131049"].contains($0) })

                let messages = received.uniqueMessages
                #expect(messages.filter { $0["type"] as? String == "button" }.count == truth.quickReplies)
                #expect(messages.filter { ($0["text"] as? [String: String])?["body"] == "STOP" }.count == truth.stops)
                #expect(messages.filter { ($0["text"] as? [String: String])?["body"] == "Thanks!" }.count == truth.textReplies)
                #expect(truth.quickReplies > 0 && truth.stops > 0 && truth.clicked > 0)

                let clicks = await inbox.store.clicks
                #expect(clicks.count == truth.clicked)
                #expect(Set(clicks).count == clicks.count)
                #expect(await inbox.store.landings == 0, "click redirects must not be followed")
                #expect(truth.perTemplate["promo"]?.delivered == truth.delivered)
                #expect(truth.webhookPostsDelivered == received.posts.count)
            }
        }
    }

    @Test("status items and replies carry Meta's fields")
    func itemShapes() async throws {
        let inbox = WebhookInbox()
        try await inbox.run { base in
            let behaviour = TemplateBehaviour(
                deliverRate: 1,
                readRate: 1,
                clickRate: 0,
                quickReplyRate: 1,
                textReplyRate: 0,
                stopRate: 0,
                failures: [:]
            )
            let simulator = await Fixture.simulator(Fixture.config(webhookURL: base + "/webhook", behaviour: behaviour))
            try await simulator.makeApplication().test(.router) { client in
                let response = try await client.execute(
                    uri: Fixture.messagesURI,
                    method: .post,
                    headers: Fixture.auth,
                    body: Fixture.promoMessage(to: "919812345678", opaque: "camp-7")
                )
                let wamid = try #require((response.json["messages"] as? [[String: String]])?.first?["id"])
                _ = try await waitUntilSettled(simulator)
                let received = await inbox.received()
                let sent = try #require(received.statuses.first { $0["status"] as? String == "sent" })
                #expect(sent["id"] as? String == wamid)
                #expect(sent["recipient_id"] as? String == "919812345678")
                #expect(sent["biz_opaque_callback_data"] as? String == "camp-7")
                #expect(Int(sent["timestamp"] as? String ?? "") != nil)
                let pricing = try #require(sent["pricing"] as? [String: Any])
                #expect(pricing["billable"] as? Bool == true)
                #expect(pricing["pricing_model"] as? String == "PMP")
                #expect(pricing["type"] as? String == "regular")
                #expect(pricing["category"] as? String == "marketing")
                let read = try #require(received.statuses.first { $0["status"] as? String == "read" })
                #expect(read["pricing"] == nil)

                let reply = try #require(received.messages.first)
                #expect(reply["type"] as? String == "button")
                #expect((reply["button"] as? [String: String]) == ["payload": "STOP_PROMO", "text": "Stop promotions"])
                #expect((reply["context"] as? [String: String]) == ["from": "15550001234", "id": wamid])
                let post = try #require(received.posts.first { String(decoding: $0.body, as: UTF8.self).contains("\"messages\":[") })
                let json = try #require(try JSONSerialization.jsonObject(with: post.body) as? [String: Any])
                #expect(json["object"] as? String == "whatsapp_business_account")
                let entry = try #require((json["entry"] as? [[String: Any]])?.first)
                #expect(entry["id"] as? String == Fixture.wabaID)
                let value = try #require(((entry["changes"] as? [[String: Any]])?.first)?["value"] as? [String: Any])
                #expect(value["messaging_product"] as? String == "whatsapp")
                #expect((value["metadata"] as? [String: String]) == ["display_phone_number": "15550001234", "phone_number_id": Fixture.phoneID])
                #expect((value["contacts"] as? [[String: Any]])?.first?["wa_id"] as? String == "919812345678")
            }
        }
    }

    @Test("marketing templates to +1 numbers fail with 131026")
    func usMarketing() async throws {
        let inbox = WebhookInbox()
        try await inbox.run { base in
            let simulator = await Fixture.simulator(Fixture.config(webhookURL: base + "/webhook", behaviour: .perfect))
            try await simulator.makeApplication().test(.router) { client in
                let response = try await client.execute(
                    uri: Fixture.messagesURI,
                    method: .post,
                    headers: Fixture.auth,
                    body: Fixture.promoMessage(to: "14155550100")
                )
                #expect(response.status == .ok)
                let truth = try await waitUntilSettled(simulator)
                #expect(truth.failedByCode == ["131026": 1])
                let statuses = await inbox.received().statuses
                #expect(statuses.map { $0["status"] as? String } == ["failed"])
                let error = try #require((statuses.first?["errors"] as? [[String: Any]])?.first)
                #expect(error["code"] as? Int == 131026)
                #expect(error["title"] is String && error["message"] is String)
                #expect((error["error_data"] as? [String: String])?["details"] != nil)
            }
        }
    }

    @Test("with duplicateRate 1 every POST arrives twice, byte for byte")
    func duplicates() async throws {
        let inbox = WebhookInbox()
        try await inbox.run { base in
            var config = Fixture.config(webhookURL: base + "/webhook", behaviour: .perfect)
            config.duplicateRate = 1
            let simulator = await Fixture.simulator(config)
            try await simulator.makeApplication().test(.router) { client in
                try await Self.sendPromos(client, count: 20)
                let truth = try await waitUntilSettled(simulator)
                let posts = await inbox.received().posts
                let counts = Dictionary(grouping: posts, by: \.body).mapValues(\.count)
                #expect(!counts.isEmpty)
                #expect(counts.values.allSatisfy { $0 == 2 })
                #expect(truth.webhookPostsDelivered == posts.count)
                #expect(Set(await inbox.received().ids(withStatus: "read")).count == 20)
            }
        }
    }

    @Test("failed POSTs are retried until they succeed, and nothing is lost")
    func retries() async throws {
        let inbox = WebhookInbox(failFirst: 3)
        try await inbox.run { base in
            let simulator = await Fixture.simulator(Fixture.config(webhookURL: base + "/webhook", behaviour: .perfect))
            try await simulator.makeApplication().test(.router) { client in
                try await Self.sendPromos(client, count: 30)
                let truth = try await waitUntilSettled(simulator)
                #expect(truth.webhookPostsFailed == 3)
                let received = await inbox.received()
                #expect(received.ids(withStatus: "sent").count == 30)
                #expect(received.ids(withStatus: "read").count == 30)
            }
        }
    }

    @Test("by default each POST carries one status, as Meta usually sends them; batchSize 5 packs up to five")
    func batchSize() async throws {
        for size in [nil, 5] {
            let inbox = WebhookInbox()
            try await inbox.run { base in
                var config = Fixture.config(webhookURL: base + "/webhook", behaviour: .perfect)
                if let size { config.batchSize = size }
                let simulator = await Fixture.simulator(config)
                try await simulator.makeApplication().test(.router) { client in
                    try await Self.sendPromos(client, count: 20)
                    _ = try await waitUntilSettled(simulator)
                }
                let received = await inbox.received()
                let perPost = received.posts.map { Received(posts: [$0]).statuses.count }
                #expect(received.statuses.count == 60)
                #expect(perPost.max() == (size ?? 1), "statuses per POST: \(perPost)")
            }
        }
    }

    @Test("with reorderRate the same events still all arrive")
    func reordering() async throws {
        let inbox = WebhookInbox()
        try await inbox.run { base in
            var config = Fixture.config(webhookURL: base + "/webhook", behaviour: .perfect)
            config.reorderRate = 0.5
            config.batchSize = 5
            let simulator = await Fixture.simulator(config)
            try await simulator.makeApplication().test(.router) { client in
                try await Self.sendPromos(client, count: 40)
                _ = try await waitUntilSettled(simulator)
                let received = await inbox.received()
                #expect(received.ids(withStatus: "delivered").count == 40)
                #expect(
                    received.posts.allSatisfy { post in
                        let statuses = Received(posts: [post]).statuses.count
                        return statuses <= 5
                    }
                )
            }
        }
    }
}
