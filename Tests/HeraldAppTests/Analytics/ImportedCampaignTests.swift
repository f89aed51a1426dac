import Foundation
import HeraldTestSupport
import SQLKit
import Testing

@testable import HeraldApp

/// Imported history is measured like live traffic (issue 12, "one source of truth"): an imported campaign gets message
/// rows and rollup cells, a second import of the same file counts nothing twice, and an import naming a live campaign
/// merges with its webhooks.
@Suite("Imported campaigns in the rollups")
struct ImportedCampaignTests {
    static let events = """
        [{"contact":{"phone":"+4915112345678"},"type":"sent","occurred_at":"2026-01-05T09:00:00Z","campaign":"Winter Sale"},
         {"contact":{"phone":"+4915112345678"},"type":"delivered","occurred_at":"2026-01-05T09:00:30Z","campaign":"Winter Sale"},
         {"contact":{"phone":"+4915112345678"},"type":"read","occurred_at":"2026-01-05T09:05:00Z","campaign":"Winter Sale"},
         {"contact":{"phone":"+4915112345678"},"type":"clicked","occurred_at":"2026-01-05T09:06:00Z","campaign":"Winter Sale"},
         {"contact":{"phone":"+4915112345678"},"type":"clicked","occurred_at":"2026-01-05T09:16:00Z","campaign":"Winter Sale"},
         {"contact":{"phone":"+447911123456"},"type":"sent","occurred_at":"2026-01-05T09:01:00Z","campaign":"Winter Sale"},
         {"contact":{"phone":"+447911123456"},"type":"failed","occurred_at":"2026-01-05T09:01:10Z","campaign":"Winter Sale"},
         {"contact":{"phone":"+447911123456"},"type":"replied","occurred_at":"2026-01-05T09:30:00Z"}]
        """

    @Test("an imported campaign shows its numbers, equal to a recomputation; importing the file again changes nothing", arguments: Engine.available)
    func importedCampaign(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            for phone in ["+4915112345678", "+447911123456"] {
                #expect(try await app.request(.post, "/api/contacts", json: #"{"phone":"\#(phone)"}"#).status == .created)
            }
            for _ in 0..<2 {
                let response = try await app.request(.post, "/api/events/import", json: Self.events)
                #expect(response.status == .created, "\(response.text)")
            }
            let campaign = try await app.database.read { sql in
                try await sql.raw("SELECT id FROM campaigns WHERE name = 'Winter Sale'").first()!.decode(column: "id", as: UUID.self)
            }
            let stats = try await app.database.read { sql in try await CampaignStats.load(campaignID: campaign, in: sql) }
            #expect([stats.messages, stats.sent, stats.delivered, stats.read, stats.clicked, stats.clicks, stats.failed] == [2, 2, 1, 1, 1, 2, 1] as [Int])
            let cells = try await app.database.read { sql in
                try await sql.raw(
                    """
                    SELECT CAST(SUM(sent) AS BIGINT) AS sent, CAST(SUM(delivered) AS BIGINT) AS delivered, CAST(SUM(read) AS BIGINT) AS r,
                        CAST(SUM(clicked) AS BIGINT) AS clicked, CAST(SUM(clicks) AS BIGINT) AS clicks, CAST(SUM(failed) AS BIGINT) AS failed,
                        CAST(SUM(replied) AS BIGINT) AS replied, COUNT(DISTINCT country) AS countries
                    FROM analytics_cells WHERE campaign_id = \(bind: campaign)
                    """
                ).first()!
            }
            let totals = try ["sent", "delivered", "r", "clicked", "clicks", "failed", "replied", "countries"].map { try cells.decode(column: $0, as: Int.self) }
            #expect(totals == [2, 1, 1, 1, 2, 1, 0, 2] as [Int], "the reply names no campaign: it stays a contact event, in no cell")
            #expect(try await RollupRebuild(database: app.database).verify(campaignID: campaign).isEmpty)
            let events = try await app.database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM message_events").first()!.decode(column: "n", as: Int.self)
            }
            #expect(events == 8, "the second import inserted nothing")
        }
    }
}
