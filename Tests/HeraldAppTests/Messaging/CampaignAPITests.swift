import Foundation
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing
import WhatsApp

@testable import HeraldApp

@Suite("Campaigns API")
struct CampaignAPITests {
    func count(_ app: TestApp, _ table: String) async throws -> Int {
        try await app.database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()!.decode(column: "n", as: Int.self)
        }
    }

    @Test("bad campaigns get a 422 naming the field, and nothing is stored", arguments: Engine.available)
    func validation(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 0)
            let before = try await count(app, "campaigns")
            let template = f.template.id.uuidString
            expectError(try await app.request(.post, "/api/campaigns", json: #"{"template_id":"\#(template)"}"#), .unprocessableContent, field: "name")
            expectError(
                try await app.request(.post, "/api/campaigns", json: #"{"name":"A","template_id":"\#(template)","cta_url":"https://x.example"}"#),
                .unprocessableContent, field: "variables.1"
            )
            let variables = #""variables":{"1":{"field":"first_name","fallback":"there"},"2":{"text":"20%"}}"#
            expectError(
                try await app.request(.post, "/api/campaigns", json: #"{"name":"A","template_id":"\#(template)",\#(variables)}"#),
                .unprocessableContent, field: "cta_url"
            )
            expectError(
                try await app.request(.post, "/api/campaigns", json: #"{"name":"A","template_id":"\#(template)",\#(variables),"cta_url":"javascript:alert(1)"}"#),
                .unprocessableContent, field: "cta_url"
            )
            expectError(
                try await app.request(.post, "/api/campaigns", json: #"{"name":"A","template_id":"\#(template)","variables":{"1":{"field":"shoe_size"}}}"#),
                .unprocessableContent, field: "variables.1.field"
            )
            expectError(try await app.request(.post, "/api/campaigns", json: #"{"name":"A","template_id":"\#(UUID())"}"#), .unprocessableContent, field: "template_id")
            expectError(
                try await app.request(.post, "/api/campaigns", json: #"{"name":"A","template_id":"\#(template)",\#(variables),"cta_url":"https://x.example","scheduled_at":"next tuesday"}"#),
                .unprocessableContent, field: "scheduled_at"
            )
            expectError(try await app.request(.post, "/api/campaigns", json: #"{"name":"A","colour":"red"}"#), .unprocessableContent)
            #expect(try await count(app, "campaigns") == before)
        }
    }

    @Test("a draft is created, previewed in pre-flight, scheduled in the workspace's time zone, paused, resumed and cancelled", arguments: Engine.available)
    func lifecycle(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 3)
            for (phone, consent) in [("+12025550143", "opted_in"), ("+447700900123", "opted_out"), ("+919812345678", "unknown")] {
                #expect(try await app.request(.post, "/api/contacts", json: #"{"phone":"\#(phone)","consent":"\#(consent)"}"#).status == .created)
            }
            #expect(try await app.request(.patch, "/api/workspace", json: #"{"time_zone":"Asia/Kolkata"}"#).status == .ok)
            let created = try await app.request(.post, "/api/campaigns", json: """
                {"name":"Diwali","template_id":"\(f.template.id)","variables":{"1":{"field":"first_name","fallback":"there"},"2":{"text":"30%"}},
                 "cta_url":"https://shop.example/diwali"}
                """)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["status"].string == "draft")
            let id = created.json["id"].string!
            let preflight = try await app.request(.get, "/api/campaigns/\(id)/preflight").json
            #expect(preflight["audience"].number == 6)
            #expect(preflight["eligible"].number == 3, "\(preflight)")
            #expect(preflight["unreachable"].number == 1, "+1 numbers get no marketing templates")
            #expect(preflight["opted_out"].number == 1)
            #expect(preflight["no_consent"].number == 1)
            #expect(abs((preflight["estimated_cost"].number ?? 0) - 3 * 0.1365) < 0.0001)
            #expect(preflight["tier_limit"].number == 2000)

            let scheduled = try await app.request(.post, "/api/campaigns/\(id)/schedule", json: #"{"scheduled_at":"2030-01-15T09:30"}"#)
            #expect(scheduled.status == .ok, "\(scheduled.text)")
            #expect(scheduled.json["status"].string == "scheduled")
            #expect(scheduled.json["scheduled_at"].string == "2030-01-15T04:00:00Z", "09:30 in Kolkata is 04:00 UTC: \(scheduled.text)")
            #expect(try await app.request(.post, "/api/campaigns/\(id)/pause").json["status"].string == "paused")
            #expect(try await app.request(.post, "/api/campaigns/\(id)/resume").json["status"].string == "scheduled")
            expectError(try await app.request(.patch, "/api/campaigns/\(id)", json: #"{"cta_url":"ftp://x"}"#), .unprocessableContent, field: "cta_url")
            expectError(try await app.request(.patch, "/api/campaigns/\(id)", json: #"{"scheduled_at":null}"#), .unprocessableContent, field: "scheduled_at")
            let offset = try await app.request(.patch, "/api/campaigns/\(id)", json: #"{"scheduled_at":"2030-01-15T09:30+02:00"}"#)
            #expect(offset.json["scheduled_at"].string == "2030-01-15T07:30:00Z", "\(offset.text)")
            expectError(try await app.request(.post, "/api/campaigns/\(id)/schedule", body: "{nope", contentType: "application/json"), .badRequest, code: "invalid_json")
            #expect(try await app.request(.post, "/api/campaigns/\(id)/cancel").json["status"].string == "cancelled")
            expectError(try await app.request(.post, "/api/campaigns/\(id)/resume"), .conflict, code: "invalid_transition")
            let listed = try await app.request(.get, "/api/campaigns").json["data"].array
            #expect(listed.contains { $0["name"].string == "Diwali" })
        }
    }

    @Test("accounts keep their secrets sealed and out of every answer", arguments: Engine.available)
    func accounts(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let created = try await app.request(.post, "/api/whatsapp/accounts", json: """
                {"name":"Shop","phone_number_id":"1065403522","waba_id":"2065403522","access_token":"EAAG-secret-token","app_secret":"s3cret",
                 "verify_token":"verify","throughput":1000,"messaging_tier":"TIER_10K","api_base_url":"http://127.0.0.1:9/"}
                """)
            #expect(created.status == .created, "\(created.text)")
            #expect(!created.text.contains("EAAG-secret-token") && !created.text.contains("s3cret"))
            #expect(created.json["api_base_url"].string == "http://127.0.0.1:9")
            let sealed = try await app.database.read { sql in
                try await sql.raw("SELECT access_token_sealed FROM whatsapp_accounts").first()!.decode(column: "access_token_sealed", as: String.self)
            }
            #expect(!sealed.contains("EAAG"))
            expectError(
                try await app.request(.post, "/api/whatsapp/accounts", json: #"{"name":"X","phone_number_id":"abc","waba_id":"1","access_token":"t","app_secret":"s","verify_token":"v"}"#),
                .unprocessableContent, field: "phone_number_id"
            )
            expectError(
                try await app.request(.post, "/api/whatsapp/accounts", json: #"{"name":"X","phone_number_id":"1065403522","waba_id":"1","access_token":"t","app_secret":"s","verify_token":"v"}"#),
                .conflict
            )
            let id = created.json["id"].string!
            let tested = try await app.request(.post, "/api/whatsapp/accounts/\(id)/test")
            #expect(tested.status == .ok)
            #expect(tested.json["ok"] == .bool(false), "nothing listens on port 9: \(tested.text)")
        }
    }

    @Test("the media library checks WhatsApp's types and sizes and serves files at a public URL", arguments: Engine.available)
    func media(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            expectError(try await app.request(.post, "/api/media?filename=a.gif", body: "GIF89a", contentType: "image/gif"), .unsupportedMediaType)
            let big = String(repeating: "x", count: 5 * 1024 * 1024 + 1)
            expectError(try await app.request(.post, "/api/media?filename=big.png", body: big, contentType: "image/png"), .contentTooLarge, code: "media_too_large")
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("fake".utf8)  // a PNG's signature: the bytes are checked
            let saved = try await app.client.executeRequest(
                uri: "/api/media?filename=My%20Banner.png", method: .post, headers: [.authorization: "Bearer \(app.key)", .contentType: "image/png"],
                body: ByteBuffer(bytes: png)
            )
            #expect(saved.status == .created, "\(saved.text)")
            #expect(saved.json["kind"].string == "image")
            #expect(saved.json["filename"].string == "My_Banner.png")
            let url = saved.json["url"].string!
            let path = String(url.dropFirst("http://127.0.0.1:8080".count))
            let served = try await app.request(.get, path, key: "")
            #expect(served.status == .ok)
            #expect(served.headers[.contentType] == "image/png")
            #expect(try await app.request(.get, "/api/media").json["data"].array.count == 1)
        }
    }
}

@Suite("Send error classes")
struct SendErrorClassTests {
    func outcome(_ code: Int, attempts: Int = 1) -> SendOutcome {
        SendOutcome.from(error: CloudAPIError(httpStatus: 400, code: code, subcode: nil, message: "x", details: nil, fbtraceID: nil), attempts: attempts, random: 0.5)
    }

    @Test("a message's error detail names the status of a non-API answer, never its body")
    func noRemoteBodyInDetail() {
        let error = CloudAPITransportError.badResponse(status: 502, body: "<html>INTERNAL-SECRET-PAGE</html>")
        for sending in [true, false] {
            switch SendOutcome.from(error: error, attempts: 1, sending: sending, random: 0.5) {
            case .retry(_, _, let detail), .inDoubt(let detail), .failed(_, let detail):
                #expect(detail.contains("502") && !detail.contains("SECRET"), "\(detail)")
            default: Issue.record("a bad gateway answer is retried or in doubt")
            }
        }
    }

    @Test("every code in Meta's table leads to the right action")
    func classes() {
        for code in [130429, 131000, 131016, 131048, 131057, 4, 80007] {
            guard case .retry = outcome(code) else { Issue.record("\(code) should be retried"); continue }
        }
        guard case .retry(let pairDelay, _, _) = outcome(131056, attempts: 2) else { Issue.record("131056 should be retried"); return }
        #expect(pairDelay == 16, "pair rate limit waits 4^n seconds")
        guard case .retry(let long, _, _) = outcome(131049) else { Issue.record("131049 should wait"); return }
        #expect(long >= 86_400)
        guard case .suppressedContact = outcome(131050) else { Issue.record("131050 suppresses"); return }
        for code in [131026, 131047, 132000, 132001, 132005, 132007, 132012] {
            guard case .failed = outcome(code) else { Issue.record("\(code) should fail without retry"); continue }
        }
        for code in [132015, 132016] {
            guard case .holdCampaign = outcome(code) else { Issue.record("\(code) should hold the campaign"); continue }
        }
        for code in [0, 190, 10, 200, 299, 131042, 131031, 368, 131064] {
            guard case .haltAccount = outcome(code) else { Issue.record("\(code) should halt the account"); continue }
        }
        guard case .failed = outcome(130429, attempts: SendOutcome.maxAttempts) else { Issue.record("retries end"); return }
        guard case .retry = SendOutcome.from(error: CloudAPITransportError.unreachable("refused"), attempts: 1) else {
            Issue.record("a transport error is retried")
            return
        }
    }

    @Test("backoff grows and stays within its cap")
    func backoff() {
        let delays = (1...12).map { Backoff.delay(attempt: $0, random: 0.999) }
        #expect(delays[0] < delays[3])
        #expect(delays.allSatisfy { $0 <= 300 })
    }
}
