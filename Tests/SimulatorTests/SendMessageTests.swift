import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Simulator

@Suite("POST /messages")
struct SendMessageTests {
    @Test("an accepted template send answers exactly like Meta")
    func successShape() async throws {
        let simulator = await Fixture.simulator()
        try await simulator.makeApplication().test(.router) { client in
            let response = try await client.execute(
                uri: Fixture.messagesURI,
                method: .post,
                headers: Fixture.auth,
                body: Fixture.promoMessage(to: "+919812345678")
            )
            #expect(response.status == .ok)
            let json = response.json
            #expect(json["messaging_product"] as? String == "whatsapp")
            let contacts = try #require(json["contacts"] as? [[String: String]])
            #expect(contacts == [["input": "+919812345678", "wa_id": "919812345678"]])
            let messages = try #require(json["messages"] as? [[String: String]])
            #expect(messages.count == 1)
            #expect(messages[0]["id"]?.hasPrefix("wamid.") == true)
            #expect(messages[0]["message_status"] == "accepted")
        }
        let truth = await simulator.groundTruth()
        #expect(truth.accepted == 1)
        #expect(truth.messagesPerRecipient == ["919812345678": 1])
        #expect(truth.perTemplate["promo"]?.accepted == 1)
    }

    @Test("a wrong bearer token is refused with 401 and code 190 in Meta's envelope")
    func badToken() async throws {
        let simulator = await Fixture.simulator()
        try await simulator.makeApplication().test(.router) { client in
            let response = try await client.execute(
                uri: Fixture.messagesURI,
                method: .post,
                headers: [.authorization: "Bearer nope"],
                body: Fixture.promoMessage(to: "919812345678")
            )
            #expect(response.status == .unauthorized)
            let error = try #require(response.json["error"] as? [String: Any])
            #expect(error["code"] as? Int == 190)
            #expect(error["type"] as? String == "OAuthException")
            #expect((error["message"] as? String)?.hasPrefix("(#190) ") == true)
            #expect((error["error_data"] as? [String: Any])?["messaging_product"] as? String == "whatsapp")
            #expect((error["error_data"] as? [String: Any])?["details"] is String)
            #expect((error["fbtrace_id"] as? String)?.hasPrefix("A") == true)
            #expect(error["error_subcode"] == nil)
        }
        #expect(await simulator.groundTruth().rejected == ["190": 1])
    }

    @Test("an unknown phone number id or API version is error 100")
    func unknownObject() async throws {
        let simulator = await Fixture.simulator()
        try await simulator.makeApplication().test(.router) { client in
            let phone = try await client.execute(
                uri: "/v21.0/999/messages",
                method: .post,
                headers: Fixture.auth,
                body: Fixture.promoMessage(to: "919812345678")
            )
            #expect(phone.status == .badRequest)
            #expect(phone.errorCode == 100)
            let version = try await client.execute(
                uri: "/latest/\(Fixture.phoneID)/messages",
                method: .post,
                headers: Fixture.auth,
                body: Fixture.promoMessage(to: "919812345678")
            )
            #expect(version.errorCode == 100)
        }
    }

    @Test(
        "template errors carry Meta's codes",
        arguments: [
            ("missing", 1, 132001), ("paused_promo", 1, 132015), ("disabled_promo", 1, 132016), ("pending_promo", 1, 132001), ("promo", 2, 132000),
        ]
    )
    func templateErrors(name: String, bodyParams: Int, code: Int) async throws {
        let templates = [
            Fixture.promo(), Fixture.promo(name: "paused_promo", status: "PAUSED"), Fixture.promo(name: "disabled_promo", status: "DISABLED"),
            Fixture.promo(name: "pending_promo", status: "PENDING"),
        ]
        let simulator = await Fixture.simulator(templates: templates)
        try await simulator.makeApplication().test(.router) { client in
            let response = try await client.execute(
                uri: Fixture.messagesURI,
                method: .post,
                headers: Fixture.auth,
                body: Fixture.promoMessage(to: "919812345678", name: name, bodyParams: bodyParams)
            )
            #expect(response.status == (code == 132001 ? .notFound : .badRequest))
            #expect(response.errorCode == code)
        }
        let truth = await simulator.groundTruth()
        #expect(truth.rejected == [String(code): 1])
        #expect(truth.perTemplate[name]?.rejected == [String(code): 1])
        #expect(truth.accepted == 0)
    }

    @Test("a template is looked up by name and language")
    func wrongLanguage() async throws {
        let simulator = await Fixture.simulator()
        try await simulator.makeApplication().test(.router) { client in
            let body: [String: Any] = [
                "messaging_product": "whatsapp", "to": "919812345678", "type": "template",
                "template": ["name": "order_update", "language": ["code": "pt_BR"], "components": []] as [String: Any],
            ]
            let response = try await client.execute(uri: Fixture.messagesURI, method: .post, headers: Fixture.auth, body: Fixture.json(body))
            #expect(response.errorCode == 132001)
        }
    }

    @Test("the image header and the URL button suffix are required parameters")
    func requiredParameters() async throws {
        let simulator = await Fixture.simulator()
        try await simulator.makeApplication().test(.router) { client in
            let noHeader: [String: Any] = [
                "messaging_product": "whatsapp", "to": "919812345678", "type": "template",
                "template": [
                    "name": "promo", "language": ["code": "en_US"],
                    "components": [
                        ["type": "body", "parameters": [["type": "text", "text": "Jess"]]],
                        ["type": "button", "sub_type": "url", "index": "0", "parameters": [["type": "text", "text": "x"]]],
                    ],
                ] as [String: Any],
            ]
            let header = try await client.execute(uri: Fixture.messagesURI, method: .post, headers: Fixture.auth, body: Fixture.json(noHeader))
            #expect(header.errorCode == 132000)

            let noButton: [String: Any] = [
                "messaging_product": "whatsapp", "to": "919812345678", "type": "template",
                "template": [
                    "name": "promo", "language": ["code": "en_US"],
                    "components": [
                        ["type": "header", "parameters": [["type": "image", "image": ["id": "4000"]]]],
                        ["type": "body", "parameters": [["type": "text", "text": "Jess"]]],
                    ],
                ] as [String: Any],
            ]
            let button = try await client.execute(uri: Fixture.messagesURI, method: .post, headers: Fixture.auth, body: Fixture.json(noButton))
            #expect(button.errorCode == 132000)
        }
    }

    @Test("a text is refused outside the 24 hour window and accepted after the user writes")
    func customerServiceWindow() async throws {
        let simulator = await Fixture.simulator()
        try await simulator.makeApplication().test(.router) { client in
            let text = Fixture.json(["messaging_product": "whatsapp", "to": "919812345678", "type": "text", "text": ["body": "Hello"]])
            let before = try await client.execute(uri: Fixture.messagesURI, method: .post, headers: Fixture.auth, body: text)
            #expect(before.errorCode == 131047)
            let inbound = try await client.execute(
                uri: "/_simulator/inbound",
                method: .post,
                headers: [.contentType: "application/json"],
                body: Fixture.json(["from": "919812345678", "text": "hi"])
            )
            #expect(inbound.status == .ok)
            let after = try await client.execute(uri: Fixture.messagesURI, method: .post, headers: Fixture.auth, body: text)
            #expect(after.status == .ok)
        }
        let truth = await simulator.groundTruth()
        #expect(truth.rejected == ["131047": 1])
        #expect(truth.accepted == 1)
    }

    @Test("sends past the per-number throughput get 429 with code 130429, and no second holds more than the limit")
    func throughput() async throws {
        let simulator = await Fixture.simulator(Fixture.config(throughput: 20))
        try await simulator.makeApplication().test(.router) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<60 {
                    group.addTask {
                        let response = try await client.execute(
                            uri: Fixture.messagesURI,
                            method: .post,
                            headers: Fixture.auth,
                            body: Fixture.promoMessage(to: "9198123\(10000 + index)")
                        )
                        if response.status != .ok {
                            #expect(response.status == .tooManyRequests)
                            #expect(response.errorCode == 130429)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let truth = await simulator.groundTruth()
        #expect(truth.accepted + (truth.rejected["130429"] ?? 0) == 60)
        #expect((truth.rejected["130429"] ?? 0) > 0)
        #expect(truth.maxObservedRatePerSecond <= 20)
        #expect(truth.maxObservedRatePerSecond > 0)
    }
}
