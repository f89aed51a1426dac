import Analytics
import Foundation
import SQLKit
import Storage

/// What a campaign has done so far, counted from its message rows.
public struct CampaignStats: Sendable, Encodable, Equatable {
    public var messages = 0
    public var waiting = 0
    public var accepted = 0
    public var sent = 0
    public var delivered = 0
    public var read = 0
    public var clicked = 0
    public var clicks = 0
    public var replied = 0
    public var failed = 0
    public var suppressed = 0
    /// Micro-units of the rate table's currency (`cost` in JSON is the same amount as an exact decimal).
    public var costMicros: Int64 = 0

    enum CodingKeys: String, CodingKey {
        case messages, waiting, accepted, sent, delivered, read, clicked, clicks, replied, failed, suppressed, cost
        case costMicros = "cost_micros"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        for (key, value) in [
            (CodingKeys.messages, messages), (.waiting, waiting), (.accepted, accepted), (.sent, sent), (.delivered, delivered), (.read, read),
            (.clicked, clicked), (.clicks, clicks), (.replied, replied), (.failed, failed), (.suppressed, suppressed),
        ] {
            try c.encode(value, forKey: key)
        }
        try c.encode(Micros(costMicros, currency: "").decimal, forKey: .cost)
        try c.encode(costMicros, forKey: .costMicros)
    }

    /// One campaign's stats.
    static func load(campaignID: UUID, in sql: any SQLDatabase) async throws -> CampaignStats {
        guard let row = try await sql.raw("SELECT \(columns) FROM messages WHERE campaign_id = \(bind: campaignID)").first() else {
            return CampaignStats()
        }
        return try decode(row)
    }

    /// A page of campaigns' stats in one grouped query, and their reply events in a second (an imported campaign has
    /// events but no messages). A campaign without messages has no entry.
    static func load(workspaceID: UUID, campaignIDs: [UUID], in sql: any SQLDatabase) async throws -> CampaignPageStats {
        guard !campaignIDs.isEmpty else { return CampaignPageStats() }
        var page = CampaignPageStats()
        for row in try await sql.raw(
            "SELECT campaign_id, \(columns) FROM messages WHERE campaign_id IN (\(binds: campaignIDs)) GROUP BY campaign_id"
        ).all() {
            page.stats[try row.decode(column: "campaign_id", as: UUID.self)] = try decode(row)
        }
        for row in try await sql.raw(
            """
            SELECT campaign_id, COUNT(*) AS n FROM message_events
            WHERE workspace_id = \(bind: workspaceID) AND campaign_id IN (\(binds: campaignIDs)) AND type = 'replied'
            GROUP BY campaign_id
            """
        ).all() {
            page.replyEvents[try row.decode(column: "campaign_id", as: UUID.self)] = try row.decode(column: "n", as: Int.self)
        }
        return page
    }

    static let columns: SQLQueryString = """
        COUNT(*) AS messages,
            SUM(CASE WHEN status IN ('queued', 'sending') THEN 1 ELSE 0 END) AS waiting,
            SUM(CASE WHEN accepted_at IS NOT NULL THEN 1 ELSE 0 END) AS accepted,
            SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END) AS sent,
            SUM(CASE WHEN delivered_at IS NOT NULL THEN 1 ELSE 0 END) AS delivered,
            SUM(CASE WHEN read_at IS NOT NULL THEN 1 ELSE 0 END) AS read_count,
            SUM(CASE WHEN clicked_at IS NOT NULL THEN 1 ELSE 0 END) AS clicked,
            SUM(click_count) AS clicks,
            SUM(CASE WHEN replied_at IS NOT NULL THEN 1 ELSE 0 END) AS replied,
            SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END) AS failed,
            SUM(CASE WHEN status = 'suppressed' THEN 1 ELSE 0 END) AS suppressed,
            CAST(SUM(cost_micros) AS BIGINT) AS cost_micros
        """

    static func decode(_ row: any SQLRow) throws -> CampaignStats {
        func int(_ column: String) throws -> Int { try row.decode(column: column, as: Int?.self) ?? 0 }
        return CampaignStats(
            messages: try int("messages"), waiting: try int("waiting"), accepted: try int("accepted"), sent: try int("sent"),
            delivered: try int("delivered"), read: try int("read_count"), clicked: try int("clicked"), clicks: try int("clicks"),
            replied: try int("replied"), failed: try int("failed"), suppressed: try int("suppressed"),
            costMicros: try row.decode(column: "cost_micros", as: Int64?.self) ?? 0
        )
    }

    /// Reply events, counting every reply (a contact may answer a message more than once).
    static func replyEvents(campaignID: UUID, in sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("SELECT COUNT(*) AS n FROM message_events WHERE campaign_id = \(bind: campaignID) AND type = 'replied'")
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }
}

/// The stats of a page of campaigns, by campaign id.
struct CampaignPageStats: Sendable {
    var stats: [UUID: CampaignStats] = [:]
    var replyEvents: [UUID: Int] = [:]
}
