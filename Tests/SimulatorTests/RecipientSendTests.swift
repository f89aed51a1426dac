import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Simulator

@Suite("POST /messages by recipient (BSUID)")
struct RecipientSendTests {
    @Test("a send by recipient answers with the BSUID as user_id and is counted under the BSUID")
    func byRecipient() async throws {
        let simulator = await Fixture.simulator()
        let bsuid = await simulator.user(phone: "447700910003").bsuid
        try await simulator.makeApplication().test(.router) { client in
            let response = try await client.execute(
                uri: Fixture.messagesURI,
                method: .post,
                headers: Fixture.auth,
                body: Fixture.promoMessage(to: nil, recipient: bsuid)
            )
            #expect(response.status == .ok)
            #expect(response.json["contacts"] as? [[String: String]] == [["input": bsuid, "user_id": bsuid]])
        }
        let truth = await simulator.groundTruth()
        #expect(truth.messagesPerRecipient == [bsuid: 1])
        #expect(truth.acceptedByAddress == ["recipient": 1])
    }

    @Test("with both to and recipient, to wins")
    func toWins() async throws {
        let simulator = await Fixture.simulator()
        try await simulator.makeApplication().test(.router) { client in
            let response = try await client.execute(
                uri: Fixture.messagesURI,
                method: .post,
                headers: Fixture.auth,
                body: Fixture.promoMessage(to: "+447700910004", recipient: "GB.1234567890123456789")
            )
            #expect(response.json["contacts"] as? [[String: String]] == [["input": "+447700910004", "wa_id": "447700910004"]])
        }
        let truth = await simulator.groundTruth()
        #expect(truth.messagesPerRecipient == ["447700910004": 1])
        #expect(truth.acceptedByAddress == ["to": 1])
    }

    @Test("a malformed recipient is error 100 that names recipient", arguments: ["gb.123", "447700910004", "GB.", "GB.12 3"])
    func malformed(recipient: String) async throws {
        let simulator = await Fixture.simulator()
        try await simulator.makeApplication().test(.router) { client in
            let response = try await client.execute(
                uri: Fixture.messagesURI,
                method: .post,
                headers: Fixture.auth,
                body: Fixture.promoMessage(to: nil, recipient: recipient)
            )
            #expect(response.status == .badRequest)
            #expect(response.errorCode == 100)
            let details = ((response.json["error"] as? [String: Any])?["error_data"] as? [String: Any])?["details"] as? String
            #expect(details?.contains("recipient") == true, "\(details ?? "")")
        }
        #expect(await simulator.groundTruth().rejected == ["100": 1])
    }

    @Test("a send with neither to nor recipient is error 100")
    func noAddress() async throws {
        let simulator = await Fixture.simulator()
        try await simulator.makeApplication().test(.router) { client in
            let response = try await client.execute(
                uri: Fixture.messagesURI,
                method: .post,
                headers: Fixture.auth,
                body: Fixture.promoMessage(to: nil)
            )
            #expect(response.errorCode == 100)
        }
    }

    @Test("an unknown but well-formed BSUID is accepted as a user of its country")
    func unknownBSUID() async throws {
        let simulator = await Fixture.simulator(Fixture.config(behaviour: .perfect))
        try await simulator.makeApplication().test(.router) { client in
            let response = try await client.execute(
                uri: Fixture.messagesURI,
                method: .post,
                headers: Fixture.auth,
                body: Fixture.promoMessage(to: nil, recipient: "DE.ENT.77")
            )
            #expect(response.status == .ok)
        }
        let truth = await simulator.groundTruth()
        #expect(truth.accepted == 1 && truth.failed == 0)
    }

    @Test("marketing to a BSUID of a +1 country fails with 131026, as to a +1 phone", arguments: ["US.13491208655302741918", "CA.42"])
    func northAmericanMarketing(bsuid: String) async throws {
        let simulator = await Fixture.simulator(Fixture.config(behaviour: .perfect))
        try await simulator.makeApplication().test(.router) { client in
            let response = try await client.execute(
                uri: Fixture.messagesURI,
                method: .post,
                headers: Fixture.auth,
                body: Fixture.promoMessage(to: nil, recipient: bsuid)
            )
            #expect(response.status == .ok)
        }
        #expect(await simulator.groundTruth().failedByCode == ["131026": 1])
    }

    @Test("a text by recipient needs the user to have written, like a text by phone")
    func textWindow() async throws {
        let simulator = await Fixture.simulator()
        let bsuid = await simulator.user(phone: "447700910005").bsuid
        try await simulator.makeApplication().test(.router) { client in
            let text = Fixture.json(["messaging_product": "whatsapp", "recipient": bsuid, "type": "text", "text": ["body": "Hello"]])
            let before = try await client.execute(uri: Fixture.messagesURI, method: .post, headers: Fixture.auth, body: text)
            #expect(before.errorCode == 131047)
            await simulator.receive(from: "447700910005", text: "hi")
            let after = try await client.execute(uri: Fixture.messagesURI, method: .post, headers: Fixture.auth, body: text)
            #expect(after.status == .ok)
        }
    }
}
