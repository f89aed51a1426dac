import Foundation
import Simulator
import Testing

@testable import HeraldApp

/// A/B tests against `herald simulator` over real HTTP (design section 10, "End to end"): the simulator's
/// `spring_sale_bold` is truly clicked more often than `spring_sale` (0.40 against 0.18), and its ground truth says
/// who received what.
@Suite("A/B tests end to end through the simulator", .serialized)
struct ABTestEndToEndTests {
    /// 3,000 contacts: every tenth opted out, every twentieth (others) on a +1 number, the rest opted in.
    static func contactsJSON(count: Int) -> String {
        var rows: [String] = []
        for index in 0..<count {
            let (consent, phone) =
                switch index % 20 {
                case 0, 10: ("opted_out", "+9197\(String(format: "%08d", index))")
                case 5: ("opted_in", "+1202556\(String(format: "%04d", index))")
                default: ("opted_in", "+9197\(String(format: "%08d", index))")
                }
            rows.append(#"{"phone":"\#(phone)","name":"Person \#(index)","consent":"\#(consent)"}"#)
        }
        return "{\"contacts\":[\(rows.joined(separator: ","))]}"
    }

    static let contacts = 3000
    /// The outcome window. The simulator clicks within a fraction of a second of a send on a quiet machine, but behind
    /// thousands of status webhooks on a busy one (the whole suite runs in parallel) clicks were seen to land many
    /// seconds late, outside a 2 s window, leaving the test undecided: 20 s leaves room.
    static let window = 20
    /// Opted in and not on a +1 number: the audience of a MARKETING campaign.
    static let eligible = (0..<contacts).filter { ![0, 5, 10].contains($0 % 20) }

    struct Setup {
        let stack: LiveStack
        let testID: String
        let variations: [String: String]
        let campaignID: String
    }

    /// Contacts, a static segment of all of them, the account with both templates, and a draft test A/B on click.
    static func setUp(_ stack: LiveStack, autoSend: Bool = true) async throws -> Setup {
        await stack.simulator.addTemplate(DemoCatalog.abVariant(linkBase: stack.heraldURL))
        let imported = try await stack.api(.POST, "/api/contacts/bulk", Self.contactsJSON(count: contacts))
        #expect(imported.status == 200, "\(imported.json)")
        let segment = try await stack.api(.POST, "/api/segments/create", #"{"name":"Everyone","kind":"static","rules":{"combinator":"and","children":[]}}"#)
        #expect(segment.status == 201, "\(segment.json)")
        let account = try await stack.api(.POST, "/api/whatsapp/accounts", """
            {"name":"Sim","phone_number_id":"100000000000001","waba_id":"200000000000001","access_token":"e2e-token","app_secret":"e2e-app-secret",
             "verify_token":"v","api_base_url":"\(stack.simulatorURL)","throughput":1000,"messaging_tier":"TIER_UNLIMITED"}
            """)
        #expect(account.status == 201, "\(account.json)")
        let accountID = account.json["id"].string!
        #expect(try await stack.api(.POST, "/api/whatsapp/accounts/\(accountID)/templates/sync").json["synced"].number == 4)
        let templates = try await stack.api(.GET, "/api/templates").json["data"].array
        func id(_ name: String) -> String { templates.first { $0["name"].string == name }!["id"].string! }
        let variables = #""variables":{"1":{"field":"first_name","fallback":"there"},"2":{"text":"20%"}},"cta_url":"https://shop.example/spring""#
        let created = try await stack.api(.POST, "/api/ab-tests/create", """
            {"name":"Spring wording","account_id":"\(accountID)","audience":{"type":"segment","segment_id":"\(segment.json["id"].string!)"},
             "test_percentage":50,"duration_hours":1,"success_metric":"click","outcome_window_seconds":\(Self.window),"auto_send_winner":\(autoSend),
             "variations":[{"name":"A","template_id":"\(id("spring_sale"))",\(variables)},{"name":"B","template_id":"\(id("spring_sale_bold"))",\(variables)}]}
            """)
        #expect(created.status == 201, "\(created.json)")
        var variations: [String: String] = [:]
        for variation in created.json["variations"].array { variations[variation["name"].string!] = variation["id"].string! }
        return Setup(stack: stack, testID: created.json["id"].string!, variations: variations, campaignID: created.json["campaign_id"].string!)
    }

    /// Polls the test until `done` says so or the deadline passes; returns the last answer.
    static func wait(
        _ setup: Setup, seconds: Double = 240, until done: (HeraldApp.JSONValue) -> Bool
    ) async throws -> HeraldApp.JSONValue {
        var test = try await setup.stack.api(.GET, "/api/ab-tests/\(setup.testID)").json
        let deadline = Date().addingTimeInterval(seconds)
        while !done(test) && Date() < deadline {
            try await Task.sleep(for: .milliseconds(300))
            test = try await setup.stack.api(.GET, "/api/ab-tests/\(setup.testID)").json
        }
        return test
    }

    static func waitForCampaign(_ setup: Setup) async throws -> HeraldApp.JSONValue {
        var campaign = try await setup.stack.api(.GET, "/api/campaigns/\(setup.campaignID)").json
        let deadline = Date().addingTimeInterval(240)
        while campaign["status"].string != "completed" && Date() < deadline {
            try await Task.sleep(for: .milliseconds(300))
            campaign = try await setup.stack.api(.GET, "/api/campaigns/\(setup.campaignID)").json
        }
        return campaign
    }

    /// Every eligible contact received exactly one message and nobody else any; returns accepted sends per template.
    static func expectOneMessageEach(_ stack: LiveStack) async -> [String: Int] {
        let truth = await stack.simulator.groundTruth()
        let expected = Set(Self.eligible.map { "9197\(String(format: "%08d", $0))" })
        #expect(Set(truth.messagesPerRecipient.keys) == expected, "recipients: \(truth.messagesPerRecipient.count) of \(expected.count)")
        #expect(truth.messagesPerRecipient.values.allSatisfy { $0 == 1 }, "somebody got two messages")
        return truth.perTemplate.mapValues(\.accepted)
    }

    @Test("B truly clicks better: Herald declares B and sends it to the remaining audience, one message per contact", arguments: Engine.available)
    func automatic(engine: Engine) async throws {
        try await LiveStack.with(engine, simulator: { $0.batchSize = 100 }, herald: { $0.abTestEvaluationSeconds = 0.2 }) { stack in
            let setup = try await Self.setUp(stack)
            let started = try await stack.api(.POST, "/api/ab-tests/\(setup.testID)/start")
            #expect(started.status == 200, "\(started.json)")
            let test = try await Self.wait(setup) { $0["status"].string == "completed" }
            if test["status"].string != "completed" {
                let results = try await stack.api(.GET, "/api/ab-tests/\(setup.testID)/results").json
                Issue.record("not decided: \(test)\nresults: \(results)")
            }
            #expect(test["winner_variation_id"].string == setup.variations["B"], "\(test)")
            #expect(["sequential", "horizon"].contains(test["decision"]["kind"].string ?? ""), "\(test)")
            #expect(test["decision"]["by"].string == "herald")
            #expect(test["audience_size"].number == Double(Self.eligible.count))
            let testAudience = Int(test["test_audience_size"].number ?? 0)
            #expect(testAudience == (Self.eligible.count + 1) / 2)
            let campaign = try await Self.waitForCampaign(setup)
            #expect(campaign["status"].string == "completed", "\(campaign)")

            let accepted = await Self.expectOneMessageEach(stack)
            let results = try await stack.api(.GET, "/api/ab-tests/\(setup.testID)/results").json
            #expect(results["verdict"]["state"].string == "decided")
            let arms = results["variations"].array
            let testA = Int(arms[0]["messages"].number ?? -1)
            let testB = Int(arms[1]["messages"].number ?? -1)
            // Arm A's test messages went out as spring_sale; B's, the winner's to the rest, and any test message a sequential
            // stop caught still queued, as spring_sale_bold.
            #expect(accepted["spring_sale"] == testA, "\(accepted) A \(testA) B \(testB)")
            #expect(accepted["spring_sale_bold"] == Self.eligible.count - testA, "\(accepted)")
            #expect(testA + testB <= testAudience)
            #expect((arms[1]["rate"].number ?? 0) > (arms[0]["rate"].number ?? 1), "\(results)")
        }
    }

    @Test("a manual decision before Herald's sends the chosen variation instead, and Herald decides nothing after it", arguments: Engine.available)
    func manualOverride(engine: Engine) async throws {
        try await LiveStack.with(engine, simulator: { $0.batchSize = 100 }, herald: { $0.abTestEvaluationSeconds = 0.2 }) { stack in
            let setup = try await Self.setUp(stack)
            #expect(try await stack.api(.POST, "/api/ab-tests/\(setup.testID)/start").status == 200)
            // Right after the start: as soon as the audience is frozen (a 409 audience_not_ready until then).
            var declared = try await stack.api(
                .POST, "/api/ab-tests/\(setup.testID)/declare-winner", #"{"variation_id":"\#(setup.variations["A"]!)","reason":"house style"}"#
            )
            let deadline = Date().addingTimeInterval(60)
            while declared.status == 409 && declared.json["error"]["code"].string == "audience_not_ready" && Date() < deadline {
                try await Task.sleep(for: .milliseconds(50))
                declared = try await stack.api(
                    .POST, "/api/ab-tests/\(setup.testID)/declare-winner", #"{"variation_id":"\#(setup.variations["A"]!)","reason":"house style"}"#
                )
            }
            #expect(declared.status == 200, "\(declared.json)")
            let test = try await Self.wait(setup) { $0["status"].string == "completed" }
            #expect(test["winner_variation_id"].string == setup.variations["A"])
            #expect(test["decision"]["kind"].string == "manual")
            let campaign = try await Self.waitForCampaign(setup)
            #expect(campaign["status"].string == "completed", "\(campaign)")
            let accepted = await Self.expectOneMessageEach(stack)
            let results = try await stack.api(.GET, "/api/ab-tests/\(setup.testID)/results").json
            let testB = Int(results["variations"][1]["messages"].number ?? -1)
            // Only B's test messages already sent at the decision went out as B; everyone else got A.
            #expect(accepted["spring_sale_bold", default: 0] == testB, "\(accepted)")
            #expect(accepted["spring_sale", default: 0] == Self.eligible.count - testB, "\(accepted)")
            // Still completed by hand: no automatic decision came after it.
            try await Task.sleep(for: .seconds(1))
            let after = try await stack.api(.GET, "/api/ab-tests/\(setup.testID)").json
            #expect(after["decision"]["kind"].string == "manual" && after["decision"]["at"] == test["decision"]["at"])
        }
    }
}
