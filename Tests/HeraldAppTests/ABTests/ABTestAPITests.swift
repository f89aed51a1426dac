import Foundation
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

@testable import HeraldApp

@Suite("A/B tests API")
struct ABTestAPITests {
    @Test("a test is created with its campaign, read back, listed and changed while a draft", arguments: Engine.available)
    func roundTrip(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let created = try await app.request(
                .post,
                "/api/ab-tests/create",
                json: f.body(
                    [f.variation("A", "spring_sale"), f.variation("B", "spring_sale_bold"), f.variation("C", "spring_sale_soft")],
                    extra: #","test_percentage":30,"duration_hours":48,"success_metric":"click","auto_send_winner":false"#
                )
            )
            #expect(created.status == .created, "\(created.text)")
            let test = created.json
            #expect(test["status"].string == "draft")
            #expect(test["name"].string == "Spring wording")
            #expect(test["test_percentage"].number == 30)
            #expect(test["duration_hours"].number == 48)
            #expect(test["outcome_window_seconds"].number == 3600)
            #expect(test["success_metric"].string == "click")
            #expect(test["inconclusive_policy"].string == "manual")
            #expect(test["auto_send_winner"] == .bool(false))
            #expect(test["decision"] == .null)
            if case .object(let fields) = test {
                #expect(
                    Set(fields.keys) == [
                        "id", "campaign_id", "name", "status", "account_id", "audience", "test_percentage", "duration_hours", "success_metric",
                        "outcome_window_seconds", "auto_send_winner", "inconclusive_policy", "allocation", "variations",
                        "winner_variation_id", "recommended_variation_id", "decision", "audience_size", "test_audience_size", "started_at", "ends_at",
                        "ended_at", "created_at", "updated_at",
                    ],
                    "every key present, null when unset, as openapi.json's ABTest requires"
                )
            }
            #expect(test["audience"]["segment_id"].string == f.segmentID)
            #expect(test["account_id"].string == f.messaging.account.id.uuidString.lowercased())
            let variations = test["variations"].array
            #expect(variations.map { $0["share"].number } == [34, 33, 33], "no shares given: an equal split")
            #expect(variations.map { $0["position"].number } == [0, 1, 2])
            #expect(variations.map { $0["control"] } == [.bool(true), .bool(false), .bool(false)])
            #expect(variations[1]["template_name"].string == "spring_sale_bold")
            #expect(variations[1]["variables"]["2"]["text"].string == "20%")
            #expect(variations[1]["cta_url"].string == "https://shop.example/spring")
            let id = test["id"].string!

            let read = try await app.request(.get, "/api/ab-tests/\(id)")
            #expect(read.status == .ok)
            #expect(read.json == test, "a round trip gives back what create answered")
            let campaign = try await app.request(.get, "/api/campaigns/\(test["campaign_id"].string!)").json
            #expect(campaign["status"].string == "draft")
            #expect(campaign["name"].string == "Spring wording")
            #expect(campaign["template_name"].string == "spring_sale", "the campaign mirrors the control")

            let listed = try await app.request(.get, "/api/ab-tests").json["data"].array
            #expect(listed.map { $0["id"].string } == [id])
            #expect(try await app.request(.get, "/api/ab-tests?status=running").json["data"].array.isEmpty)
            expectError(try await app.request(.get, "/api/ab-tests?status=sideways"), .badRequest, field: "status")

            let changed = try await app.request(
                .put,
                "/api/ab-tests/\(id)/config",
                json:
                    #"{"duration_hours":12,"outcome_window_seconds":1800,"inconclusive_policy":"leader","variations":["#
                        + #"\#(f.variation("Old", "spring_sale", share: 60)),\#(f.variation("Bold", "spring_sale_bold", share: 40))]}"#
            )
            #expect(changed.status == .ok, "\(changed.text)")
            #expect(changed.json["duration_hours"].number == 12)
            #expect(changed.json["outcome_window_seconds"].number == 1800)
            #expect(changed.json["inconclusive_policy"].string == "leader")
            #expect(changed.json["test_percentage"].number == 30, "fields not given stay")
            #expect(changed.json["variations"].array.map { $0["name"].string } == ["Old", "Bold"])
            #expect(changed.json["variations"].array.map { $0["share"].number } == [60, 40])
            #expect(try await f.count("ab_test_variations") == 2, "variations are replaced whole")
            #expect(try await app.request(.get, "/api/ab-tests/\(id)").json == changed.json)

            let renamed = try await app.request(.put, "/api/ab-tests/\(id)/config", json: #"{"name":"Spring wording 2"}"#)
            #expect(renamed.json["name"].string == "Spring wording 2", "\(renamed.text)")
            #expect(try await app.request(.get, "/api/campaigns/\(test["campaign_id"].string!)").json["name"].string == "Spring wording 2")

            // From an existing draft campaign: its name, account and audience are the test's.
            let fromDraft = try await app.request(
                .post,
                "/api/ab-tests/create",
                json:
                    #"{"campaign_id":"\#(f.draftCampaignID)","variations":["#
                        + #"\#(f.variation("A", "spring_sale")),\#(f.variation("B", "spring_sale_bold"))]}"#
            )
            #expect(fromDraft.status == .created, "\(fromDraft.text)")
            #expect(fromDraft.json["campaign_id"].string == f.draftCampaignID)
            #expect(fromDraft.json["name"].string == "Summer draft")
            #expect(fromDraft.json["variations"].array.map { $0["share"].number } == [50, 50])
            #expect(try await app.request(.get, "/api/ab-tests").json["data"].array.count == 2)
            expectError(try await app.request(.get, "/api/ab-tests/\(UUID())"), .notFound)
        }
    }

    @Test("bad tests get a 4xx naming the field, and nothing is stored", arguments: Engine.available)
    func badInput(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let a = f.variation("A", "spring_sale"), b = f.variation("B", "spring_sale_bold")
            // A draft campaign that already has a test.
            let tested = try await app.request(
                .post,
                "/api/campaigns",
                json:
                    #"{"name":"Tested","template_id":"\#(f.templates["spring_sale"]!)","#
                        + #"\#(ABTestFixture.variables),"cta_url":"https://shop.example/x"}"#
            ).json["id"].string!
            #expect(
                try await app.request(.post, "/api/ab-tests/create", json: #"{"campaign_id":"\#(tested)","variations":[\#(a),\#(b)]}"#).status
                    == .created
            )
            let six = ["A", "B", "C", "D", "E", "F"].map { f.variation($0, "spring_sale") }
            let cases: [(body: String, status: HTTPResponse.Status, code: String, field: String)] = [
                (
                    f.body([f.variation("A", "spring_sale", share: 50), f.variation("B", "spring_sale_bold", share: 40)]), .unprocessableContent,
                    "shares_do_not_add_up", "variations"
                ),
                (f.body([f.variation("A", "spring_sale", share: 50), b]), .unprocessableContent, "required", "variations[1].share"),
                (
                    f.body([f.variation("A", "spring_sale", share: 0), f.variation("B", "spring_sale_bold", share: 100)]), .unprocessableContent,
                    "invalid_field", "variations[0].share"
                ),
                (f.body([a]), .unprocessableContent, "too_few_variations", "variations"),
                (f.body(six), .unprocessableContent, "too_many_variations", "variations"),
                (f.body([a, f.variation("B", "spring_sale_new")]), .unprocessableContent, "template_not_approved", "variations[1].template_id"),
                (f.body([a, f.variation("B", UUID().uuidString)]), .unprocessableContent, "invalid_field", "variations[1].template_id"),
                (
                    f.body([a, f.variation("B", f.otherAccountTemplate.uuidString)]), .unprocessableContent, "invalid_field",
                    "variations[1].template_id"
                ),
                (f.body([a, f.variation("B", "order_news")]), .unprocessableContent, "invalid_field", "variations[1].template_id"),
                (f.body([a, f.variation("B", "spring_plain")]), .unprocessableContent, "invalid_field", "variations[1].template_id"),
                (f.body([a, b], extra: #","duration_hours":1"#), .unprocessableContent, "window_longer_than_duration", "duration_hours"),
                (
                    f.body([a, b], extra: #","duration_hours":2,"outcome_window_seconds":7200"#), .unprocessableContent,
                    "window_longer_than_duration",
                    "duration_hours"
                ),
                (f.body([a, b], extra: #","duration_hours":721"#), .unprocessableContent, "invalid_field", "duration_hours"),
                (f.body([a, b], extra: #","test_percentage":0"#), .unprocessableContent, "invalid_field", "test_percentage"),
                (f.body([a, b], extra: #","test_percentage":101"#), .unprocessableContent, "invalid_field", "test_percentage"),
                (f.body([a, b], extra: #","success_metric":"opens""#), .unprocessableContent, "invalid_field", "success_metric"),
                (f.body([a, b], extra: #","inconclusive_policy":"coin""#), .unprocessableContent, "invalid_field", "inconclusive_policy"),
                (f.body([a, b], extra: #","auto_send_winner":"yes""#), .unprocessableContent, "invalid_type", "auto_send_winner"),
                (f.body([a, f.variation("A", "spring_sale_bold")]), .unprocessableContent, "duplicate_name", "variations[1].name"),
                (
                    f.body([a, #"{"name":"B","template_id":"\#(f.templates["spring_sale_bold"]!)",\#(ABTestFixture.variables)}"#]),
                    .unprocessableContent,
                    "invalid_field", "variations[1].cta_url"
                ),
                (f.body([a, f.variation("B", "spring_banner")]), .unprocessableContent, "invalid_field", "variations[1].media_id"),
                (
                    f.body([a, f.variation("B", "spring_sale_bold", extra: #","colour":"red""#)]), .unprocessableContent, "unknown_field",
                    "variations[1].colour"
                ),
                (f.body([a, b], extra: #","campaign_id":"\#(f.draftCampaignID)""#), .unprocessableContent, "invalid_field", "name"),
                (f.body([a, b], name: "Spring"), .conflict, "duplicate", "name"),
                (#"{"account_id":"\#(f.messaging.account.id)","variations":[\#(a),\#(b)]}"#, .unprocessableContent, "required", "name"),
                (
                    #"{"name":"X","audience":{"type":"segment","segment_id":"\#(UUID())"},"variations":[\#(a),\#(b)]}"#, .unprocessableContent,
                    "invalid_field",
                    "audience.segment_id"
                ),
                (#"{"campaign_id":"\#(f.messaging.campaign.id)","variations":[\#(a),\#(b)]}"#, .conflict, "campaign_not_draft", "campaign_id"),
                (#"{"campaign_id":"\#(tested)","variations":[\#(a),\#(b)]}"#, .conflict, "campaign_has_test", "campaign_id"),
                (#"{"campaign_id":"\#(UUID())","variations":[\#(a),\#(b)]}"#, .unprocessableContent, "invalid_field", "campaign_id"),
            ]
            let before = try await f.rows()
            for bad in cases {
                let response = try await app.request(.post, "/api/ab-tests/create", json: bad.body)
                expectError(response, bad.status, code: bad.code, field: bad.field)
                #expect(try await f.rows() == before, "stored something for \(bad.field): \(response.text)")
            }

            // Config on a draft is checked the same way and changes nothing when refused.
            let id = try await app.request(.post, "/api/ab-tests/create", json: f.body([a, b])).json["id"].string!
            let stored = try await app.request(.get, "/api/ab-tests/\(id)").json
            let configs: [(body: String, status: HTTPResponse.Status, code: String, field: String)] = [
                (#"{"outcome_window_seconds":86400}"#, .unprocessableContent, "window_longer_than_duration", "outcome_window_seconds"),
                (#"{"variations":[\#(a)]}"#, .unprocessableContent, "too_few_variations", "variations"),
                (#"{"campaign_id":"\#(f.draftCampaignID)"}"#, .unprocessableContent, "unknown_field", "campaign_id"),
                (
                    #"{"variations":[\#(a),\#(f.variation("B", "spring_sale_new"))]}"#, .unprocessableContent, "template_not_approved",
                    "variations[1].template_id"
                ),
            ]
            for bad in configs {
                expectError(try await app.request(.put, "/api/ab-tests/\(id)/config", json: bad.body), bad.status, code: bad.code, field: bad.field)
                #expect(try await app.request(.get, "/api/ab-tests/\(id)").json == stored, "changed by \(bad.body)")
            }
            // Running tests are the decision commit's; until then nothing but a draft can be changed.
            try await app.database.transaction { sql in
                try await sql.raw("UPDATE ab_tests SET status = 'running' WHERE id = \(bind: UUID(uuidString: id)!)").run()
            }
            expectError(
                try await app.request(.put, "/api/ab-tests/\(id)/config", json: #"{"test_percentage":50}"#),
                .conflict,
                code: "not_editable_while_running",
                field: "test_percentage"
            )
        }
    }

    @Test("a viewer reads A/B tests but cannot create or change them", arguments: Engine.available)
    func viewer(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let body = f.body([f.variation("A", "spring_sale"), f.variation("B", "spring_sale_bold")])
            let id = try await app.request(.post, "/api/ab-tests/create", json: body).json["id"].string!
            let viewer = try await app.request(.post, "/api/api-keys", json: #"{"name":"Read only","role":"viewer"}"#).json["secret"].string!
            let before = try await f.rows()
            expectError(
                try await app.request(.post, "/api/ab-tests/create", json: body.replacingOccurrences(of: "Spring wording", with: "V"), key: viewer),
                .forbidden
            )
            expectError(try await app.request(.put, "/api/ab-tests/\(id)/config", json: #"{"duration_hours":2}"#, key: viewer), .forbidden)
            #expect(try await f.rows() == before)
            #expect(try await app.request(.get, "/api/ab-tests/\(id)", key: viewer).status == .ok)
            #expect(try await app.request(.get, "/api/ab-tests", key: viewer).json["data"].array.count == 1)
        }
    }
}
