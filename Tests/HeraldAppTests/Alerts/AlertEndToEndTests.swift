import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import HeraldApp

@Suite("Alerts end to end through the simulator", .serialized)
struct AlertEndToEndTests {
    static func contacts(_ range: Range<Int>) -> String {
        let rows = range.map { #"{"phone":"+9197\#(String(format: "%08d", $0))","name":"Person \#($0)","consent":"opted_in"}"# }
        return "{\"contacts\":[\(rows.joined(separator: ","))]}"
    }

    /// The receiver's check of a notification: t and v1 from the header, HMAC-SHA256 of "<t>.<body>" with the secret.
    static func signatureIsValid(_ request: AlertReceiver.Received, secret: String) -> Bool {
        let parts = Dictionary((request.signature ?? "").split(separator: ",").map {
            let pair = $0.split(separator: "=", maxSplits: 1)
            return (String(pair[0]), pair.count > 1 ? String(pair[1]) : "")
        }, uniquingKeysWith: { a, _ in a })
        guard let t = parts["t"] else { return false }
        var signed = Data("\(t).".utf8)
        signed.append(request.body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8))).map { String(format: "%02x", $0) }.joined()
        return parts["v1"] == mac
    }

    static func state(_ request: AlertReceiver.Received) -> String? { (try? JSONValue.parse(request.body))?["herald"]["state"].string }

    @Test("30 % of 400 deliveries failing with 131026 fire one episode, notified once with a valid signature (after a 500), resolved by 2,000 delivered",
          arguments: Engine.available)
    func failingDeliveries(engine: Engine) async throws {
        let receiver = AlertReceiver()
        await receiver.answer([500])
        try await AlertReceiver.run(receiver) { hookURL in
            try await LiveStack.with(engine, herald: {
                $0.alerts.interval = 0.2
                $0.alerts.grace = 0
                $0.alerts.retryBase = 0.2
                $0.alerts.allowHTTP = true
            }) { stack in
                let hook = try await stack.api(.POST, "/api/alerts/webhooks", #"{"name": "Ops", "url": "\#(hookURL)"}"#)
                #expect(hook.status == 201, "\(hook.json)")
                let secret = try #require(hook.json["secret"].string)
                // One workspace-wide delivery rule (the design's arithmetic: (280 + 2,000) / 2,400), and the built-ins that
                // would also see these sends (per campaign, the 131026 spike, the read norm) switched off, so one rule speaks.
                let rules = try await stack.api(.GET, "/api/alerts/rules").json["data"].array
                for rule in rules where ["delivery_rate", "error_code_spike", "read_rate_vs_norm"].contains(rule["builtin"].string ?? "") {
                    #expect(try await stack.api(.PUT, "/api/alerts/rules/\(rule["id"].string!)", #"{"enabled": false}"#).status == 200)
                }
                let rule = try await stack.api(.POST, "/api/alerts/rules", """
                    {"name": "Delivery under 90 %", "metric": "delivery_rate", "threshold": 0.9, "window_seconds": 3600, "min_volume": 200, "scope": "workspace"}
                    """)
                #expect(rule.status == 201, "\(rule.json)")

                #expect(try await stack.api(.POST, "/api/contacts/bulk", Self.contacts(0..<400)).status == 200)
                let account = try await stack.api(.POST, "/api/whatsapp/accounts", """
                    {"name":"Sim","phone_number_id":"100000000000001","waba_id":"200000000000001","access_token":"e2e-token","app_secret":"e2e-app-secret",
                     "verify_token":"v","api_base_url":"\(stack.simulatorURL)","throughput":1000,"messaging_tier":"TIER_UNLIMITED"}
                    """)
                #expect(account.status == 201, "\(account.json)")
                #expect(try await stack.api(.POST, "/api/whatsapp/accounts/\(account.json["id"].string!)/templates/sync").status == 200)
                let template = try await stack.api(.GET, "/api/templates").json["data"].array.first { $0["name"].string == "spring_sale" }!
                try await behave(stack, #"{"deliverRate": 1, "failures": {"131026": 0.3}}"#)

                func send(_ name: String) async throws {
                    let campaign = try await stack.api(.POST, "/api/campaigns", """
                        {"name":"\(name)","template_id":"\(template["id"].string!)","variables":{"1":{"field":"first_name","fallback":"there"},"2":{"text":"20%"}},
                         "cta_url":"https://shop.example/spring"}
                        """)
                    #expect(campaign.status == 201, "\(campaign.json)")
                    #expect(try await stack.api(.POST, "/api/campaigns/\(campaign.json["id"].string!)/schedule").status == 200)
                }
                func episodes() async throws -> [JSONValue] {
                    try await stack.api(.GET, "/api/alerts").json["data"].array.filter { $0["rule_id"].string != nil }
                }
                try await send("Failing")
                // Hang guards, generous because the whole suite runs in parallel beside this test on two cores.
                var open: [JSONValue] = []
                let fireBy = Date().addingTimeInterval(180)
                while open.isEmpty && Date() < fireBy {
                    try await Task.sleep(for: .milliseconds(250))
                    open = try await episodes()
                }
                #expect(open.count == 1)
                #expect(open.first?["kind"].string == "delivery_rate")
                #expect((open.first?["value"].number ?? 1) < 0.8)
                let fired = await receiver.waitFor(2, seconds: 60)
                #expect(fired.count == 2, "a 500, then the retry")
                #expect(fired.count == 2 && fired[0].delivery == fired[1].delivery)
                #expect(fired.allSatisfy { Self.signatureIsValid($0, secret: secret) && Self.state($0) == "fired" })

                // Deliveries recover: 1,600 more contacts and a campaign to all 2,000, fully delivered.
                try await behave(stack, #"{"deliverRate": 1, "failures": {}}"#)
                #expect(try await stack.api(.POST, "/api/contacts/bulk", Self.contacts(400..<2000)).status == 200)
                try await send("Recovered")
                var resolved = false
                let resolveBy = Date().addingTimeInterval(360)
                while !resolved && Date() < resolveBy {
                    try await Task.sleep(for: .milliseconds(250))
                    resolved = try await episodes().first?["resolved_at"].string != nil
                }
                #expect(resolved)
                let all = await receiver.waitFor(3, seconds: 60)
                #expect(all.count == 3)
                #expect(all.last.map { Self.signatureIsValid($0, secret: secret) && Self.state($0) == "resolved" } == true)
                #expect(try await episodes().count == 1)
                try await Task.sleep(for: .milliseconds(600))
                #expect(await receiver.received.count == 3, "nothing more after the episode closed")
            }
        }
    }

    func behave(_ stack: LiveStack, _ json: String) async throws {
        var request = HTTPClientRequest(url: stack.simulatorURL + "/_simulator/templates/spring_sale/behaviour")
        request.method = .PUT
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        #expect(response.status == .ok)
    }
}
