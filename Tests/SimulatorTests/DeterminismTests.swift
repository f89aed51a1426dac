import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Simulator

@Suite("determinism")
struct DeterminismTests {
    static func outcomes(seed: UInt64, concurrently: Bool, reversed: Bool) async throws -> GroundTruth {
        let simulator = await Fixture.simulator(Fixture.config(seed: seed, behaviour: WebhookDeliveryTests.lively))
        try await simulator.makeApplication().test(.router) { client in
            try await WebhookDeliveryTests.sendPromos(client, count: 200, concurrently: concurrently, reversed: reversed)
        }
        return await simulator.groundTruth().outcomes
    }

    @Test("the same seed and recipients give the same ground truth, whatever the order of sends")
    func sameSeed() async throws {
        let first = try await Self.outcomes(seed: 42, concurrently: false, reversed: false)
        let second = try await Self.outcomes(seed: 42, concurrently: true, reversed: true)
        #expect(first == second)
        #expect(first.accepted == 200)
        #expect(first.read > 0 && first.failed > 0)
    }

    @Test("a different seed gives different outcomes")
    func otherSeed() async throws {
        let first = try await Self.outcomes(seed: 1, concurrently: false, reversed: false)
        let second = try await Self.outcomes(seed: 2, concurrently: false, reversed: false)
        #expect(first != second)
    }

    @Test("reset clears counters and restarts per-recipient ordinals")
    func resetRepeats() async throws {
        let simulator = await Fixture.simulator(Fixture.config(seed: 7, behaviour: WebhookDeliveryTests.lively))
        try await simulator.makeApplication().test(.router) { client in
            try await WebhookDeliveryTests.sendPromos(client, count: 50)
            let before = await simulator.groundTruth().outcomes
            let reset = try await client.execute(uri: "/_simulator/reset", method: .post)
            #expect(reset.status == .ok)
            #expect(await simulator.groundTruth() == GroundTruth())
            try await WebhookDeliveryTests.sendPromos(client, count: 50)
            #expect(await simulator.groundTruth().outcomes == before)
        }
    }

    @Test("an outcome plan depends only on the seed and the message's identity")
    func planIsPure() {
        let message = AcceptedMessage(
            wamid: "wamid.x",
            recipient: "919812345678",
            templateName: "promo",
            category: "marketing",
            clickURL: "https://x/1"
        )
        func plan() -> OutcomePlan {
            var rng = SplitMix64(seed: 9, parts: [message.recipient, "promo", "0"])
            var ids = MessageIDs()
            return OutcomePlan(
                message: message,
                behaviour: WebhookDeliveryTests.lively,
                rng: &rng,
                timeScale: 1,
                now: 0,
                businessPhone: "1555",
                ids: &ids
            )
        }
        let (a, b) = (plan(), plan())
        #expect(a.failedCode == b.failedCode && a.delivered == b.delivered && a.read == b.read && a.clicked == b.clicked)
        #expect(a.events.map(\.delay) == b.events.map(\.delay))
    }
}
