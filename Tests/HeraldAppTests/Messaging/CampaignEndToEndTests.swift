import AsyncHTTPClient
import Foundation
import Simulator
import Testing

@testable import HeraldApp

@Suite("End to end through the simulator", .serialized)
struct CampaignEndToEndTests {
    /// 10,000 contacts: most opted in, some opted out, some without consent, some on +1 numbers.
    static func contactsJSON(count: Int) -> String {
        var rows: [String] = []
        for index in 0..<count {
            let consent: String
            let phone: String
            switch index % 20 {
            case 0: (consent, phone) = ("opted_out", "+9198\(String(format: "%08d", index))")
            case 1: (consent, phone) = ("unknown", "+9198\(String(format: "%08d", index))")
            case 2: (consent, phone) = ("opted_in", "+1202555\(String(format: "%04d", index % 10_000))")
            default: (consent, phone) = ("opted_in", "+9198\(String(format: "%08d", index))")
            }
            rows.append(#"{"phone":"\#(phone)","name":"Person \#(index)","consent":"\#(consent)"}"#)
        }
        return "{\"contacts\":[\(rows.joined(separator: ","))]}"
    }

    @Test("a 10,000-contact campaign: Herald's counts equal the simulator's ground truth and opted-out contacts get nothing", arguments: Engine.available)
    func tenThousand(engine: Engine) async throws {
        try await LiveStack.with(engine, simulator: { $0.duplicateRate = 0.05; $0.reorderRate = 0.05; $0.batchSize = 100 }) { stack in
            let imported = try await stack.api(.POST, "/api/contacts/bulk", Self.contactsJSON(count: 10_000))
            #expect(imported.status == 200, "\(imported.json)")
            let account = try await stack.api(.POST, "/api/whatsapp/accounts", """
                {"name":"Sim","phone_number_id":"100000000000001","waba_id":"200000000000001","access_token":"e2e-token","app_secret":"e2e-app-secret",
                 "verify_token":"v","api_base_url":"\(stack.simulatorURL)","throughput":1000,"messaging_tier":"TIER_UNLIMITED"}
                """)
            #expect(account.status == 201, "\(account.json)")
            let accountID = account.json["id"].string!
            #expect(try await stack.api(.POST, "/api/whatsapp/accounts/\(accountID)/templates/sync").json["synced"].number == 3)
            let template = try await stack.api(.GET, "/api/templates").json["data"].array.first { $0["name"].string == "spring_sale" }!
            let campaign = try await stack.api(.POST, "/api/campaigns", """
                {"name":"Spring","template_id":"\(template["id"].string!)","variables":{"1":{"field":"first_name","fallback":"there"},"2":{"text":"20%"}},
                 "cta_url":"https://shop.example/spring"}
                """)
            #expect(campaign.status == 201, "\(campaign.json)")
            let id = campaign.json["id"].string!
            let preflight = try await stack.api(.GET, "/api/campaigns/\(id)/preflight").json
            #expect(preflight["eligible"].number == 8500)
            #expect(try await stack.api(.POST, "/api/campaigns/\(id)/schedule").status == 200)

            var detail = try await stack.api(.GET, "/api/campaigns/\(id)").json
            let deadline = Date().addingTimeInterval(240)
            while detail["status"].string != "completed" && Date() < deadline {
                try await Task.sleep(for: .milliseconds(500))
                detail = try await stack.api(.GET, "/api/campaigns/\(id)").json
            }
            #expect(detail["status"].string == "completed", "\(detail)")

            // Wait for the last webhooks to be delivered and applied.
            var truth = await stack.simulator.groundTruth()
            func matches(_ d: HeraldApp.JSONValue, _ t: GroundTruth) -> Bool {
                let s = d["stats"]
                return s["sent"].number == Double(t.sent) && s["delivered"].number == Double(t.delivered) && s["read"].number == Double(t.read)
                    && s["clicked"].number == Double(t.clicked) && s["failed"].number == Double(t.failed)
                    && d["reply_events"].number == Double(t.quickReplies + t.textReplies + t.stops)
            }
            let settle = Date().addingTimeInterval(120)
            while Date() < settle {
                truth = await stack.simulator.groundTruth()
                detail = try await stack.api(.GET, "/api/campaigns/\(id)").json
                if truth.pendingEvents == 0 && matches(detail, truth) { break }
                try await Task.sleep(for: .milliseconds(500))
            }
            let stats = detail["stats"]
            #expect(truth.accepted == 8500)
            #expect(stats["accepted"].number == Double(truth.accepted))
            #expect(stats["sent"].number == Double(truth.sent), "sent: herald \(stats["sent"]) truth \(truth.sent)")
            #expect(stats["delivered"].number == Double(truth.delivered), "delivered: herald \(stats["delivered"]) truth \(truth.delivered)")
            #expect(stats["read"].number == Double(truth.read), "read: herald \(stats["read"]) truth \(truth.read)")
            #expect(stats["clicked"].number == Double(truth.clicked), "clicked: herald \(stats["clicked"]) truth \(truth.clicked)")
            #expect(stats["failed"].number == Double(truth.failed), "failed: herald \(stats["failed"]) truth \(truth.failed)")
            #expect(detail["reply_events"].number == Double(truth.quickReplies + truth.textReplies + truth.stops), "replies: \(detail["reply_events"]) truth \(truth)")
            #expect(truth.failed > 0 && truth.clicked > 0 && truth.stops + truth.quickReplies > 0, "the run exercises every outcome: \(truth)")
            #expect(truth.maxObservedRatePerSecond <= 1000)

            // Nobody got two messages, and nobody opted out, without consent or on +1 got any.
            #expect(truth.messagesPerRecipient.values.allSatisfy { $0 == 1 })
            let received = Set(truth.messagesPerRecipient.keys)
            for index in 0..<10_000 where index % 20 < 3 {
                let phone = index % 20 == 2 ? "1202555\(String(format: "%04d", index % 10_000))" : "9198\(String(format: "%08d", index))"
                #expect(!received.contains(phone), "\(phone) must not receive the campaign")
            }
        }
    }
}
