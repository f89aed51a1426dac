import Foundation
import SQLKit
import Testing

@testable import HeraldApp

/// The segment filter reads message rows instead of cells (design 5.4): on the same data both paths must give the same
/// numbers, so a segment holding every recipient equals no segment at all.
@Suite("Analytics segment path")
struct AnalyticsSegmentPathTests {
    /// One generated message: its row and the cell increments the event writers would have made for it.
    struct Sent {
        var index: Int
        var campaign: UUID
        var contact: UUID
        var message = UUID.timeOrdered()
        var cohort: Date
        var country: String?
        var sent: Bool, delivered: Bool, read: Bool, failed: Bool
        var errorCode: Int?
        var clicks: Int, replies: Int, conversions: Int, reversed: Int
        var cost: (Int64, String)?
    }

    struct World {
        let f: AnalyticsMetricsFixture
        let everyone: UUID, even: UUID, nobody: UUID
        let messages: [Sent]
        var s: UUID { f.a }
        var t: UUID { f.b }
    }

    /// 24 contacts; campaign Spring to all of them and Summer to the first ten, in three quarter hours around local
    /// midnight in Kolkata, in DE, FR and an unknown country, with failures, clicks, replies, costs in USD and EUR, two
    /// conversions and a refunded one. Cells are written through RollupDelta from the same facts.
    static func world(_ app: TestApp) async throws -> World {
        let w = app.workspace.id, now = Date()
        let f = AnalyticsMetricsFixture(app: app, a: .timeOrdered(), b: .timeOrdered(), c: .timeOrdered(), v1: .timeOrdered(), v2: .timeOrdered())
        let buckets = [AnalyticsMetricsFixture.b1, AnalyticsMetricsFixture.b2, AnalyticsMetricsFixture.b3]
        let contacts = (0..<24).map { _ in UUID.timeOrdered() }
        var generated: [Sent] = []
        for (campaign, count, shift) in [(f.a, 24, 0), (f.b, 10, 1)] {
            for i in 0..<count {
                let k = i + shift
                let sent = k % 8 != 7, delivered = sent && k % 5 != 0, read = delivered && k % 3 != 1
                generated.append(
                    Sent(
                        index: i, campaign: campaign, contact: contacts[i],
                        cohort: Date(timeIntervalSince1970: TimeInterval(buckets[k % 3] + Int64(k % 7) * 60)),
                        country: k == 5 ? nil : (k % 2 == 0 ? "DE" : "FR"), sent: sent, delivered: delivered, read: read, failed: !sent,
                        errorCode: !sent && k % 16 == 7 ? 131026 : nil, clicks: delivered ? k % 4 : 0, replies: read && k % 6 == 0 ? 2 : 0,
                        conversions: [2, 4].contains(k) ? 1 : 0, reversed: k == 6 ? 1 : 0,
                        cost: delivered ? (k % 2 == 0 ? (25_000, "USD") : (30_000, "EUR")) : nil
                    )
                )
            }
        }
        let messages = generated
        let segments = [UUID.timeOrdered(), UUID.timeOrdered(), UUID.timeOrdered()]
        try await app.database.transaction { sql in
            try await sql.raw("UPDATE workspaces SET time_zone = 'Asia/Kolkata' WHERE id = \(bind: w)").run()
            try await sql.raw(
                """
                INSERT INTO currency_rates (workspace_id, currency, rate_micros, as_of, updated_at)
                VALUES (\(bind: w), 'EUR', 1100000, '2026-05-01', \(bind: now))
                """
            ).run()
            for (i, id) in contacts.enumerated() {
                try await sql.raw(
                    """
                    INSERT INTO contacts (id, workspace_id, phone, name, tags, attributes, created_at, updated_at)
                    VALUES (\(bind: id), \(bind: w), \(bind: "+4915100000\(100 + i)"), \(bind: "Person \(i)"), '[]', '{}', \(bind: now), \(bind: now))
                    """
                ).run()
            }
            try await AnalyticsMetricsFixture.campaign(f.a, "Spring", workspace: w, in: sql)
            try await AnalyticsMetricsFixture.campaign(f.b, "Summer", workspace: w, in: sql)
            let memberships = [("Everyone", contacts), ("Even", contacts.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)), ("Nobody", [])]
            for (id, (name, members)) in zip(segments, memberships) {
                try await sql.raw(
                    """
                    INSERT INTO segments (id, workspace_id, name, kind, rules, contact_count, created_at, updated_at)
                    VALUES (\(bind: id), \(bind: w), \(bind: name), 'static', '{}', \(bind: members.count), \(bind: now), \(bind: now))
                    """
                ).run()
                for contact in members {
                    try await sql.raw(
                        """
                        INSERT INTO segment_members (segment_id, workspace_id, contact_id, since)
                        VALUES (\(bind: id), \(bind: w), \(bind: contact), \(bind: now))
                        """
                    ).run()
                }
            }
            var delta = RollupDelta()
            for m in messages {
                try await sql.raw(
                    """
                    INSERT INTO messages (id, workspace_id, campaign_id, contact_id, status, error_code, created_at, updated_at, country, cohort_at,
                        sent_at, delivered_at, read_at, failed_at, click_count, reply_count, conversion_count, cost_micros, cost_currency)
                    VALUES (\(bind: m.message), \(bind: w), \(bind: m.campaign), \(bind: m.contact), \(bind: m.failed ? "failed" : "delivered"),
                        \(bind: m.errorCode), \(bind: now), \(bind: now), \(bind: m.country), \(bind: m.cohort), \(bind: m.sent ? m.cohort : nil),
                        \(bind: m.delivered ? m.cohort : nil), \(bind: m.read ? m.cohort : nil), \(bind: m.failed ? m.cohort : nil),
                        \(bind: m.clicks),
                        \(bind: m.replies), \(bind: m.conversions), \(bind: m.cost?.0), \(bind: m.cost?.1))
                    """
                ).run()
                let key = CellKey(workspaceID: w, campaignID: m.campaign, variationID: nil, country: m.country, cohortAt: m.cohort)
                delta.add(
                    key,
                    CellCounts(
                        sent: m.sent ? 1 : 0, delivered: m.delivered ? 1 : 0, read: m.read ? 1 : 0, clicked: m.clicks > 0 ? 1 : 0,
                        clicks: Int64(m.clicks),
                        replied: m.replies > 0 ? 1 : 0, replies: Int64(m.replies), converted: m.conversions > 0 ? 1 : 0, orders: Int64(m.conversions)
                    )
                )
                if m.failed { delta.addFailure(key, code: m.errorCode) }
                if let (micros, currency) = m.cost { delta.addMoney(key, currency: currency, MoneyCounts(costMicros: micros)) }
                for (n, reversed) in [(m.conversions, false), (m.reversed, true)] where n > 0 {
                    let order = UUID.timeOrdered(), amount: Int64 = reversed ? 1_500 : 4_000 + Int64(m.index)
                    try await sql.raw(
                        """
                        INSERT INTO orders (id, workspace_id, external_id, contact_id, total_minor, currency, status, ordered_at, created_at,
                            updated_at)
                        VALUES (\(bind: order), \(bind: w), \(bind: "o-\(order)"), \(bind: m.contact), \(bind: amount), 'EUR',
                            \(bind: reversed ? "refunded" : "paid"), \(bind: now), \(bind: now), \(bind: now))
                        """
                    ).run()
                    try await sql.raw(
                        """
                        INSERT INTO conversions (order_id, workspace_id, message_id, campaign_id, contact_id, touch, touched_at, ordered_at,
                            amount_minor,
                            currency, reversed_at, updated_at)
                        VALUES (\(bind: order), \(bind: w), \(bind: m.message), \(bind: m.campaign), \(bind: m.contact), 'click', \(bind: now),
                            \(bind: now),
                            \(bind: amount), 'EUR', \(bind: reversed ? now : nil), \(bind: now))
                        """
                    ).run()
                    delta.addMoney(
                        key, currency: "EUR",
                        reversed ? MoneyCounts(refundedOrders: 1, refundedMinor: amount) : MoneyCounts(revenueMinor: amount)
                    )
                }
            }
            try await delta.flush(dialect: app.database.dialect, in: sql)
        }
        return World(f: f, everyone: segments[0], even: segments[1], nobody: segments[2], messages: messages)
    }

    static let queries = [
        "", "?country=DE", "?country=FR&from=2026-05-02&to=2026-05-02", "?from=2026-05-01&to=2026-05-01",
        "?from=2026-04-30&to=2026-05-03&granularity=day",
    ]

    @Test("a segment of every recipient gives the cells' numbers: campaign metrics, comparison and overview", arguments: Engine.available)
    func sameNumbers(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let world = try await Self.world(app)
            let f = world.f, segment = "segment_id=\(f.id(world.everyone))"
            for query in Self.queries {
                let join = query.isEmpty ? "?" : query + "&"
                let path = "/api/analytics/campaigns/\(f.id(world.s))/metrics"
                let cells = try await f.get(path + query), messages = try await f.get(path + join + segment)
                #expect(cells["metrics"] == messages["metrics"], "\(query)")
                #expect(cells["series"] == messages["series"], "\(query)")
                #expect(cells["by_variation"] == messages["by_variation"], "\(query)")
                let compare =
                    "/api/analytics/campaigns/compare?ids=\(f.id(world.s)),\(f.id(world.t))" + (query.isEmpty ? "" : "&" + query.dropFirst())
                let c1 = try await f.get(compare), c2 = try await f.get(compare + "&" + segment)
                #expect(c1["rows"] == c2["rows"], "\(query)")
            }
            let overview = "/api/analytics/dashboard/overview?from=2026-04-30&to=2026-05-03"
            let o1 = try await f.get(overview), o2 = try await f.get(overview + "&" + segment)
            #expect(o1["metrics"] == o2["metrics"] && o1["series"] == o2["series"] && o1["top_campaigns"] == o2["top_campaigns"])
            // The data is not trivial: every kind of number is there.
            let m = o1["metrics"]
            #expect(m["counts"]["sent"].number == 30 && m["counts"]["failed"].number == 4 && m["counts"]["converted"].number == 4)
            #expect(m["counts"]["refunded_orders"].number == 2 && m["failed_by_code"].array.count == 2 && m["revenue"]["micros"].number != 0)
        }
    }

    @Test(
        "segment performance: each saved segment's members now among the campaign's recipients, equal to the segment filter",
        arguments: Engine.available)
    func segmentPerformance(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let world = try await Self.world(app)
            let f = world.f
            let body = try await f.get("/api/analytics/campaigns/\(f.id(world.s))/segments")
            let rows = body["segments"].array
            #expect(rows.map { $0["name"].string } == ["Even", "Everyone", "Nobody"])
            #expect(rows.map { $0["recipients"].number } == [12, 24, 0] as [Double?])
            let all = try await f.get("/api/analytics/campaigns/\(f.id(world.s))/metrics")
            #expect(rows[1]["metrics"] == all["metrics"])
            let even = try await f.get("/api/analytics/campaigns/\(f.id(world.s))/metrics?segment_id=\(f.id(world.even))")
            #expect(rows[0]["metrics"] == even["metrics"])
            // By hand from the generated facts: the even contacts' Spring messages.
            let mine = world.messages.filter { $0.campaign == world.s && $0.index % 2 == 0 }
            #expect(rows[0]["metrics"]["counts"]["sent"].number == Double(mine.filter(\.sent).count))
            #expect(rows[0]["metrics"]["counts"]["delivered"].number == Double(mine.filter(\.delivered).count))
            #expect(rows[0]["metrics"]["counts"]["clicks"].number == Double(mine.map(\.clicks).reduce(0, +)))
            #expect(rows[2]["metrics"]["counts"]["sent"].number == 0 && rows[2]["metrics"]["rates"]["delivery"]["value"] == .null)
        }
    }
}
