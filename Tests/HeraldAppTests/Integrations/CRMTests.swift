import Foundation
import SQLKit
import Testing

@testable import HeraldApp

@Suite("CRM integration")
struct CRMTests {
    @Test("sync-contacts upserts by external id then phone, with attributes and consent with its source; idempotent; one result per row", arguments: Engine.available)
    func syncContacts(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            #expect(try await app.request(.post, "/api/custom-fields", json: #"{"key":"plan","type":"text"}"#).status == .created)
            let existing = try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345601","name":"Old Name"}"#).json["id"].string
            let body = """
                {"source":"hubspot","contacts":[
                  {"external_id":"hs-1","phone":"+4915112345601","name":"Ana","attributes":{"plan":"gold"},
                   "consent":{"status":"opted_in","source":"hubspot form","at":"2026-11-01T10:00:00Z"}},
                  {"external_id":"hs-2","phone":"0151 12345602","email":"ben@example.com"},
                  {"external_id":"hs-3","email":"nobody@example.com"},
                  {"external_id":"hs-4","phone":"not a phone"},
                  {"external_id":"hs-5","phone":"+4915112345605","attributes":{"unknown_field":1}}]}
                """
            let first = try await app.request(.post, "/api/integrations/crm/sync-contacts", json: body)
            #expect(first.status == .ok, "\(first.text)")
            let results = first.json["results"].array
            #expect(results.map { $0["status"].string } == ["updated", "created", "error", "error", "error"], "\(first.text)")
            #expect(results[0]["contact_id"].string == existing, "matched by phone and linked to hs-1")
            #expect(results[2]["error"]["field"].string == "contacts[2].phone" && results[2]["error"]["code"].string == "required")
            #expect(results[3]["error"]["field"].string == "contacts[3].phone")
            #expect(results[4]["error"]["code"].string == "unknown_field")
            #expect(first.json["created"].number == 1 && first.json["updated"].number == 1 && first.json["failed"].number == 3)
            let ana = try await app.request(.get, "/api/contacts/\(existing!)").json
            #expect(ana["name"].string == "Ana" && ana["attributes"]["plan"].string == "gold")
            #expect(ana["consent"]["status"].string == "opted_in" && ana["consent"]["source"].string == "hubspot form")
            #expect(try await app.request(.get, "/api/contacts?q=%2B4915112345605").json["data"].array.isEmpty, "a refused row stores nothing")

            let again = try await app.request(.post, "/api/integrations/crm/sync-contacts", json: body)
            #expect(again.json["results"].array.prefix(2).map { $0["status"].string } == ["unchanged", "unchanged"], "\(again.text)")

            // By external id: a new phone moves to the contact the CRM already knows.
            let moved = try await app.request(.post, "/api/integrations/crm/sync-contacts", json: """
                {"source":"hubspot","contacts":[{"external_id":"hs-2","phone":"+4915112345699"},{"external_id":"hs-1","phone":"+4915112345699"}]}
                """)
            #expect(moved.json["results"][1]["error"]["code"].string == "duplicate_in_request", "two rows of one request may not share a phone: \(moved.text)")
            #expect(moved.json["results"][0]["status"].string == "updated")
            #expect(moved.json["results"][0]["contact_id"].string == results[1]["contact_id"].string)
            let moved2 = try await app.request(.post, "/api/integrations/crm/sync-contacts", json: """
                {"source":"hubspot","contacts":[{"external_id":"hs-2","phone":"+4915112345699","name":"Ben"}]}
                """)
            #expect(moved2.json["results"][0]["status"].string == "updated", "\(moved2.text)")
            let taken = try await app.request(.post, "/api/integrations/crm/sync-contacts", json: """
                {"source":"hubspot","contacts":[{"external_id":"hs-2","phone":"+4915112345601"}]}
                """)
            #expect(taken.json["results"][0]["error"]["code"].string == "phone_taken", "\(taken.text)")
            // Another CRM's ids are its own.
            let other = try await app.request(.post, "/api/integrations/crm/sync-contacts", json: #"{"source":"salesforce","contacts":[{"external_id":"hs-1","phone":"+4915112345688"}]}"#)
            #expect(other.json["results"][0]["status"].string == "created")

            expectError(try await app.request(.post, "/api/integrations/crm/sync-contacts", json: #"{"contacts":[]}"#), .unprocessableContent, field: "source")
            expectError(try await app.request(.post, "/api/integrations/crm/sync-contacts", json: #"{"source":"x","contacts":[]}"#), .unprocessableContent, code: "empty")
            expectError(try await app.request(.post, "/api/integrations/crm/sync-contacts", json: #"{"source":"x","contacts":{}}"#), .unprocessableContent, field: "contacts")
        }
    }

    @Test("contact-activity: message events, orders and consent changes in recorded order, paged by a cursor, or for one contact", arguments: Engine.available)
    func activity(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let world = try await AttributionWorld.make(app)
            _ = try await app.request(.post, "/api/integrations/crm/sync-contacts", json: """
                {"source":"hubspot","contacts":[{"external_id":"hs-ana","phone":"\(AttributionWorld.anaPhone)","consent":"opted_in"}]}
                """)
            try await world.order("o-1", at: "2026-04-29T10:00:00Z")
            var seen: [JSONValue] = []
            var cursor: String?
            for _ in 0..<10 {
                let path = "/api/integrations/crm/contact-activity?limit=2" + (cursor.map { "&since=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" } ?? "")
                let page = try await app.request(.get, path)
                #expect(page.status == .ok, "\(page.text)")
                seen += page.json["data"].array
                cursor = page.json["next_cursor"].string
                if page.json["has_more"] != .bool(true) { break }
            }
            // 3 events (two clicks, a read), Ana's consent change and the order.
            #expect(seen.map { $0["kind"].string! }.sorted() == ["consent", "message_event", "message_event", "message_event", "order"], "\(seen)")
            #expect(Set(seen.compactMap { $0["cursor"].string }).count == 5, "no item twice")
            let order = seen.first { $0["kind"].string == "order" }!
            #expect(order["type"].string == "paid" && order["order"]["total"].number == 8000 && order["contact_external_ids"]["hubspot"].string == "hs-ana")
            let click = seen.first { $0["type"].string == "clicked" }!
            #expect(click["campaign_name"].string?.hasPrefix("Campaign ") == true && click["message_id"].string != nil)
            // Nothing new: the same cursor comes back, with no items.
            let empty = try await app.request(.get, "/api/integrations/crm/contact-activity?since=\(cursor!.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
            #expect(empty.json["data"].array.isEmpty && empty.json["next_cursor"].string == cursor)
            // A refund changes the order, which appears again.
            _ = try await world.order("o-1", status: "refunded", at: "2026-04-29T10:00:00Z")
            let later = try await app.request(.get, "/api/integrations/crm/contact-activity?since=\(cursor!.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
            #expect(later.json["data"].array.map { $0["type"].string } == ["refunded"])
            let ben = try await app.request(.get, "/api/integrations/crm/contact-activity?contact_id=\(world.ben.uuidString.lowercased())").json["data"].array
            #expect(ben.isEmpty, "Ben has no recorded activity")
            expectError(try await app.request(.get, "/api/integrations/crm/contact-activity?since=garbage"), .badRequest, code: "invalid_cursor")
            expectError(try await app.request(.get, "/api/integrations/crm/contact-activity?contact_id=\(UUID().uuidString)"), .notFound)
        }
    }
}
