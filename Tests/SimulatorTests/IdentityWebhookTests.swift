import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Simulator

/// Where Meta puts business-scoped user ids, usernames and phones in webhooks.
@Suite("webhook identities")
struct IdentityWebhookTests {
    static let readsEverything = TemplateBehaviour(
        deliverRate: 1,
        readRate: 1,
        clickRate: 0,
        quickReplyRate: 1,
        textReplyRate: 0,
        stopRate: 0,
        failures: [:]
    )
    static let json: HTTPFields = [.contentType: "application/json"]

    /// The `value` of every `messages` change, one per POST.
    static func values(_ received: Received) -> [[String: Any]] {
        received.posts.compactMap { post in
            let json = (try? JSONSerialization.jsonObject(with: post.body)) as? [String: Any]
            let change = ((json?["entry"] as? [[String: Any]])?.first?["changes"] as? [[String: Any]])?.first
            return change?["field"] as? String == "messages" ? change?["value"] as? [String: Any] : nil
        }
    }

    static func status(_ values: [[String: Any]], _ name: String) -> (item: [String: Any], contacts: [[String: Any]]?)? {
        for value in values {
            if let item = (value["statuses"] as? [[String: Any]])?.first(where: { $0["status"] as? String == name }) {
                return (item, value["contacts"] as? [[String: Any]])
            }
        }
        return nil
    }

    static func inbound(_ values: [[String: Any]]) -> [(message: [String: Any], contacts: [[String: Any]]?)] {
        values.compactMap { value in (value["messages"] as? [[String: Any]])?.first.map { ($0, value["contacts"] as? [[String: Any]]) } }
    }

    @Test("statuses carry contacts with wa_id and user_id, recipient_user_id, and the username on delivered and read")
    func statusContacts() async throws {
        let inbox = WebhookInbox()
        try await inbox.run { base in
            var config = Fixture.config(webhookURL: base + "/webhook", behaviour: Self.readsEverything)
            config.usernameShare = 1
            config.batchSize = 1  // each status with its own contacts block
            let simulator = await Fixture.simulator(config)
            let user = await simulator.user(phone: "447700910010")
            let username = try #require(user.username)
            try await simulator.makeApplication().test(.router) { client in
                _ = try await client.execute(
                    uri: Fixture.messagesURI,
                    method: .post,
                    headers: Fixture.auth,
                    body: Fixture.promoMessage(to: "447700910010")
                )
                _ = try await waitUntilSettled(simulator)
            }
            let values = Self.values(await inbox.received())
            for name in ["sent", "delivered", "read"] {
                let (item, contacts) = try #require(Self.status(values, name), "\(name)")
                #expect(item["recipient_id"] as? String == "447700910010")
                #expect(item["recipient_user_id"] as? String == user.bsuid)
                let contact = try #require(contacts?.first, "\(name) has a contacts block")
                #expect(contact["wa_id"] as? String == "447700910010", "sent to the phone with to: Meta shares it")
                #expect(contact["user_id"] as? String == user.bsuid)
                let shown = (contact["profile"] as? [String: Any])?["username"] as? String
                #expect(shown == (name == "sent" ? nil : username), "\(name)")
            }
            let reply = try #require(Self.inbound(values).first)
            #expect(reply.message["from"] as? String == "447700910010")
            #expect(reply.message["from_user_id"] as? String == user.bsuid)
        }
    }

    @Test("a failed status has no contacts and Meta's error details; recipient_user_id only when sent by BSUID")
    func failedStatus() async throws {
        let inbox = WebhookInbox()
        try await inbox.run { base in
            let simulator = await Fixture.simulator(Fixture.config(webhookURL: base + "/webhook", behaviour: .perfect))
            try await simulator.makeApplication().test(.router) { client in
                _ = try await client.execute(
                    uri: Fixture.messagesURI,
                    method: .post,
                    headers: Fixture.auth,
                    body: Fixture.promoMessage(to: "14155550100")
                )
                _ = try await waitUntilSettled(simulator)
                _ = try await client.execute(
                    uri: Fixture.messagesURI,
                    method: .post,
                    headers: Fixture.auth,
                    body: Fixture.promoMessage(to: nil, recipient: "US.13491208655302741918")
                )
                _ = try await waitUntilSettled(simulator)
            }
            let values = Self.values(await inbox.received())
            #expect(values.count == 2)
            #expect(values.allSatisfy { $0["contacts"] == nil })
            let byPhone = try #require((values.first?["statuses"] as? [[String: Any]])?.first)
            #expect(byPhone["recipient_id"] as? String == "14155550100")
            #expect(byPhone["recipient_user_id"] == nil)
            let byBSUID = try #require((values.last?["statuses"] as? [[String: Any]])?.first)
            #expect(byBSUID["recipient_user_id"] as? String == "US.13491208655302741918")
            #expect(byBSUID["recipient_id"] == nil, "the phone of a user known only by BSUID is unknown")
            let error = try #require((byPhone["errors"] as? [[String: Any]])?.first)
            #expect(error["code"] as? Int == 131026)
            #expect(error["title"] as? String == "Message undeliverable")
            #expect((error["message"] as? String)?.isEmpty == false)
            let details = try #require((error["error_data"] as? [String: String])?["details"])
            #expect(details != error["title"] as? String, "details explain the code, beyond the title")
            #expect((error["href"] as? String)?.hasPrefix("https://developers.facebook.com/") == true)
        }
    }

    @Test("a username user messaged only by BSUID never shows their phone")
    func withheldPhone() async throws {
        let inbox = WebhookInbox()
        try await inbox.run { base in
            var config = Fixture.config(webhookURL: base + "/webhook", behaviour: Self.readsEverything)
            config.usernameShare = 1
            let simulator = await Fixture.simulator(config)
            let user = await simulator.user(phone: "447700910011")
            try await simulator.makeApplication().test(.router) { client in
                let response = try await client.execute(
                    uri: Fixture.messagesURI,
                    method: .post,
                    headers: Fixture.auth,
                    body: Fixture.promoMessage(to: nil, recipient: user.bsuid)
                )
                #expect(response.status == .ok)
                _ = try await waitUntilSettled(simulator)
            }
            let received = await inbox.received()
            #expect(!received.posts.contains { String(decoding: $0.body, as: UTF8.self).contains("447700910011") })
            let values = Self.values(received)
            let (read, contacts) = try #require(Self.status(values, "read"))
            #expect(read["recipient_user_id"] as? String == user.bsuid)
            #expect(contacts?.first?["user_id"] as? String == user.bsuid)
            let reply = try #require(Self.inbound(values).first)
            #expect(reply.message["from"] == nil)
            #expect(reply.message["from_user_id"] as? String == user.bsuid)
            let contact = try #require(reply.contacts?.first)
            #expect(contact["user_id"] as? String == user.bsuid && contact["wa_id"] == nil)
            #expect((contact["profile"] as? [String: String]) == ["name": user.name, "username": user.username!])
        }
    }

    @Test("inbound over the control API takes from or user_id; a username user who writes first withholds the phone until the business sends to it")
    func controlInbound() async throws {
        let inbox = WebhookInbox()
        try await inbox.run { base in
            let simulator = await Fixture.simulator(Fixture.config(webhookURL: base + "/webhook", behaviour: .perfect))
            let user = await simulator.user(phone: "447700910012")
            try await simulator.makeApplication().test(.router) { client in
                func inbound(_ body: [String: Any]) async throws {
                    let response = try await client.execute(uri: "/_simulator/inbound", method: .post, headers: Self.json, body: Fixture.json(body))
                    #expect(response.status == .ok)
                    _ = try await waitUntilSettled(simulator)
                }
                try await inbound(["from": "+447700910012", "text": "hi", "username": "jess.77"])
                try await inbound(["user_id": "GB.55", "text": "STOP"])
                try await inbound(["from": "447700910013", "text": "hello"])
                _ = try await client.execute(
                    uri: Fixture.messagesURI,
                    method: .post,
                    headers: Fixture.auth,
                    body: Fixture.promoMessage(to: "447700910012")
                )
                _ = try await waitUntilSettled(simulator)
                try await inbound(["from": "447700910012", "text": "again"])
                let bad = try await client.execute(
                    uri: "/_simulator/inbound",
                    method: .post,
                    headers: Self.json,
                    body: Fixture.json(["text": "who?"])
                )
                #expect(bad.status == .badRequest)
            }
            let messages = Self.inbound(Self.values(await inbox.received()))
            #expect(messages.count == 4)
            guard messages.count == 4 else { return }
            let (first, firstContacts) = messages[0]
            #expect(first["from"] == nil && first["from_user_id"] as? String == user.bsuid)
            #expect(firstContacts?.first?["wa_id"] == nil && firstContacts?.first?["user_id"] as? String == user.bsuid)
            #expect((firstContacts?.first?["profile"] as? [String: String])?["username"] == "jess.77")
            #expect(messages[1].message["from_user_id"] as? String == "GB.55" && messages[1].message["from"] == nil)
            #expect(messages[2].message["from"] as? String == "447700910013")
            #expect(messages[2].contacts?.first?["wa_id"] as? String == "447700910013")
            #expect(
                messages[2].contacts?.first?["user_id"] as? String == SimulatedUsers.identity(phone: "447700910013", seed: 1, usernameShare: 0).bsuid
            )
            #expect(messages[3].message["from"] as? String == "447700910012", "after a send by to, Meta shares the phone")
        }
    }

    @Test("change-number sends user_changed_number with the new phone and BSUID, or user_changed_user_id when the phone is withheld")
    func changeNumber() async throws {
        let inbox = WebhookInbox()
        try await inbox.run { base in
            var config = Fixture.config(webhookURL: base + "/webhook", behaviour: .perfect)
            config.usernameShare = 1
            let simulator = await Fixture.simulator(config)
            let shared = await simulator.user(phone: "447700910014")
            let withheld = await simulator.user(phone: "447700910015")
            try await simulator.makeApplication().test(.router) { client in
                _ = try await client.execute(
                    uri: Fixture.messagesURI,
                    method: .post,
                    headers: Fixture.auth,
                    body: Fixture.promoMessage(to: "447700910014")
                )
                _ = try await waitUntilSettled(simulator)
                let number = try await client.execute(
                    uri: "/_simulator/change-number",
                    method: .post,
                    headers: Self.json,
                    body: Fixture.json(["from": "447700910014", "new_phone": "+447700910016"])
                )
                #expect(number.status == .ok)
                let userID = try await client.execute(
                    uri: "/_simulator/change-number",
                    method: .post,
                    headers: Self.json,
                    body: Fixture.json(["user_id": withheld.bsuid])
                )
                #expect(userID.status == .ok)
                let unknown = try await client.execute(
                    uri: "/_simulator/change-number",
                    method: .post,
                    headers: Self.json,
                    body: Fixture.json(["new_phone": "447700910017"])
                )
                #expect(unknown.status == .badRequest)
                _ = try await waitUntilSettled(simulator)
            }
            let values = Self.values(await inbox.received()).filter { ($0["messages"] as? [[String: Any]])?.first?["type"] as? String == "system" }
            #expect(values.count == 2)
            #expect(values.allSatisfy { $0["contacts"] == nil }, "system messages have no contacts array")
            let moved = await simulator.user(phone: "447700910016")
            let first = try #require((values.first?["messages"] as? [[String: Any]])?.first)
            #expect(first["from"] as? String == "447700910014" && first["from_user_id"] as? String == shared.bsuid)
            let system = try #require(first["system"] as? [String: Any])
            #expect(system["type"] as? String == "user_changed_number")
            #expect(system["wa_id"] as? String == "447700910016")
            #expect(system["user_id"] as? String == moved.bsuid && moved.bsuid != shared.bsuid)
            #expect(system["previous_user_id"] as? String == shared.bsuid)
            #expect((system["body"] as? String)?.isEmpty == false)
            #expect(moved.username == shared.username, "a username survives a change of number")

            let second = try #require((values.last?["messages"] as? [[String: Any]])?.first)
            #expect(second["from"] == nil)
            let changed = try #require(second["system"] as? [String: Any])
            #expect(changed["type"] as? String == "user_changed_user_id")
            #expect(changed["wa_id"] == nil)
            #expect(changed["previous_user_id"] as? String == withheld.bsuid)
            let newID = try #require(changed["user_id"] as? String)
            #expect(newID != withheld.bsuid && newID.hasPrefix("GB."))
        }
    }
}
