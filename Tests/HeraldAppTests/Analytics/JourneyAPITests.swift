import Foundation
import HTTPTypes
import SQLKit
import Testing
import WhatsApp

@testable import HeraldApp

@Suite("Contact journey API")
struct JourneyAPITests {
    /// A contact who got the campaign (sent, delivered, read), entered a segment, clicked, replied, said STOP and ordered.
    static func journeyFixture(_ app: TestApp) async throws -> (f: MessagingFixture, contact: UUID) {
        let f = try await MessagingFixture.make(app, contacts: 1)
        let m = f.messages[0]
        let t = Date(timeIntervalSince1970: 1_790_000_000)
        try await app.database.transaction { sql in
            try await sql.raw("UPDATE messages SET cohort_at = \(bind: t - 1) WHERE id = \(bind: m.id)").run()
        }
        try await f.deliver(f.statuses([f.status(0, "sent"), f.status(0, "delivered", at: 1), f.status(0, "read", at: 2)]))
        try await f.process()
        let segment = UUID(), refresh = UUID()
        let json = app.database.dialect.json("{}")
        try await app.database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO segments (id, workspace_id, name, kind, rules, created_at, updated_at)
                VALUES (\(bind: segment), \(bind: app.workspace.id), 'VIP', 'static', \(json), \(bind: t), \(bind: t))
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO segment_refreshes (id, workspace_id, segment_id, at, reason, contact_count, entered_count, left_count, took_ms)
                VALUES (\(bind: refresh), \(bind: app.workspace.id), \(bind: segment), \(bind: t + 10), 'test', 1, 1, 0, 1)
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO segment_membership_changes (refresh_id, segment_id, workspace_id, contact_id, change, at)
                VALUES (\(bind: refresh), \(bind: segment), \(bind: app.workspace.id), \(bind: m.contact), 'entered', \(bind: t + 10))
                """
            ).run()
        }
        let token = try await app.database.read { sql in
            try await sql.raw("SELECT click_token FROM messages WHERE id = \(bind: m.id)").first()!.decode(column: "click_token", as: String.self)
        }
        #expect(try await app.request(.get, "/r/\(token)").status == .found)
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let from = String(m.phone.dropFirst())
        try await f.deliver(f.inbound(InboundMessage(wamid: "wamid.j1", from: from, timestamp: now + 60, type: "text", text: "Thanks!", contextID: m.wamid)))
        try await f.deliver(f.inbound(InboundMessage(wamid: "wamid.j2", from: from, timestamp: now + 120, type: "text", text: "STOP", contextID: m.wamid)))
        try await f.process()
        let orderedAt = ISO8601DateFormatter().string(from: now + 180)
        let order = try await app.request(
            .post, "/api/orders",
            json: #"{"external_id":"A-1","contact":{"phone":"\#(m.phone)"},"total":8000,"currency":"EUR","ordered_at":"\#(orderedAt)"}"#
        )
        #expect(order.status == .ok || order.status == .created, "\(order.text)")
        try await app.database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO conversions (order_id, workspace_id, message_id, campaign_id, contact_id, touch, touched_at, ordered_at, amount_minor, currency, updated_at)
                SELECT o.id, o.workspace_id, \(bind: m.id), \(bind: f.campaign.id), o.contact_id, 'click', \(bind: now), o.ordered_at, o.total_minor, o.currency, \(bind: now)
                FROM orders o WHERE o.external_id = 'A-1'
                ON CONFLICT (order_id) DO NOTHING
                """
            ).run()
        }
        return (f, m.contact)
    }

    static let expectedKinds = ["order", "consent", "replied", "replied", "clicked", "consent", "segment", "read", "delivered", "sent", "message"]

    @Test("every source appears newest first with the right kind and details", arguments: Engine.available)
    func wholeJourney(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let (f, contact) = try await Self.journeyFixture(app)
            let response = try await app.request(.get, "/api/contacts/\(contact)/journey")
            #expect(response.status == .ok, "\(response.text)")
            let items = response.json["data"].array
            #expect(items.compactMap { $0["kind"].string } == Self.expectedKinds, "\(response.text)")
            #expect(response.json["next_before"] == .null)
            let order = items[0]
            #expect(order["order"]["external_id"].string == "A-1")
            #expect(order["order"]["total_minor"].number == 8000)
            #expect(order["order"]["attribution"]["campaign"]["name"].string == "Spring")
            #expect(order["order"]["attribution"]["touch"].string == "click")
            #expect(order["order"]["attribution"]["message_id"].string == f.messages[0].id.uuidString.lowercased())
            #expect(items[1]["status"].string == "opted_out")
            #expect(items[1]["source"].string == "whatsapp_keyword")
            #expect(items[4]["campaign"]["name"].string == "Spring")
            #expect(items[5]["status"].string == "opted_in")
            #expect(items[6]["segment"]["name"].string == "VIP")
            #expect(items[6]["change"].string == "entered")
            let message = items[10]
            #expect(message["campaign"]["name"].string == "Spring")
            #expect(message["template"].string == "spring_sale")
            #expect(message["message_id"].string == f.messages[0].id.uuidString.lowercased())
            let times = items.compactMap { $0["at"].string }
            #expect(times == times.sorted(by: >), "newest first")
        }
    }

    @Test("paging with before returns the rest, without repeats", arguments: Engine.available)
    func paging(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let (_, contact) = try await Self.journeyFixture(app)
            var seen: [String] = [], kinds: [String] = [], before: String?, pages = 0
            repeat {
                let query = before.map { "&before=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") } ?? ""
                let response = try await app.request(.get, "/api/contacts/\(contact)/journey?limit=4\(query)")
                #expect(response.status == .ok, "\(response.text)")
                let items = response.json["data"].array
                #expect(items.count <= 4)
                seen += items.map { item in (item["id"].string ?? "") + (item["kind"].string ?? "") }
                kinds += items.compactMap { $0["kind"].string }
                before = response.json["next_before"].string
                pages += 1
            } while before != nil && pages < 10
            #expect(pages == 3)
            #expect(kinds == Self.expectedKinds)
            #expect(Set(seen).count == seen.count, "no item twice")
        }
    }

    @Test("another workspace's contact is a 404; a bad cursor or limit a 400", arguments: Engine.available)
    func errors(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let id = try #require(try await app.request(.post, "/api/contacts", json: #"{"phone":"+4915112345601"}"#).json["id"].string)
            let (_, otherKey) = try await app.services.workspaces.create(name: "Other", defaultCountry: "DE")
            expectError(try await app.request(.get, "/api/contacts/\(id)/journey", key: otherKey), .notFound, code: "not_found")
            expectError(try await app.request(.get, "/api/contacts/\(UUID())/journey"), .notFound, code: "not_found")
            expectError(try await app.request(.get, "/api/contacts/\(id)/journey?before=yesterday"), .badRequest, code: "invalid_cursor", field: "before")
            expectError(try await app.request(.get, "/api/contacts/\(id)/journey?before=1%7Cparty%7C\(UUID())"), .badRequest, field: "before")
            expectError(try await app.request(.get, "/api/contacts/\(id)/journey?limit=0"), .badRequest, field: "limit")
            expectError(try await app.request(.get, "/api/contacts/\(id)/journey?limit=501"), .badRequest, field: "limit")
            let empty = try await app.request(.get, "/api/contacts/\(id)/journey?limit=500")
            #expect(empty.status == .ok)
            #expect(empty.json["data"].array.isEmpty)
        }
    }
}
