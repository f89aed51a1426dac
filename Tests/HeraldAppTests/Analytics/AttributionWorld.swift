import Foundation
import HummingbirdTesting
import SQLKit
import Testing

@testable import HeraldApp

/// Design section 3's example as rows: Ana clicked campaign A's message on 28 April 18:00 and B's on 2 May 09:00 and
/// read C's on 3 May 11:00; Ben received C too. Messages have fixed cohorts and countries, so cells are predictable.
struct AttributionWorld {
    let app: TestApp
    let ana: UUID
    let ben: UUID
    /// Campaign ids by name ("A", "B", "C").
    let campaigns: [String: UUID]
    /// Message ids: "A", "B", "C" are Ana's, "C-ben" is Ben's.
    let messages: [String: UUID]

    static let anaPhone = "+4915112340001"
    static let benPhone = "+4915112340002"

    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    /// When each message first left Herald, and its recipient's country.
    static let cohorts: [String: (at: Date, country: String)] = [
        "A": (at("2026-04-28T17:00:00Z"), "DE"), "B": (at("2026-05-02T08:00:00Z"), "FR"),
        "C": (at("2026-05-03T10:00:00Z"), "DE"), "C-ben": (at("2026-05-03T10:00:00Z"), "DE"),
    ]

    static func make(_ app: TestApp, anaClicks: Bool = true) async throws -> AttributionWorld {
        var contacts: [UUID] = []
        for phone in [anaPhone, benPhone] {
            let response = try await app.request(.post, "/api/contacts", json: #"{"phone":"\#(phone)"}"#)
            #expect(response.status == .created, "\(response.text)")
            contacts.append(UUID(uuidString: response.json["id"].string!)!)
        }
        let (ana, ben) = (contacts[0], contacts[1])
        let workspaceID = app.workspace.id
        let campaigns = Dictionary(uniqueKeysWithValues: ["A", "B", "C"].map { ($0, UUID()) })
        let messages = Dictionary(uniqueKeysWithValues: ["A", "B", "C", "C-ben"].map { ($0, UUID()) })
        let now = Date()
        try await app.database.transaction { sql in
            for (name, id) in campaigns.sorted(by: { $0.key < $1.key }) {
                try await sql.raw(
                    """
                    INSERT INTO campaigns (id, workspace_id, name, status, created_at, updated_at)
                    VALUES (\(bind: id), \(bind: workspaceID), \(bind: "Campaign " + name), 'completed', \(bind: now), \(bind: now))
                    """
                ).run()
            }
            for (name, id) in messages.sorted(by: { $0.key < $1.key }) {
                let contact = name == "C-ben" ? ben : ana
                let campaign = campaigns[String(name.prefix(1))]!
                let cohort = cohorts[name]!
                try await sql.raw(
                    """
                    INSERT INTO messages (id, workspace_id, campaign_id, contact_id, status, created_at, updated_at, cohort_at, country)
                    VALUES (\(bind: id), \(bind: workspaceID), \(bind: campaign), \(bind: contact), 'delivered', \(bind: now), \(bind: now),
                        \(bind: cohort.at), \(bind: cohort.country))
                    """
                ).run()
            }
        }
        let world = AttributionWorld(app: app, ana: ana, ben: ben, campaigns: campaigns, messages: messages)
        if anaClicks {
            try await world.event("A", "clicked", at: at("2026-04-28T18:00:00Z"))
            try await world.event("B", "clicked", at: at("2026-05-02T09:00:00Z"))
        }
        try await world.event("C", "read", at: at("2026-05-03T11:00:00Z"))
        return world
    }

    /// Inserts a click or read of one of the messages by its recipient (as the event writer would, without cells).
    func event(_ message: String, _ type: String, at: Date) async throws {
        let workspaceID = app.workspace.id
        let contact = message == "C-ben" ? ben : ana
        let campaign = campaigns[String(message.prefix(1))]!
        let messageID = messages[message]!
        try await app.database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO message_events (id, workspace_id, contact_id, campaign_id, message_id, type, occurred_at, source, created_at)
                VALUES (\(bind: UUID()), \(bind: workspaceID), \(bind: contact), \(bind: campaign), \(bind: messageID), \(bind: type), \(bind: at),
                    'test', \(bind: Date()))
                """
            ).run()
        }
    }

    /// Posts one order through the API, as a shop would.
    @discardableResult
    func order(_ externalID: String, phone: String = anaPhone, total: Int = 8000, status: String = "paid", at: String = "2026-05-03T12:00:00Z")
        async throws -> TestResponse
    {
        let response = try await app.request(
            .post, "/api/orders",
            json: #"{"external_id":"\#(externalID)","contact":"\#(phone)","total":\#(total),"currency":"EUR","status":"\#(status)","ordered_at":"\#(at)"}"#
        )
        #expect(response.status == .created, "\(response.text)")
        return response
    }

    struct Row: Equatable, CustomStringConvertible {
        var message: String
        var touch: String
        var reversed: Bool
        var description: String { "\(message) by \(touch)\(reversed ? " (reversed)" : "")" }
    }

    /// The conversion of an order by external id, with the message named as in ``messages``.
    func conversion(_ externalID: String) async throws -> Row? {
        let names = Dictionary(uniqueKeysWithValues: messages.map { ($1, $0) })
        return try await app.database.read { sql in
            guard
                let row = try await sql.raw(
                    """
                    SELECT c.message_id, c.touch, c.reversed_at FROM conversions c JOIN orders o ON o.id = c.order_id
                    WHERE o.external_id = \(bind: externalID)
                    """
                ).first()
            else { return nil }
            return Row(
                message: names[try row.decode(column: "message_id", as: UUID.self)] ?? "?", touch: try row.decode(column: "touch", as: String.self),
                reversed: try row.decode(column: "reversed_at", as: Date?.self) != nil
            )
        }
    }

    /// A message's counters: active conversions and the earliest converting order's time.
    func counters(_ message: String) async throws -> (count: Int, convertedAt: Date?) {
        try await app.database.read { sql in
            let row = try await sql.raw("SELECT conversion_count, converted_at FROM messages WHERE id = \(bind: messages[message]!)").first()!
            return (try row.decode(column: "conversion_count", as: Int.self), try row.decode(column: "converted_at", as: Date?.self))
        }
    }

    /// One message's cell totals: converted, orders, and EUR revenue, refunded orders and refunded amount.
    struct Cell: Equatable, CustomStringConvertible {
        var converted: Int64 = 0
        var orders: Int64 = 0
        var revenue: Int64 = 0
        var refundedOrders: Int64 = 0
        var refunded: Int64 = 0
        var description: String { "converted \(converted), orders \(orders), revenue \(revenue), refunded \(refundedOrders)/\(refunded)" }
    }

    /// The cell of a message (its campaign, no variation, its country and cohort bucket); zeros when absent.
    func cell(_ message: String) async throws -> Cell {
        let campaign = campaigns[String(message.prefix(1))]!
        let cohort = Self.cohorts[message]!
        let bucket = Int64(cohort.at.timeIntervalSince1970) / 900 * 900
        return try await app.database.read { sql in
            var cell = Cell()
            let key: SQLQueryString = """
                campaign_id = \(bind: campaign) AND variation_id = \(bind: CellKey.noVariation) AND country = \(bind: cohort.country) AND bucket = \(bind: bucket)
                """
            if let row = try await sql.raw("SELECT converted, orders FROM analytics_cells WHERE \(key)").first() {
                cell.converted = try row.decode(column: "converted", as: Int64.self)
                cell.orders = try row.decode(column: "orders", as: Int64.self)
            }
            if let row = try await sql.raw("SELECT revenue_minor, refunded_orders, refunded_minor FROM analytics_money WHERE \(key) AND currency = 'EUR'").first() {
                cell.revenue = try row.decode(column: "revenue_minor", as: Int64.self)
                cell.refundedOrders = try row.decode(column: "refunded_orders", as: Int64.self)
                cell.refunded = try row.decode(column: "refunded_minor", as: Int64.self)
            }
            return cell
        }
    }

    /// Every cell and money row of the workspace, as text, to compare before and after.
    func allCells() async throws -> [String] {
        try await app.database.read { sql in
            let cells = try await sql.raw("SELECT campaign_id, country, bucket, converted, orders FROM analytics_cells ORDER BY campaign_id, country, bucket").all()
            let money = try await sql.raw(
                "SELECT campaign_id, country, bucket, currency, revenue_minor, refunded_orders, refunded_minor FROM analytics_money ORDER BY campaign_id, country, bucket, currency"
            ).all()
            return try cells.map {
                "\(try $0.decode(column: "campaign_id", as: UUID.self)) \(try $0.decode(column: "bucket", as: Int64.self)) \(try $0.decode(column: "converted", as: Int64.self)) \(try $0.decode(column: "orders", as: Int64.self))"
            } + money.map {
                "\(try $0.decode(column: "campaign_id", as: UUID.self)) \(try $0.decode(column: "currency", as: String.self)) \(try $0.decode(column: "revenue_minor", as: Int64.self)) \(try $0.decode(column: "refunded_orders", as: Int64.self)) \(try $0.decode(column: "refunded_minor", as: Int64.self))"
            }
        }
    }
}
