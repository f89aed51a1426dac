import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldApp

@Suite("Contacts API")
struct ContactAPITests {
    @Test("a contact is created with its phone normalised to E.164 and its country derived", arguments: Engine.available)
    func create(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let response = try await app.request(.post, "/api/contacts", json: #"{"phone":"0151 1234 5678","name":"Anna","email":"Anna@Example.com","tags":["vip","VIP","new"]}"#)
            #expect(response.status == .created, "\(response.text)")
            let contact = response.json
            #expect(contact["phone"].string == "+4915112345678")
            #expect(contact["country"].string == "DE")
            #expect(contact["email"].string == "anna@example.com")
            #expect(contact["tags"].array.compactMap(\.string) == ["vip", "new"])
            let id = try #require(contact["id"].string)
            let fetched = try await app.request(.get, "/api/contacts/\(id)")
            #expect(fetched.status == .ok)
            #expect(fetched.json["name"].string == "Anna")
        }
    }

    @Test("PATCH changes only the fields given, and null clears one", arguments: Engine.available)
    func patch(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let id = try await app.request(.post, "/api/contacts", json: #"{"phone":"+447911123456","name":"Ben","city":"Leeds"}"#).json["id"].string!
            let patched = try await app.request(.patch, "/api/contacts/\(id)", json: #"{"city":null,"consent":{"status":"opted_in","source":"web form"}}"#)
            #expect(patched.status == .ok, "\(patched.text)")
            #expect(patched.json["name"].string == "Ben")
            #expect(patched.json["city"] == .null)
            #expect(patched.json["consent"]["status"].string == "opted_in")
            #expect(patched.json["consent"]["source"].string == "web form")
            #expect(patched.json["consent"]["at"].string != nil)
            let deleted = try await app.request(.delete, "/api/contacts/\(id)")
            #expect(deleted.status == .noContent)
            expectError(try await app.request(.get, "/api/contacts/\(id)"), .notFound, code: "not_found")
        }
    }

    @Test("bad input gets a JSON 4xx that names the field, and stores nothing", arguments: Engine.available)
    func badInput(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            expectError(try await app.request(.post, "/api/contacts", json: #"{"phone":"not a phone"}"#), .unprocessableContent, code: "invalid_phone", field: "phone")
            expectError(try await app.request(.post, "/api/contacts", json: #"{"name":"No phone"}"#), .unprocessableContent, code: "required", field: "phone")
            expectError(try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","nmae":"typo"}"#), .unprocessableContent, code: "unknown_field", field: "nmae")
            expectError(try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","tags":"vip"}"#), .unprocessableContent, code: "invalid_type", field: "tags")
            expectError(try await app.request(.post, "/api/contacts", json: #"{"phone":+49}"#), .badRequest, code: "invalid_json")
            expectError(try await app.request(.post, "/api/contacts", json: "[1,2]"), .badRequest, code: "invalid_body")
            expectError(try await app.request(.post, "/api/contacts", body: "phone=+4915112345678", contentType: "application/x-www-form-urlencoded"), .unsupportedMediaType)
            expectError(try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","email":"nope"}"#), .unprocessableContent, field: "email")
            expectError(try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","country":"XX"}"#), .unprocessableContent, field: "country")
            expectError(try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","attributes":{"tier":"gold"}}"#), .unprocessableContent, field: "attributes.tier")
            expectError(try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","consent":"maybe"}"#), .unprocessableContent, field: "consent")
            let huge = #"{"phone":"+4915112345678","name":""# + String(repeating: "x", count: 33 * 1024 * 1024) + #""}"#
            expectError(try await app.request(.post, "/api/contacts", json: huge), .contentTooLarge)
            expectError(try await app.request(.get, "/api/contacts/not-a-uuid"), .notFound)
            expectError(try await app.request(.get, "/api/contacts?limit=0"), .badRequest, field: "limit")
            expectError(try await app.request(.get, "/api/contacts?cursor=%%%"), .badRequest, field: "cursor")
            let list = try await app.request(.get, "/api/contacts")
            #expect(list.json["data"].array.isEmpty, "nothing may be stored: \(list.text)")
        }
    }

    @Test("a second contact with the same phone is a conflict", arguments: Engine.available)
    func duplicate(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            #expect(try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678"}"#).status == .created)
            expectError(try await app.request(.post, "/api/contacts", json: #"{"phone":"+49 151 12345678"}"#), .conflict, code: "phone_taken", field: "phone")
        }
    }

    @Test("custom attributes are typed by the workspace's field definitions", arguments: Engine.available)
    func customAttributes(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            #expect(try await app.request(.post, "/api/custom-fields", json: #"{"key":"lifetime_points","type":"number"}"#).status == .created)
            #expect(try await app.request(.post, "/api/custom-fields", json: #"{"key":"birthday","type":"date"}"#).status == .created)
            #expect(try await app.request(.post, "/api/custom-fields", json: #"{"key":"sizes","type":"list","options":["S","M","L"]}"#).status == .created)
            expectError(try await app.request(.post, "/api/custom-fields", json: #"{"key":"phone","type":"text"}"#), .unprocessableContent, field: "key")
            let created = try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","attributes":{"lifetime_points":"120","birthday":"1990-04-01","sizes":["M"]}}"#)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["attributes"]["lifetime_points"].number == 120)
            #expect(created.json["attributes"]["birthday"].string == "1990-04-01T00:00:00Z")
            expectError(try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345679","attributes":{"lifetime_points":"many"}}"#), .unprocessableContent, code: "invalid_type", field: "attributes.lifetime_points")
            expectError(try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345679","attributes":{"sizes":["XXL"]}}"#), .unprocessableContent, field: "attributes.sizes")
        }
    }

    @Test("the list pages with a cursor and searches by name, phone or email prefix", arguments: Engine.available)
    func listAndSearch(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            var rows: [String] = []
            for i in 0..<25 { rows.append(#"{"phone":"+4915112345\#(String(format: "%03d", i))","name":"Person \#(i)","email":"p\#(i)@example.com"}"#) }
            rows.append(#"{"phone":"+447911123456","name":"Zoë Quinn","email":"zoe@shop.co.uk"}"#)
            let bulk = try await app.request(.post, "/api/contacts/bulk", json: #"{"contacts":[\#(rows.joined(separator: ","))]}"#)
            #expect(bulk.json["created"].number == 26)
            var seen = Set<String>()
            var cursor: String?
            repeat {
                let page = try await app.request(.get, "/api/contacts?limit=10" + (cursor.map { "&cursor=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" } ?? ""))
                for contact in page.json["data"].array { seen.insert(contact["phone"].string!) }
                cursor = page.json["next_cursor"].string
            } while cursor != nil
            #expect(seen.count == 26)
            let byName = try await app.request(.get, "/api/contacts?q=zo%C3%AB")
            #expect(byName.json["data"].array.map { $0["name"].string } == ["Zoë Quinn"])
            let byPhone = try await app.request(.get, "/api/contacts?q=44791")
            #expect(byPhone.json["data"].array.count == 1)
            let byEmail = try await app.request(.get, "/api/contacts?q=p1")
            #expect(byEmail.json["data"].array.count == 11, "p1, p10…p19")
        }
    }

    @Test("bulk upsert merges by phone and answers one result per row", arguments: Engine.available)
    func bulk(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            _ = try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","name":"Old","city":"Berlin"}"#)
            let response = try await app.request(.post, "/api/contacts/bulk", json: """
                {"contacts":[{"phone":"+4915112345678","name":"New"},{"phone":"+447911123456"},{"phone":"bad"},{"phone":"+44 7911 123456"}]}
                """)
            #expect(response.status == .ok, "\(response.text)")
            let results = response.json["results"].array
            #expect(results.map { $0["status"].string } == ["updated", "created", "error", "error"])
            #expect(results[2]["error"]["field"].string == "contacts[2].phone")
            #expect(results[3]["error"]["code"].string == "duplicate_in_request")
            let merged = try await app.request(.get, "/api/contacts?q=New").json["data"][0]
            #expect(merged["city"].string == "Berlin")
            let tooMany = "{\"contacts\":[" + Array(repeating: #"{"phone":"+4915112345678"}"#, count: 10_001).joined(separator: ",") + "]}"
            expectError(try await app.request(.post, "/api/contacts/bulk", json: tooMany), .contentTooLarge)
        }
    }
}
