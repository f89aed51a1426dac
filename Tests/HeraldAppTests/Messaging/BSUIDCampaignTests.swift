import AsyncHTTPClient
import Foundation
import Simulator
import Testing

@testable import HeraldApp

@Suite("Campaigns to users known only by BSUID", .serialized)
struct BSUIDCampaignTests {
    @Test("a contact known only by BSUID is sent to with recipient and its statuses move that message; a US BSUID gets no marketing", arguments: Engine.available)
    func sendsByRecipient(engine: Engine) async throws {
        try await LiveStack.with(engine) { stack in
            var template = DemoCatalog.templates(linkBase: stack.heraldURL)[0]
            template.name = "bsuid_check"
            template.behaviour = .perfect
            await stack.simulator.addTemplate(template)
            let imported = try await stack.api(.POST, "/api/contacts/bulk", """
                {"contacts":[{"phone":"+919811112222","name":"Asha","consent":"opted_in"},
                             {"bsuid":"IN.4242424242424242424","username":"riya.k","name":"Riya","consent":"opted_in"},
                             {"bsuid":"US.1313131313131313131","name":"Sam","consent":"opted_in"}]}
                """)
            #expect(imported.status == 200, "\(imported.json)")
            let riya = try #require(try await stack.api(.GET, "/api/contacts").json["data"].array.first { $0["name"].string == "Riya" })
            let riyaID = try #require(riya["id"].string)
            #expect(riya["phone"] == .null && riya["bsuid"].string == "IN.4242424242424242424")

            let account = try await stack.api(.POST, "/api/whatsapp/accounts", """
                {"name":"Sim","phone_number_id":"100000000000001","waba_id":"200000000000001","access_token":"e2e-token","app_secret":"e2e-app-secret",
                 "verify_token":"v","api_base_url":"\(stack.simulatorURL)","throughput":1000,"messaging_tier":"TIER_UNLIMITED"}
                """)
            #expect(account.status == 201, "\(account.json)")
            let accountID = try #require(account.json["id"].string)
            #expect(try await stack.api(.POST, "/api/whatsapp/accounts/\(accountID)/templates/sync").json["synced"].number == 4)
            let stored = try #require(try await stack.api(.GET, "/api/templates").json["data"].array.first { $0["name"].string == "bsuid_check" })
            let campaign = try await stack.api(.POST, "/api/campaigns", """
                {"name":"By BSUID","template_id":"\(stored["id"].string!)","variables":{"1":{"field":"first_name","fallback":"there"},"2":{"text":"20%"}},
                 "cta_url":"https://shop.example/spring"}
                """)
            #expect(campaign.status == 201, "\(campaign.json)")
            let id = try #require(campaign.json["id"].string)
            let preflight = try await stack.api(.GET, "/api/campaigns/\(id)/preflight").json
            #expect(preflight["eligible"].number == 2, "\(preflight)")
            #expect(preflight["unreachable"].number == 1, "the US user's BSUID counts like a +1 number: \(preflight)")
            #expect(try await stack.api(.POST, "/api/campaigns/\(id)/schedule").status == 200)

            var messages: [HeraldApp.JSONValue] = []
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                messages = try await stack.api(.GET, "/api/campaigns/\(id)/messages").json["data"].array
                let truth = await stack.simulator.groundTruth()
                if messages.count == 2 && messages.allSatisfy({ $0["status"].string == "read" }) && truth.pendingEvents == 0 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            let truth = await stack.simulator.groundTruth()
            #expect(truth.acceptedByAddress["recipient"] == 1, "\(truth.acceptedByAddress)")
            #expect(truth.acceptedByAddress["to"] == 1, "\(truth.acceptedByAddress)")
            #expect(truth.messagesPerRecipient["IN.4242424242424242424"] == 1)
            #expect(truth.messagesPerRecipient["US.1313131313131313131"] == nil)
            let toRiya = try #require(messages.first { $0["contact_id"].string == riyaID }, "\(messages)")
            #expect(toRiya["bsuid"].string == "IN.4242424242424242424")
            #expect(toRiya["phone"] == .null)
            #expect(toRiya["status"].string == "read", "statuses found the message sent by BSUID: \(toRiya)")
            #expect(toRiya["wamid"].string != nil)
        }
    }
}
