import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldApp

/// Contacts known by a phone, a business-scoped user ID (BSUID) or both (issue 10).
@Suite("Contacts API: phones, BSUIDs and usernames")
struct ContactIdentityAPITests {
    static let bsuid = "US.13491208655302741918"

    func count(_ app: TestApp) async throws -> Int {
        try await app.database.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM contacts").first()!.decode(column: "n", as: Int.self) }
    }

    @Test("a contact known only by its BSUID is created, with parent BSUID, username and the BSUID's country", arguments: Engine.available)
    func bsuidOnly(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let response = try await app.request(
                .post,
                "/api/contacts",
                json: #"{"bsuid":" \#(Self.bsuid) ","parent_bsuid":"US.ENT.1181","username":"@Jess.M"}"#
            )
            #expect(response.status == .created, "\(response.text)")
            #expect(response.text.contains(#""phone":null"#))
            let contact = try await app.request(.get, "/api/contacts/\(try #require(response.json["id"].string))").json
            #expect(contact["bsuid"].string == Self.bsuid)
            #expect(contact["parent_bsuid"].string == "US.ENT.1181")
            #expect(contact["username"].string == "jess.m")
            #expect(contact["country"].string == "US")
            let byPhone = try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678"}"#)
            for key in ["bsuid", "parent_bsuid", "username"] { #expect(byPhone.text.contains("\"\(key)\":null"), "\(key)") }
        }
    }

    @Test("each identifier another contact holds is a conflict: phone, BSUID, parent BSUID, username", arguments: Engine.available)
    func conflicts(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let first = try await app.request(
                .post,
                "/api/contacts",
                json: #"{"phone":"+4915112345678","bsuid":"DE.1","parent_bsuid":"DE.ENT.1","username":"anna"}"#
            )
            #expect(first.status == .created, "\(first.text)")
            expectError(
                try await app.request(.post, "/api/contacts", json: #"{"phone":"+49 151 12345678"}"#),
                .conflict,
                code: "phone_taken",
                field: "phone"
            )
            expectError(try await app.request(.post, "/api/contacts", json: #"{"bsuid":"DE.1"}"#), .conflict, code: "bsuid_taken", field: "bsuid")
            expectError(
                try await app.request(.post, "/api/contacts", json: #"{"bsuid":"DE.2","parent_bsuid":"DE.ENT.1"}"#),
                .conflict,
                code: "parent_bsuid_taken",
                field: "parent_bsuid"
            )
            expectError(
                try await app.request(.post, "/api/contacts", json: #"{"bsuid":"DE.3","username":"@ANNA"}"#),
                .conflict,
                code: "username_taken",
                field: "username"
            )
            let other = try #require(try await app.request(.post, "/api/contacts", json: #"{"bsuid":"DE.4"}"#).json["id"].string)
            expectError(
                try await app.request(.patch, "/api/contacts/\(other)", json: #"{"username":"anna"}"#),
                .conflict,
                code: "username_taken",
                field: "username"
            )
            expectError(
                try await app.request(.patch, "/api/contacts/\(other)", json: #"{"bsuid":"DE.1"}"#),
                .conflict,
                code: "bsuid_taken",
                field: "bsuid"
            )
            // A contact does not conflict with itself.
            let same = try await app.request(
                .patch,
                "/api/contacts/\(try #require(first.json["id"].string))",
                json: #"{"username":"anna","bsuid":"DE.1"}"#
            )
            #expect(same.status == .ok, "\(same.text)")
            #expect(try await count(app) == 2)
        }
    }

    @Test("either identifier may be removed, but not the last one", arguments: Engine.available)
    func lastIdentifier(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let id = try #require(
                try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","bsuid":"DE.1"}"#).json["id"].string
            )
            let withoutPhone = try await app.request(.patch, "/api/contacts/\(id)", json: #"{"phone":null}"#)
            #expect(withoutPhone.status == .ok, "\(withoutPhone.text)")
            #expect(withoutPhone.json["phone"] == .null)
            expectError(
                try await app.request(.patch, "/api/contacts/\(id)", json: #"{"bsuid":null}"#),
                .unprocessableContent,
                code: "required",
                field: "bsuid"
            )
            expectError(
                try await app.request(.patch, "/api/contacts/\(id)", json: #"{"bsuid":null,"phone":null}"#),
                .unprocessableContent,
                code: "required"
            )
            let swapped = try await app.request(.patch, "/api/contacts/\(id)", json: #"{"bsuid":null,"phone":"+4915112345679"}"#)
            #expect(swapped.status == .ok, "\(swapped.text)")
            expectError(
                try await app.request(.patch, "/api/contacts/\(id)", json: #"{"phone":null}"#),
                .unprocessableContent,
                code: "required",
                field: "phone"
            )
            let stored = try await app.request(.get, "/api/contacts/\(id)").json
            #expect(stored["phone"].string == "+4915112345679")
            #expect(stored["bsuid"] == .null)
        }
    }

    @Test("a bad BSUID, parent BSUID or username gets a 422 naming its field, and nothing is stored", arguments: Engine.available)
    func badInput(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            expectError(
                try await app.request(.post, "/api/contacts", json: #"{"bsuid":"13491208655302741918"}"#),
                .unprocessableContent,
                code: "invalid_bsuid",
                field: "bsuid"
            )
            expectError(
                try await app.request(.post, "/api/contacts", json: #"{"bsuid":"QQ.1234"}"#),
                .unprocessableContent,
                code: "invalid_bsuid",
                field: "bsuid"
            )
            expectError(
                try await app.request(.post, "/api/contacts", json: #"{"bsuid":""}"#),
                .unprocessableContent,
                code: "invalid_bsuid",
                field: "bsuid"
            )
            expectError(
                try await app.request(.post, "/api/contacts", json: #"{"bsuid":17}"#),
                .unprocessableContent,
                code: "invalid_type",
                field: "bsuid"
            )
            expectError(
                try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","parent_bsuid":"US.1181"}"#),
                .unprocessableContent,
                code: "invalid_bsuid",
                field: "parent_bsuid"
            )
            expectError(
                try await app.request(.post, "/api/contacts", json: #"{"bsuid":"US.1","username":"jess m"}"#),
                .unprocessableContent,
                code: "invalid_username",
                field: "username"
            )
            expectError(
                try await app.request(.post, "/api/contacts", json: #"{"username":"jess"}"#),
                .unprocessableContent,
                code: "required",
                field: "phone"
            )
            let bulk = try await app.request(.post, "/api/contacts/bulk", json: #"{"contacts":[{"bsuid":"US-1"}]}"#)
            #expect(bulk.json["results"][0]["error"]["field"].string == "contacts[0].bsuid")
            #expect(try await count(app) == 0)
        }
    }

    @Test("search finds a username by prefix, with or without @, and a BSUID exactly", arguments: Engine.available)
    func search(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            _ = try await app.request(.post, "/api/contacts", json: #"{"bsuid":"\#(Self.bsuid)","username":"jess.m","name":"Rosa"}"#)
            _ = try await app.request(.post, "/api/contacts", json: #"{"bsuid":"US.2","username":"jo"}"#)
            _ = try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","name":"Jens"}"#)
            for (query, names) in [("%40jes", ["Rosa"]), ("JESS", ["Rosa"]), ("%40j", ["Rosa", nil]), (Self.bsuid, ["Rosa"]), ("US.1349", [])] {
                let found = try await app.request(.get, "/api/contacts?q=\(query)").json["data"].array.map { $0["name"].string }
                #expect(Set(found) == Set(names), "\(query)")
            }
        }
    }

    @Test("the list pages from contacts with a phone to those without, and old phone cursors still work", arguments: Engine.available)
    func paging(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            var rows: [String] = []
            for i in 0..<5 { rows.append(#"{"phone":"+49151123450\#(i)0"}"#) }
            for i in 0..<7 { rows.append(#"{"bsuid":"GB.\#(i)","username":"user\#(i)"}"#) }
            let bulk = try await app.request(.post, "/api/contacts/bulk", json: #"{"contacts":[\#(rows.joined(separator: ","))]}"#)
            #expect(bulk.json["created"].number == 12, "\(bulk.text)")
            var seen: [String] = []
            var phones: [String?] = []
            var cursor: String?
            repeat {
                let page = try await app.request(
                    .get,
                    "/api/contacts?limit=3" + (cursor.map { "&cursor=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" } ?? "")
                )
                #expect(page.status == .ok, "\(page.text)")
                for contact in page.json["data"].array {
                    seen.append(try #require(contact["id"].string))
                    phones.append(contact["phone"].string)
                }
                cursor = page.json["next_cursor"].string
            } while cursor != nil && seen.count < 20
            #expect(seen.count == 12)
            #expect(Set(seen).count == 12)
            #expect(phones.prefix(5).allSatisfy { $0 != nil } && phones.dropFirst(5).allSatisfy { $0 == nil }, "\(phones)")
            let old = Data("+4915112345020".utf8).base64EncodedString().addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let rest = try await app.request(.get, "/api/contacts?limit=100&cursor=\(old)").json["data"].array
            #expect(rest.count == 9)
            let bad = Data("id:nope".utf8).base64EncodedString().addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            expectError(try await app.request(.get, "/api/contacts?cursor=\(bad)"), .badRequest, code: "invalid_cursor", field: "cursor")
        }
    }

    @Test("bulk upsert merges by phone or BSUID; a row whose phone and BSUID name two contacts is refused", arguments: Engine.available)
    func bulk(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            _ = try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","name":"Phone"}"#)
            _ = try await app.request(.post, "/api/contacts", json: #"{"bsuid":"DE.1","username":"bee","name":"Bsuid"}"#)
            _ = try await app.request(.post, "/api/contacts", json: #"{"bsuid":"DE.9"}"#)
            _ = try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345670"}"#)
            let response = try await app.request(
                .post,
                "/api/contacts/bulk",
                json: """
                    {"contacts":[
                      {"bsuid":"DE.1","city":"Kiel"},
                      {"phone":"+4915112345678","bsuid":"DE.9"},
                      {"bsuid":"DE.2"},
                      {"bsuid":"DE.2","name":"again"},
                      {"phone":"+4915112345679","username":"bee"},
                      {"bsuid":"DE.5","username":"new"},
                      {"bsuid":"DE.6","username":"@New"},
                      {"phone":"+4915112345670","bsuid":"DE.7","username":"phone.user"}
                    ]}
                    """
            )
            #expect(response.status == .ok, "\(response.text)")
            let results = response.json["results"].array
            #expect(
                results.map { $0["status"].string } == ["updated", "error", "created", "error", "error", "created", "error", "updated"],
                "\(response.text)"
            )
            #expect(results[1]["error"]["code"].string == "identity_conflict")
            #expect(results[3]["error"]["code"].string == "duplicate_in_request")
            #expect(results[3]["error"]["field"].string == "contacts[3].bsuid")
            #expect(results[4]["error"]["code"].string == "username_taken")
            #expect(results[4]["error"]["field"].string == "contacts[4].username")
            #expect(results[6]["error"]["code"].string == "username_taken")
            let merged = try await app.request(.get, "/api/contacts?q=DE.1").json["data"][0]
            #expect(merged["city"].string == "Kiel")
            #expect(merged["name"].string == "Bsuid")
            let paired = try await app.request(.get, "/api/contacts?q=DE.7").json["data"][0]
            #expect(paired["phone"].string == "+4915112345670")
            #expect(paired["username"].string == "phone.user")
            #expect(try await count(app) == 6)
        }
    }
}
