import Contacts
import Foundation
import HTTPTypes
import SQLKit
import Testing

@testable import HeraldApp

@Suite("Campaign recipients API")
struct RecipientsAPITests {
    static let names = ["Zoë Quinn", "=HYPERLINK(\"http://x\")", "Ana", "Ben", "Cy", "Dee"]
    static let steps = ["clicked", "converted", "read", "failed", "queued", "delivered"]

    /// Six recipients, one at each step, with milestones set on their messages as the event writers leave them.
    static func fixture(_ app: TestApp) async throws -> MessagingFixture {
        let f = try await MessagingFixture.make(app, contacts: 6)
        let t = Date(timeIntervalSince1970: 1_790_000_000)
        for (index, name) in names.enumerated() {
            let body = String(data: try JSONSerialization.data(withJSONObject: ["name": name]), encoding: .utf8)!
            #expect(try await app.request(.patch, "/api/contacts/\(f.messages[index].contact)", json: body).status == .ok)
        }
        let ids = f.messages.map(\.id)
        try await app.database.transaction { sql in
            try await sql.raw("UPDATE messages SET sent_at = \(bind: t), country = 'DE' WHERE campaign_id = \(bind: f.campaign.id)").run()
            try await sql.raw(
                "UPDATE messages SET delivered_at = \(bind: t + 1), read_at = \(bind: t + 2), clicked_at = \(bind: t + 3), click_count = 2 WHERE id = \(bind: ids[0])"
            ).run()
            try await sql.raw(
                """
                UPDATE messages SET delivered_at = \(bind: t + 1), read_at = \(bind: t + 2), clicked_at = \(bind: t + 3), click_count = 1,
                    conversion_count = 1, converted_at = \(bind: t + 4) WHERE id = \(bind: ids[1])
                """
            ).run()
            try await sql.raw("UPDATE messages SET delivered_at = \(bind: t + 1), read_at = \(bind: t + 2) WHERE id = \(bind: ids[2])").run()
            try await sql.raw(
                "UPDATE messages SET status = 'failed', failed_at = \(bind: t + 1), error_code = 131026 WHERE id = \(bind: ids[3])"
            ).run()
            try await sql.raw("UPDATE messages SET status = 'queued', accepted_at = NULL, sent_at = NULL WHERE id = \(bind: ids[4])").run()
            try await sql.raw("UPDATE messages SET delivered_at = \(bind: t + 1) WHERE id = \(bind: ids[5])").run()
        }
        return f
    }

    func url(_ f: MessagingFixture, _ query: String = "", csv: Bool = false) -> String {
        "/api/analytics/campaigns/\(f.campaign.id)/recipients\(csv ? ".csv" : "")\(query.isEmpty ? "" : "?" + query)"
    }

    func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }

    @Test("each recipient shows its furthest step, milestones, variation and country", arguments: Engine.available)
    func steps(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await Self.fixture(app)
            let response = try await app.request(.get, url(f))
            #expect(response.status == .ok, "\(response.text)")
            let rows = response.json["data"].array
            #expect(rows.count == 6)
            var byContact: [String: JSONValue] = [:]
            for row in rows { byContact[row["contact_id"].string ?? ""] = row }
            for (index, step) in Self.steps.enumerated() {
                let row = byContact[f.messages[index].contact.uuidString.lowercased()] ?? .null
                #expect(row["step"].string == step, "\(Self.names[index]): \(row)")
                #expect(row["phone"].string == f.messages[index].phone)
                #expect(row["name"].string == Self.names[index])
            }
            let converted = byContact[f.messages[1].contact.uuidString.lowercased()] ?? .null
            #expect(converted["converted_at"].string != nil && converted["clicked_at"].string != nil)
            #expect(converted["country"].string == "DE")
            #expect(byContact[f.messages[3].contact.uuidString.lowercased()]?["error_code"].number == 131026)
            let ids = rows.compactMap { $0["contact_id"].string }
            #expect(ids == ids.sorted(), "ordered by contact id")
            #expect(response.json["next_after"] == .null)
        }
    }

    @Test("search by a name prefix with an accent or by phone, a step filter, and keyset paging", arguments: Engine.available)
    func searchFilterPaging(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await Self.fixture(app)
            for q in ["Zoë", "zoë Q", "Zo"] {
                let rows = try await app.request(.get, url(f, "q=" + encoded(q))).json["data"].array
                #expect(rows.compactMap { $0["name"].string } == ["Zoë Quinn"], "q=\(q)")
            }
            for q in [String(f.messages[3].phone.dropFirst()), f.messages[3].phone, "+49 151 12345 603"] {
                let rows = try await app.request(.get, url(f, "q=" + encoded(q))).json["data"].array
                #expect(rows.compactMap { $0["name"].string } == ["Ben"], "q=\(q)")
            }
            #expect(try await app.request(.get, url(f, "q=491511234560")).json["data"].array.count == 6, "a phone prefix")
            #expect(try await app.request(.get, url(f, "q=Nobody")).json["data"].array.isEmpty)
            let failed = try await app.request(.get, url(f, "step=failed")).json["data"].array
            #expect(failed.compactMap { $0["name"].string } == ["Ben"])
            #expect(try await app.request(.get, url(f, "step=read&q=Zo")).json["data"].array.isEmpty)

            var seen: [String] = [], after: String?, pages = 0
            repeat {
                let response = try await app.request(.get, url(f, "limit=4" + (after.map { "&after=" + $0 } ?? "")))
                #expect(response.status == .ok, "\(response.text)")
                seen += response.json["data"].array.compactMap { $0["contact_id"].string }
                after = response.json["next_after"].string
                pages += 1
            } while after != nil && pages < 5
            #expect(pages == 2)
            #expect(seen.count == 6 && Set(seen).count == 6)
            #expect(seen == seen.sorted())
        }
    }

    @Test("the CSV has the header, every matching row and neutralised formula cells", arguments: Engine.available)
    func csv(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await Self.fixture(app)
            let response = try await app.request(.get, url(f, csv: true))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(response.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"recipients-") == true)
            var parser = CSVParser()
            let records = try (parser.feedResults(Array(response.body.readableBytesView)) + parser.finishResults()).map { try $0.get() }
            #expect(records.first == RecipientRow.csvHeader)
            #expect(records.count == 7)
            let byName = Dictionary(uniqueKeysWithValues: records.dropFirst().map { ($0[2], $0) })
            #expect(byName[f.messages[1].phone]?[1] == "'=HYPERLINK(\"http://x\")", "formula neutralised")
            #expect(byName[f.messages[1].phone]?[6] == "converted")
            #expect(byName[f.messages[0].phone]?[1] == "Zoë Quinn")
            #expect(byName[f.messages[3].phone]?[13] == "131026")
            let filtered = try await app.request(.get, url(f, "step=failed", csv: true)).text
            #expect(filtered.split(separator: "\r\n").count == 2, "\(filtered)")
        }
    }

    @Test("another workspace's campaign is a 404; a bad step or cursor a 400", arguments: Engine.available)
    func errors(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await Self.fixture(app)
            let (_, otherKey) = try await app.services.workspaces.create(name: "Other", defaultCountry: "DE")
            expectError(try await app.request(.get, url(f), key: otherKey), .notFound, code: "not_found")
            expectError(try await app.request(.get, url(f, csv: true), key: otherKey), .notFound, code: "not_found")
            expectError(try await app.request(.get, "/api/analytics/campaigns/\(UUID())/recipients"), .notFound)
            expectError(try await app.request(.get, url(f, "step=opened")), .badRequest, code: "invalid_parameter", field: "step")
            expectError(try await app.request(.get, url(f, "after=nope")), .badRequest, code: "invalid_cursor", field: "after")
            expectError(try await app.request(.get, url(f, "limit=0")), .badRequest, field: "limit")
            expectError(try await app.request(.get, url(f, "step=opened", csv: true)), .badRequest, field: "step")
        }
    }
}
