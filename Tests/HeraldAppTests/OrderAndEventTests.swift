import Foundation
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

@testable import HeraldApp

@Suite("Orders and historical events")
struct OrderAndEventTests {
    @Test("orders upsert by external id, replace their lines and create products and categories", arguments: Engine.available)
    func orders(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let first = try await app.request(.post, "/api/orders", json: """
                {"external_id":"1001","contact":{"phone":"+4915112345678"},"total":4500,"currency":"EUR","ordered_at":"2026-10-01T10:00:00Z",
                 "lines":[{"product_external_id":"sku-1","name":"Mug","category":"Kitchen","quantity":2,"unit_price":1500},
                          {"product_external_id":"sku-2","name":"Tea","category":"Food","unit_price":1500}]}
                """)
            #expect(first.status == .created, "\(first.text)")
            #expect(first.json["total"].number == 4500)
            let contact = try await app.request(.get, "/api/contacts?q=%2B4915112345678").json["data"][0]
            #expect(contact["country"].string == "DE", "an unknown phone creates the contact")
            let again = try await app.request(.post, "/api/orders", json: """
                [{"external_id":"1001","contact":"+4915112345678","total":1500,"status":"refunded",
                  "lines":[{"product_external_id":"sku-1","name":"Mug (blue)","category":"Kitchen","unit_price":1500}]},
                 {"external_id":"1002","contact":{"id":"\(contact["id"].string!)"},"total":99}]
                """)
            #expect(again.status == .created, "\(again.text)")
            let listed = try await app.request(.get, "/api/orders").json["data"].array
            #expect(listed.count == 2)
            #expect(listed[0]["status"].string == "refunded")
            #expect(listed[0]["lines"].array.count == 1)
            #expect(listed[0]["lines"][0]["name"].string == "Mug (blue)")
            #expect(listed[1]["currency"].string == "USD", "the workspace's currency is the default")
            let counts = try await app.database.read { sql in
                (
                    try await sql.raw("SELECT COUNT(*) AS n FROM products").first()!.decode(column: "n", as: Int.self),
                    try await sql.raw("SELECT COUNT(*) AS n FROM categories").first()!.decode(column: "n", as: Int.self)
                )
            }
            #expect(counts.0 == 2 && counts.1 == 2)
        }
    }

    @Test("a list with one bad order stores none of them", arguments: Engine.available)
    func ordersAllOrNothing(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            expectError(try await app.request(.post, "/api/orders", json: """
                [{"external_id":"a","contact":"+4915112345678","total":100},{"external_id":"b","contact":"+4915112345678","total":-5}]
                """), .unprocessableContent, field: "[1].total")
            expectError(try await app.request(.post, "/api/orders", json: #"{"external_id":"c","contact":{"email":"ghost@example.com"},"total":1}"#), .unprocessableContent, code: "unknown_contact")
            expectError(try await app.request(.post, "/api/orders", json: #"{"external_id":"d","contact":"+4915112345678","total":"12.50"}"#), .unprocessableContent, code: "invalid_type", field: "total")
            expectError(try await app.request(.post, "/api/orders", json: #"{"external_id":"e","contact":"+4915112345678","total":1,"status":"shipped"}"#), .unprocessableContent, field: "status")
            expectError(try await app.request(.post, "/api/orders", json: #"{"external_id":"f","contact":"+4915112345678","total":1,"lines":[{"name":"x","unit_price":1}]}"#), .unprocessableContent, field: "lines[0].product_external_id")
            #expect(try await app.request(.get, "/api/orders").json["data"].array.isEmpty)
            #expect(try await app.request(.get, "/api/contacts").json["data"].array.isEmpty, "no contact is left behind by a refused order")
        }
    }

    @Test("historical events import as a JSON list or JSON lines, all or nothing", arguments: Engine.available)
    func events(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            _ = try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345678","email":"a@example.com"}"#)
            let list = try await app.request(.post, "/api/events/import", json: """
                [{"contact":{"phone":"+4915112345678"},"type":"sent","occurred_at":"2026-01-05T09:00:00Z","campaign":"Winter Sale"},
                 {"contact":{"email":"a@example.com"},"type":"read","occurred_at":"2026-01-05T09:05:00Z","campaign":"Winter Sale"}]
                """)
            #expect(list.status == .created, "\(list.text)")
            #expect(list.json["imported"].number == 2)
            let lines = try await app.request(.post, "/api/events/import", body: """
                {"contact":"+4915112345678","type":"clicked","occurred_at":"2026-01-05T09:06:00Z"}
                {"contact":"+4915112345678","type":"replied","occurred_at":"2026-01-05T09:07:00Z","campaign":"Winter Sale"}

                """, contentType: "application/x-ndjson")
            #expect(lines.json["imported"].number == 2, "\(lines.text)")
            expectError(try await app.request(.post, "/api/events/import", json: """
                [{"contact":"+4915112345678","type":"sent","occurred_at":"2026-01-05T09:00:00Z"},
                 {"contact":"+447911123456","type":"sent","occurred_at":"2026-01-05T09:00:00Z"}]
                """), .unprocessableContent, code: "unknown_contact", field: "[1].contact")
            expectError(try await app.request(.post, "/api/events/import", json: #"[{"contact":"+4915112345678","type":"opened","occurred_at":"2026-01-05T09:00:00Z"}]"#), .unprocessableContent, field: "[0].type")
            expectError(try await app.request(.post, "/api/events/import", json: #"[{"contact":"+4915112345678","type":"sent","occurred_at":"yesterday"}]"#), .unprocessableContent, field: "[0].occurred_at")
            expectError(try await app.request(.post, "/api/events/import", body: "{not json}\n", contentType: "application/x-ndjson"), .badRequest)
            let stored = try await app.database.read { sql in
                (
                    try await sql.raw("SELECT COUNT(*) AS n FROM message_events").first()!.decode(column: "n", as: Int.self),
                    try await sql.raw("SELECT COUNT(*) AS n FROM campaigns WHERE status = 'imported'").first()!.decode(column: "n", as: Int.self)
                )
            }
            #expect(stored.0 == 5, "refused imports store nothing (the four imported events and the delivered that the read implies)")
            #expect(stored.1 == 1)
        }
    }
}
