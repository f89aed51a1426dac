import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Simulator

@Suite("PUT /_simulator/templates/{name}/behaviour")
struct TemplateBehaviourRouteTests {
    static let json: HTTPFields = [.contentType: "application/json"]

    @Test("a template without behaviour is given its own rates, which its sends use while other templates keep the default")
    func setsTemplateBehaviour() async throws {
        // Nobody clicks by default; the template created without behaviour then gets a click rate of 1.
        let simulator = await Fixture.simulator(Fixture.config(behaviour: .perfect), templates: [Fixture.promo(), Fixture.promo(name: "plain")])
        try await simulator.makeApplication().test(.router) { client in
            let put = try await client.execute(
                uri: "/_simulator/templates/promo/behaviour?language=en_US",
                method: .put,
                headers: Self.json,
                body: Fixture.json(["deliverRate": 1, "readRate": 1, "clickRate": 1, "failures": [String: Double]()])
            )
            #expect(put.status == .ok)
            #expect(put.json["clickRate"] as? Double == 1)
            #expect(put.json["quickReplyRate"] as? Double == 0.05)
            for index in 0..<20 {
                let phone = "9198123450\(String(format: "%02d", index))"
                for name in ["promo", "plain"] {
                    let sent = try await client.execute(
                        uri: Fixture.messagesURI,
                        method: .post,
                        headers: Fixture.auth,
                        body: Fixture.promoMessage(to: phone, name: name)
                    )
                    #expect(sent.status == .ok)
                }
            }
            let truth = try await waitUntilSettled(simulator)
            #expect(truth.perTemplate["promo"]?.read == 20)
            #expect(truth.perTemplate["promo"]?.clicked == 20)
            #expect(truth.perTemplate["plain"]?.read == 20)
            #expect(truth.perTemplate["plain"]?.clicked == 0)
        }
    }

    @Test("the language defaults to en_US and names which of a template's languages changes")
    func language() async throws {
        var spanish = Fixture.promo()
        spanish.language = "es"
        let simulator = await Fixture.simulator(templates: [spanish])
        try await simulator.makeApplication().test(.router) { client in
            let body = Fixture.json(["clickRate": 0.4])
            let english = try await client.execute(uri: "/_simulator/templates/promo/behaviour", method: .put, headers: Self.json, body: body)
            #expect(english.status == .notFound)
            let found = try await client.execute(
                uri: "/_simulator/templates/promo/behaviour?language=es",
                method: .put,
                headers: Self.json,
                body: body
            )
            #expect(found.status == .ok)
        }
        let record = await simulator.state.template(.init(name: "promo", language: "es"))
        #expect(record?.template.behaviour?.clickRate == 0.4)
    }

    @Test("an unknown template is 404, a body that is not a behaviour or a rate outside 0 to 1 is 400, and nothing changes")
    func badRequests() async throws {
        let simulator = await Fixture.simulator()
        try await simulator.makeApplication().test(.router) { client in
            let unknown = try await client.execute(
                uri: "/_simulator/templates/nope/behaviour?language=en_US",
                method: .put,
                headers: Self.json,
                body: Fixture.json(["clickRate": 0.4])
            )
            #expect(unknown.status == .notFound)
            for body in [
                ByteBuffer(string: "{not json"), Fixture.json(["clickRate": "high"]), Fixture.json(["clickRate": 1.5]),
                Fixture.json(["readDelay": -1]),
            ] {
                let bad = try await client.execute(uri: "/_simulator/templates/promo/behaviour", method: .put, headers: Self.json, body: body)
                #expect(bad.status == .badRequest)
            }
        }
        let record = await simulator.state.template(.init(name: "promo", language: "en_US"))
        #expect(record != nil && record?.template.behaviour == nil)
    }
}
