import Foundation
import SQLKit
import Testing

@testable import HeraldApp

/// The campaign list loads the stats of its whole page in one grouped query rather than two queries per campaign.
@Suite("Campaign list stats")
struct CampaignListStatsTests {
    /// Three campaigns with different message states, one without messages, and an imported one with only events.
    func campaigns(_ app: TestApp) async throws -> (spring: Campaign, others: [UUID]) {
        let f = try await MessagingFixture.make(app, contacts: 3)
        let services = app.services.messaging
        let (workspaceID, now) = (app.workspace.id, Date())
        let m = f.messages
        try await app.database.transaction { sql in
            try await sql.raw(
                """
                UPDATE messages SET sent_at = \(bind: now), delivered_at = \(bind: now), read_at = \(bind: now), cost_micros = 125000, cost_currency = 'USD'
                WHERE id IN (\(bind: m[0].id), \(bind: m[1].id))
                """
            ).run()
            try await sql.raw(
                "UPDATE messages SET clicked_at = \(bind: now), click_count = 3, replied_at = \(bind: now) WHERE id = \(bind: m[0].id)"
            ).run()
            try await sql.raw(
                "UPDATE messages SET status = 'failed', failed_at = \(bind: now), accepted_at = NULL WHERE id = \(bind: m[2].id)"
            ).run()
            for key in ["a", "b"] {
                try await EventWriter.recordAndFlush([EventRecord(
                    workspaceID: workspaceID, contactID: m[0].contact, campaignID: f.campaign.id, messageID: m[0].id, variationID: nil,
                    type: "replied", at: now, dedupeKey: "reply-\(key)"
                )], dialect: app.database.dialect, in: sql)
            }
        }
        var others: [UUID] = []
        for name in ["Summer", "Autumn"] {
            let s = f.campaign
            let c = Campaign(
                id: .timeOrdered(), workspaceID: workspaceID, name: name, status: .sending, accountID: s.accountID, templateID: s.templateID,
                templateName: s.templateName, templateLanguage: s.templateLanguage, variables: s.variables, ctaURL: s.ctaURL, audience: .everyone,
                createdAt: now, updatedAt: now
            )
            try await services.campaigns.insert(c)
            if name == "Summer" {
                _ = try await AudienceFreeze(database: app.database, segments: services.segments).freeze(c, category: "MARKETING")
                try await app.database.transaction { sql in
                    try await sql.raw(
                        "UPDATE messages SET status = 'suppressed' WHERE campaign_id = \(bind: c.id) AND contact_id = \(bind: m[1].contact)"
                    ).run()
                }
            }
            others.append(c.id)
        }
        let imported = UUID.timeOrdered()
        try await app.database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO campaigns (id, workspace_id, name, status, created_at, updated_at)
                VALUES (\(bind: imported), \(bind: workspaceID), 'Old newsletter', 'imported', \(bind: now), \(bind: now))
                """
            ).run()
            try await EventWriter.recordAndFlush([EventRecord(
                workspaceID: workspaceID, contactID: m[2].contact, campaignID: imported, messageID: nil, variationID: nil, type: "replied",
                at: now, dedupeKey: "old-reply"
            )], dialect: app.database.dialect, in: sql)
        }
        others.append(imported)
        return (f.campaign, others)
    }

    @Test("a page's stats from one grouped query equal each campaign's own, and the list shows them", arguments: Engine.available)
    func grouped(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let (spring, others) = try await campaigns(app)
            let ids = [spring.id] + others
            let page = try await app.database.read { sql in
                try await CampaignStats.load(workspaceID: app.workspace.id, campaignIDs: ids, in: sql)
            }
            #expect(
                page.stats[spring.id]
                    == CampaignStats(
                        messages: 3, waiting: 0, accepted: 2, sent: 2, delivered: 2, read: 2, clicked: 1, clicks: 3, replied: 1, failed: 1,
                        suppressed: 0, costMicros: 250_000
                    )
            )
            #expect(page.replyEvents[spring.id] == 2)
            #expect(page.stats[others[0]]?.messages == 3 && page.stats[others[0]]?.waiting == 2 && page.stats[others[0]]?.suppressed == 1)
            #expect(page.stats[others[1]] == nil && page.stats[others[2]] == nil, "no messages, no row")
            #expect(page.replyEvents[others[2]] == 1, "an imported campaign's replies count without messages")

            let list = try await app.request(.get, "/api/campaigns").json["data"].array
            #expect(list.count == 4)
            for id in ids {
                let listed = try #require(list.first { $0["id"].string == id.uuidString.lowercased() })
                let shown = try await app.request(.get, "/api/campaigns/\(id)").json
                #expect(listed == shown, "\(id)")
                let own = try await app.database.read { sql in try await CampaignStats.load(campaignID: id, in: sql) }
                #expect((page.stats[id] ?? CampaignStats()) == own)
            }
        }
    }
}
