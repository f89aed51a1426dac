import Crypto
import Foundation
import SQLKit
import Storage
import Testing

@testable import HeraldApp

@Suite("Alert webhooks")
struct AlertWebhookTests {
    @Test("the signature is HMAC-SHA256 of '<t>.<body>' in hex, as any HMAC library computes it")
    func signature() {
        let header = AlertSignature.header(secret: "whsec_test", timestamp: 1_780_000_000, body: Data(#"{"text":"hi"}"#.utf8))
        #expect(header == "t=1780000000,v1=f4b3d125d44ad1afc605e28fdce6027c455cfe6f48297d7659674a58d9bb1872")
    }

    @Test("retries wait 30 s doubling to an hour at most, within 20 % either way")
    func backoff() {
        let policy = AlertRetryPolicy()
        #expect(policy.delay(afterAttempt: 1, unit: 0.5) == 30)
        #expect(policy.delay(afterAttempt: 2, unit: 0.5) == 60)
        #expect(policy.delay(afterAttempt: 7, unit: 0.5) == 1920)
        #expect(policy.delay(afterAttempt: 8, unit: 0.5) == 3600)
        #expect(policy.delay(afterAttempt: 9, unit: 0) == 2880)
        #expect(abs(policy.delay(afterAttempt: 1, unit: 0.999_999) - 36) < 0.001)
        #expect(AlertRetryPolicy(base: 0.2).delay(afterAttempt: 1, unit: 0.5) == 0.2)
    }

    @Test("2xx is delivered; 408, 429, 5xx and no answer are retried; other statuses fail at once")
    func outcomes() {
        #expect(AlertDeliveryOutcome(status: 204) == .delivered)
        for status in [408, 429, 500, 503] { #expect(AlertDeliveryOutcome(status: status) == .retry) }
        #expect(AlertDeliveryOutcome(status: nil) == .retry)
        for status in [301, 400, 401, 404, 410] { #expect(AlertDeliveryOutcome(status: status) == .rejected) }
    }

    @Test("the body is Slack's text with a link plus the herald object; Slack's control characters are escaped")
    func body() throws {
        let id = UUID()
        let notice = AlertNotice(
            alertID: id, rule: "Delivery", ruleID: nil, level: "warning", state: .fired, value: 0.7, message: "Rate <70 %> & falling",
            campaignID: nil, campaign: "Spring", at: Date(timeIntervalSince1970: 0)
        )
        let json = try JSONValue.parse(try notice.body(baseURL: "https://h.example"))
        let url = "https://h.example/alerts#alert-\(id.uuidString.lowercased())"
        #expect(json["text"].string == ":warning: Alert: Rate &lt;70 %&gt; &amp; falling <\(url)|Open in Herald>")
        #expect(json["herald"]["url"].string == url)
        #expect(json["herald"]["state"].string == "fired")
        #expect(json["herald"]["alert_id"].string == id.uuidString.lowercased())
        #expect(json["herald"]["value"].number == 0.7)
        #expect(json["herald"]["campaign"].string == "Spring")
    }

    @Test("a fired episode reaches the receiver signed with the secret shown once; a 500 is retried, a 400 fails at once", arguments: Engine.available)
    func delivery(engine: Engine) async throws {
        let receiver = AlertReceiver()
        try await AlertReceiver.run(receiver) { url in
            try await AlertFixture.with(engine) { f in
                let created = try await f.app.request(.post, "/api/alerts/webhooks", json: #"{"name": "Ops", "url": "\#(url)"}"#)
                #expect(created.status == .created)
                let secret = try #require(created.json["secret"].string)
                #expect(secret.hasPrefix("whsec_"))
                #expect(try await f.app.request(.get, "/api/alerts/webhooks").json["data"][0]["secret"] == .null)

                await receiver.answer([500])
                let campaign = try await f.campaign("Spring sale")
                try await f.cell(campaign, at: Date().addingTimeInterval(-60), sent: 300, delivered: 100)
                let worker = f.worker()
                #expect(try await worker.evaluateDue())
                #expect(try await worker.deliverDue())
                #expect(try await f.count("alert_notifications", "status = 'pending' AND attempts = 1 AND last_status = 500") == 1)
                try await Task.sleep(for: .milliseconds(400))
                #expect(try await worker.deliverDue())
                let requests = await receiver.waitFor(2)
                #expect(requests.count == 2)
                #expect(try await f.count("alert_notifications", "status = 'delivered' AND attempts = 2") == 1)
                let last = try #require(requests.last)
                #expect(requests.first?.delivery == last.delivery)
                // The receiver's check: t and v1 from the header, HMAC-SHA256 of "<t>.<body>" with the secret.
                let parts = Dictionary(uniqueKeysWithValues: (last.signature ?? "").split(separator: ",").map {
                    let pair = $0.split(separator: "=", maxSplits: 1)
                    return (String(pair[0]), String(pair.count > 1 ? pair[1] : ""))
                })
                let t = try #require(parts["t"])
                var signed = Data("\(t).".utf8)
                signed.append(last.body)
                let expected = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8))).map { String(format: "%02x", $0) }.joined()
                #expect(parts["v1"] == expected)
                #expect(abs(Double(t)! - Date().timeIntervalSince1970) < 60)
                let json = try JSONValue.parse(last.body)
                #expect(json["herald"]["state"].string == "fired")
                #expect(json["herald"]["campaign"].string == "Spring sale")
                #expect(json["text"].string?.contains("Spring sale") == true)

                // Resolved by hand: a resolved notification, refused with 400, fails at once with an info alert.
                await receiver.answer([400])
                let episode = try #require(try await f.episodes().first)
                #expect(try await f.app.request(.post, "/api/alerts/\(episode.id)/resolve").status == .noContent)
                #expect(try await worker.deliverDue())
                #expect(await receiver.waitFor(3).count == 3)
                #expect(try await f.count("alert_notifications", "event = 'resolved' AND status = 'failed' AND attempts = 1 AND last_status = 400") == 1)
                #expect(try await f.count("alerts", "kind = 'alert_webhook_failed' AND level = 'info'") == 1)
            }
        }
    }

    @Test("after the tenth failed attempt a notification is given up", arguments: Engine.available)
    func tenAttempts(engine: Engine) async throws {
        let receiver = AlertReceiver()
        try await AlertReceiver.run(receiver) { url in
            try await AlertFixture.with(engine) { f in
                #expect(try await f.app.request(.post, "/api/alerts/webhooks", json: #"{"name": "Ops", "url": "\#(url)"}"#).status == .created)
                await receiver.answer([503])
                let campaign = try await f.campaign("Spring sale")
                try await f.cell(campaign, at: Date().addingTimeInterval(-60), sent: 300, delivered: 100)
                let worker = f.worker()
                try await worker.evaluateDue()
                try await f.database.transaction { sql in try await sql.raw("UPDATE alert_notifications SET attempts = 9").run() }
                #expect(try await worker.deliverDue())
                #expect(try await f.count("alert_notifications", "status = 'failed' AND attempts = 10 AND last_status = 503") == 1)
                #expect(try await f.count("alerts", "kind = 'alert_webhook_failed'") == 1)
            }
        }
    }

    @Test("the test endpoint sends one signed notification now and says how it went", arguments: Engine.available)
    func testEndpoint(engine: Engine) async throws {
        let receiver = AlertReceiver()
        try await AlertReceiver.run(receiver) { url in
            try await AlertFixture.with(engine) { f in
                let id = try #require(try await f.app.request(.post, "/api/alerts/webhooks", json: #"{"name": "Ops", "url": "\#(url)"}"#).json["id"].string)
                let sent = try await f.app.request(.post, "/api/alerts/webhooks/\(id)/test")
                #expect(sent.status == .ok)
                #expect(sent.json["status"].string == "delivered")
                #expect(sent.json["response_status"].number == 200)
                let received = await receiver.waitFor(1)
                #expect(try JSONValue.parse(try #require(received.first).body)["herald"]["state"].string == "test")
                await receiver.answer([500])
                let failed = try await f.app.request(.post, "/api/alerts/webhooks/\(id)/test")
                #expect(failed.json["status"].string == "failed")
                #expect(try await f.count("alerts") == 0)
                #expect(try await f.app.request(.delete, "/api/alerts/webhooks/\(id)").status == .noContent)
                expectError(try await f.app.request(.post, "/api/alerts/webhooks/\(id)/test"), .notFound)
            }
        }
    }

    @Test("webhook URLs must be https unless plain http is allowed; names and urls are required", arguments: Engine.available)
    func validation(engine: Engine) async throws {
        try await AlertFixture.with(engine, allowHTTP: false) { f in
            expectError(try await f.app.request(.post, "/api/alerts/webhooks", json: #"{"name": "Ops", "url": "http://example.com/hook"}"#), .unprocessableContent, field: "url")
            expectError(try await f.app.request(.post, "/api/alerts/webhooks", json: #"{"name": "Ops", "url": "hooks"}"#), .unprocessableContent, field: "url")
            expectError(try await f.app.request(.post, "/api/alerts/webhooks", json: #"{"url": "https://example.com/hook"}"#), .unprocessableContent, field: "name")
            #expect(try await f.count("alert_webhooks") == 0)
            #expect(try await f.app.request(.post, "/api/alerts/webhooks", json: #"{"name": "Ops", "url": "https://example.com/hook"}"#).status == .created)
        }
    }
}
