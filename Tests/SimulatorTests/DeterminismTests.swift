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
            user: SimulatedUsers.identity(phone: "919812345678", seed: 9, usernameShare: 0),
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

@Suite("simulated users")
struct SimulatedUserTests {
    static func isMetaBSUID(_ id: String) -> Bool {
        id.wholeMatch(of: /[A-Z]{2}\.\d{19}/) != nil  // pywa requires ^[A-Z]{2}\.\d+$
    }

    @Test("the same seed gives every phone the same BSUID, of the phone's country, digits only")
    func sameSeedSameBSUID() {
        let phones = ["447700910000", "919812345678", "14155550100", "4915112345678", "5511987654321", "99912345"]
        let first = phones.map { SimulatedUsers.identity(phone: $0, seed: 42, usernameShare: 0.3) }
        let again = phones.map { SimulatedUsers.identity(phone: $0, seed: 42, usernameShare: 0.3) }
        #expect(first == again)
        #expect(first.map(\.country) == ["GB", "IN", "US", "DE", "BR", "ZZ"])
        #expect(first.allSatisfy { Self.isMetaBSUID($0.bsuid) })
        #expect(Set(first.map(\.bsuid)).count == phones.count)
        let otherSeed = phones.map { SimulatedUsers.identity(phone: $0, seed: 43, usernameShare: 0.3).bsuid }
        #expect(Set(otherSeed).isDisjoint(with: first.map(\.bsuid)))
    }

    @Test("about usernameShare of users have a username, and the share changes no BSUID")
    func usernameShare() {
        let phones = (0..<2_000).map { "4477009\(10_000 + $0)" }
        let none = phones.map { SimulatedUsers.identity(phone: $0, seed: 5, usernameShare: 0) }
        let some = phones.map { SimulatedUsers.identity(phone: $0, seed: 5, usernameShare: 0.3) }
        #expect(none.allSatisfy { $0.username == nil })
        #expect((500...700).contains(some.filter { $0.username != nil }.count))
        #expect(none.map(\.bsuid) == some.map(\.bsuid))
        #expect(some.compactMap(\.username).allSatisfy { $0.wholeMatch(of: /[a-z]+\.\d{4}/) != nil })
    }

    @Test("a username user's phone is withheld until the business sends to it with to")
    func contactBook() {
        var users = SimulatedUsers(seed: 5, usernameShare: 1)
        let user = users.user(phone: "447700910001")
        #expect(user.username != nil)
        #expect(!users.sharesPhone(user))
        users.sentByPhone("447700910001")
        #expect(users.sharesPhone(user))
        var plain = SimulatedUsers(seed: 5, usernameShare: 0)
        #expect(plain.sharesPhone(plain.user(phone: "447700910001")))
        let stranger = plain.user(bsuid: "GB.1234")
        #expect(stranger.phone == nil && stranger.country == "GB" && !plain.sharesPhone(stranger))
    }

    @Test("recipient accepts a BSUID or parent BSUID and nothing else")
    func bsuidFormat() {
        for good in ["US.13491208655302741918", "GB.a1B2", "US.ENT.1181", "IN.0"] { #expect(SimulatedUsers.isBSUID(good), "\(good)") }
        for bad in ["us.123", "US123", "US.", "U.123", "US.12-3", "US.\(String(repeating: "1", count: 129))", "919812345678"] {
            #expect(!SimulatedUsers.isBSUID(bad), "\(bad)")
        }
    }

    @Test("the simulator reports the same identity for a phone as the seed gives")
    func simulatorUser() async {
        var config = Fixture.config(seed: 9)
        config.usernameShare = 0.5
        let simulator = await Fixture.simulator(config)
        let user = await simulator.user(phone: "+447700910002")
        #expect(user == SimulatedUsers.identity(phone: "447700910002", seed: 9, usernameShare: 0.5))
    }
}
