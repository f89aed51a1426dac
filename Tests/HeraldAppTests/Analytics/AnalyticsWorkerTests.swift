import Foundation
import HeraldTestSupport
import SQLKit
import Storage
import Testing
import WhatsApp

@testable import HeraldApp

/// The rebuild that migration 8 and settings changes ask for, and orders converted by webhooks that arrive after them.
@Suite("Analytics rebuild worker and late touches")
struct AnalyticsWorkerTests {
    @Test("a requested rebuild restores damaged cells once; a request during a rebuild is served by another", arguments: Engine.available)
    func rebuildsOnRequest(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 3)
            try await f.deliver(f.statuses([f.status(0, "delivered"), f.status(1, "read", at: 5), f.status(2, "sent")]))
            try await f.process()
            let worker = AnalyticsWorker(database: app.database, logger: TestDatabase.logger)
            // Migration 8 asked for a first rebuild of every workspace; this one was created after it, so ask by hand.
            try await app.database.transaction { sql in
                try await sql.raw("DELETE FROM analytics_cells").run()
                try await sql.raw(
                    """
                    INSERT INTO analytics_state (workspace_id, rebuild_requested_at) VALUES (\(bind: app.workspace.id), \(bind: Date()))
                    ON CONFLICT (workspace_id) DO UPDATE SET rebuild_requested_at = excluded.rebuild_requested_at
                    """
                ).run()
            }
            #expect(try await !RollupRebuild(database: app.database).verify(campaignID: f.campaign.id).isEmpty, "the damage shows")
            #expect(try await worker.rebuildDue())
            #expect(try await RollupRebuild(database: app.database).verify(campaignID: f.campaign.id).isEmpty)
            #expect(try await !worker.rebuildDue(), "served once")
            let state = try await app.database.read { sql in
                try await sql.raw("SELECT rebuilt_at, rebuild_owner FROM analytics_state WHERE workspace_id = \(bind: app.workspace.id)").first()!
            }
            #expect(try state.decode(column: "rebuilt_at", as: Date?.self) != nil)
            #expect(try state.decode(column: "rebuild_owner", as: String?.self) == nil)
        }
    }

    @Test("seeded history (messages with their events) reaches the cells through the rebuild the seeder asks for", arguments: Engine.available)
    func seededHistory(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let summary = try await Seeder(database: app.database, workspaceID: app.workspace.id, seed: 3).run(
                contacts: 60, ordersPerContact: 2, eventsPerContact: 12, progress: { _ in }
            )
            #expect(summary.events > 0 && summary.messages > 0)
            let worker = AnalyticsWorker(database: app.database, logger: TestDatabase.logger)
            #expect(try await worker.rebuildDue())
            let counts = try await app.database.read { sql in
                (
                    try await sql.raw("SELECT COUNT(*) AS n FROM message_events WHERE campaign_id IS NOT NULL AND message_id IS NULL").first()!
                        .decode(column: "n", as: Int.self),
                    try await sql.raw("SELECT CAST(COALESCE(SUM(sent + delivered + read + clicks + replies + failed), 0) AS BIGINT) AS n FROM analytics_cells")
                        .first()!.decode(column: "n", as: Int.self),
                    try await sql.raw("SELECT COUNT(*) AS n FROM message_events WHERE campaign_id IS NOT NULL").first()!.decode(column: "n", as: Int.self),
                    try await sql.raw("SELECT COUNT(*) AS n FROM messages").first()!.decode(column: "n", as: Int.self)
                )
            }
            #expect(counts.0 == 0, "every campaign event has its message")
            #expect(counts.1 == counts.2, "every campaign event counts once in the cells")
            #expect(counts.3 == summary.messages)
            #expect(try await RollupRebuild(database: app.database).verify(workspaceID: app.workspace.id).isEmpty)
            try await Self.expectMilestonesMatchEvents(app.database)
        }
    }

    @Test("campaign events without messages (stored before migration 8) get them in the rebuild, with the cells a seeded message gives", arguments: Engine.available)
    func legacyEventsAttach(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            _ = try await Seeder(database: app.database, workspaceID: app.workspace.id, seed: 3).run(
                contacts: 60, ordersPerContact: 2, eventsPerContact: 12, progress: { _ in }
            )
            let worker = AnalyticsWorker(database: app.database, logger: TestDatabase.logger)
            #expect(try await worker.rebuildDue())
            let seeded = try await Self.cells(app.database)
            #expect(seeded.count > 10)
            // The same history as the events import stored it before migration 8: events alone.
            try await app.database.transaction { sql in
                try await sql.raw("UPDATE message_events SET message_id = NULL").run()
                try await sql.raw("DELETE FROM messages").run()
                try await sql.raw(
                    "UPDATE analytics_state SET rebuild_requested_at = \(bind: Date()) WHERE workspace_id = \(bind: app.workspace.id)"
                ).run()
            }
            #expect(try await worker.rebuildDue())
            let orphans = try await app.database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM message_events WHERE campaign_id IS NOT NULL AND message_id IS NULL").first()!
                    .decode(column: "n", as: Int.self)
            }
            #expect(orphans == 0, "every campaign event has its message")
            #expect(try await Self.cells(app.database) == seeded)
            try await Self.expectMilestonesMatchEvents(app.database)
        }
    }

    /// Every cell's counters, as text in key order.
    static func cells(_ database: Database) async throws -> [String] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT campaign_id, variation_id, country, bucket, sent, delivered, read, clicked, clicks, replied, replies, failed
                FROM analytics_cells ORDER BY campaign_id, country, bucket
                """
            ).all().map { row in
                try [
                    row.decode(column: "campaign_id", as: UUID.self).uuidString, row.decode(column: "country", as: String.self),
                    String(row.decode(column: "bucket", as: Int64.self)),
                ].joined(separator: " ") + ": "
                    + ["sent", "delivered", "read", "clicked", "clicks", "replied", "replies", "failed"]
                    .map { String(try row.decode(column: $0, as: Int64.self)) }.joined(separator: " ")
            }
        }
    }

    /// Messages carry their events' milestones and counters, and each has a cohort.
    static func expectMilestonesMatchEvents(_ database: Database) async throws {
        let milestones = try await database.read { sql in
            try await sql.raw(
                """
                SELECT (SELECT COUNT(*) FROM messages WHERE read_at IS NOT NULL) AS read_messages,
                    (SELECT COUNT(DISTINCT message_id) FROM message_events WHERE type = 'read') AS read_events,
                    (SELECT COUNT(*) FROM messages WHERE clicked_at IS NOT NULL) AS clicked_messages,
                    (SELECT COUNT(DISTINCT message_id) FROM message_events WHERE type = 'clicked') AS clicked_events,
                    (SELECT CAST(COALESCE(SUM(click_count), 0) AS BIGINT) FROM messages) AS clicks,
                    (SELECT COUNT(*) FROM message_events WHERE type = 'clicked') AS click_events,
                    (SELECT COUNT(*) FROM messages WHERE status = 'imported' AND (sent_at IS NULL OR cohort_at IS NULL)) AS unsent,
                    (SELECT COUNT(*) FROM messages m WHERE m.sent_at <> (SELECT MIN(e.occurred_at) FROM message_events e WHERE e.message_id = m.id))
                        AS cohort_off
                """
            ).first()!
        }
        func n(_ column: String) throws -> Int { try milestones.decode(column: column, as: Int.self) }
        #expect(try n("read_messages") == n("read_events") && n("read_events") > 0)
        #expect(try n("clicked_messages") == n("clicked_events") && n("clicked_events") > 0)
        #expect(try n("clicks") == n("click_events"))
        #expect(try n("unsent") == 0)
        #expect(try n("cohort_off") == 0, "a message is sent at its first event")
    }

    @Test("an order placed before the read status that precedes it arrives is converted when the status is applied", arguments: Engine.available)
    func lateRead(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await MessagingFixture.make(app, contacts: 2)
            // The fixture's statuses are timed from 1,790,000,000 (2026-09-21T14:13:20Z); the order comes an hour after the read.
            let response = try await app.request(.post, "/api/orders", json: """
                {"external_id":"o-1","contact":"\(f.messages[0].phone)","total":8000,"currency":"EUR","ordered_at":"2026-09-21T15:13:20Z"}
                """)
            #expect(response.status == .created || response.status == .ok, "\(response.text)")
            func conversions() async throws -> Int {
                try await app.database.read { sql in
                    try await sql.raw("SELECT COUNT(*) AS n FROM conversions WHERE reversed_at IS NULL").first()!.decode(column: "n", as: Int.self)
                }
            }
            #expect(try await conversions() == 0, "nothing was read yet")
            try await f.deliver(f.statuses([f.status(0, "read")]))
            try await f.process()
            #expect(try await conversions() == 1)
            let money = try await app.database.read { sql in
                try await sql.raw(
                    "SELECT currency, CAST(SUM(revenue_minor) AS BIGINT) AS revenue FROM analytics_money WHERE campaign_id = \(bind: f.campaign.id) AND revenue_minor <> 0 GROUP BY currency"
                ).all().map { (try $0.decode(column: "currency", as: String.self), try $0.decode(column: "revenue", as: Int64.self)) }
            }
            #expect(money.count == 1 && money.first?.0 == "EUR" && money.first?.1 == 8000)
            #expect(try await RollupRebuild(database: app.database).verify(campaignID: f.campaign.id).isEmpty)
        }
    }
}
