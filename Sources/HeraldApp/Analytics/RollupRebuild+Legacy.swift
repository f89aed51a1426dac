import Foundation
import SQLKit
import Storage

extension RollupRebuild {
    /// Gives messages sent before countries were recorded (migration 8) the recipient's country, '' when neither the
    /// phone nor the BSUID says, so their cells agree with the events that arrive for them later.
    static func fillCountries(_ campaign: UUID, in sql: any SQLDatabase) async throws {
        while true {
            let rows = try await sql.raw(
                "SELECT id, phone, bsuid FROM messages WHERE campaign_id = \(bind: campaign) AND country IS NULL ORDER BY id LIMIT 5000"
            ).all()
            if rows.isEmpty { return }
            var byCountry: [String: [UUID]] = [:]
            for row in rows {
                let address = ContactAddress(phone: try row.decode(column: "phone", as: String?.self), bsuid: try row.decode(column: "bsuid", as: String?.self))
                byCountry[address.country ?? "", default: []].append(try row.decode(column: "id", as: UUID.self))
            }
            for (country, ids) in byCountry.sorted(by: { $0.key < $1.key }) {
                for start in stride(from: 0, to: ids.count, by: 500) {
                    let part = Array(ids[start..<min(start + 500, ids.count)])
                    try await sql.raw("UPDATE messages SET country = \(bind: country) WHERE id IN (\(binds: part))").run()
                }
            }
        }
    }

    /// Gives campaign events that have no message (stored before migration 8 by the events import, or written by
    /// `herald seed`) a message row per (campaign, contact), as an import does now: status `imported`, the cohort at the
    /// earliest event, milestones and counters from the events, the recipient's country. Then the events point at it,
    /// so the rebuild counts them like any other, in the caller's transaction. Every statement reads the campaign's
    /// events through the index that leads with the workspace: a query by campaign alone scanned every event of every
    /// campaign, once per page of contacts, and at 20 million events did not finish.
    static func attachLegacyEvents(_ campaign: UUID, dialect: Dialect, in sql: any SQLDatabase) async throws {
        guard let workspace = try await sql.raw("SELECT workspace_id FROM campaigns WHERE id = \(bind: campaign)").first()?
            .decode(column: "workspace_id", as: UUID.self)
        else { return }
        let now = Date()
        struct Pair { let contact: UUID; let workspace: UUID; let first: Date; let address: ContactAddress }
        let all = try await sql.raw(
            """
            SELECT e.contact_id, MIN(e.occurred_at) AS first_at, c.phone, c.bsuid
            FROM message_events e JOIN contacts c ON c.id = e.contact_id
            WHERE e.workspace_id = \(bind: workspace) AND e.campaign_id = \(bind: campaign) AND e.message_id IS NULL
            GROUP BY e.contact_id, c.phone, c.bsuid ORDER BY e.contact_id
            """
        ).all().map {
            Pair(
                contact: try $0.decode(column: "contact_id", as: UUID.self), workspace: workspace,
                first: try $0.decode(column: "first_at", as: Date.self),
                address: ContactAddress(phone: try $0.decode(column: "phone", as: String?.self), bsuid: try $0.decode(column: "bsuid", as: String?.self))
            )
        }
        for start in stride(from: 0, to: all.count, by: 5000) {
            let pairs = Array(all[start..<min(start + 5000, all.count)])
            try await sql.insertRows(
                "INSERT INTO messages (id, workspace_id, campaign_id, contact_id, phone, bsuid, status, created_at, updated_at, cohort_at, country) VALUES ",
                pairs, tail: " ON CONFLICT (campaign_id, contact_id) DO NOTHING"
            ) { p in
                """
                (\(bind: UUID.timeOrdered(at: p.first)), \(bind: p.workspace), \(bind: campaign), \(bind: p.contact), \(bind: p.address.phone),
                \(bind: p.address.sentBSUID), 'imported', \(bind: now), \(bind: now), \(bind: p.first), \(bind: p.address.country))
                """
            }
        }
        guard !all.isEmpty else { return }
        // PostgreSQL plans the statements below from its statistics, which know nothing of the rows just inserted or
        // attached: believing a campaign has one message, it chose nested loops that reran the campaign's events once
        // per message. ANALYZE samples a few thousand rows (a second or two at 20 million events), counting this
        // transaction's own changes.
        func analyze(_ table: String) async throws {
            if dialect.kind == .postgres { try await sql.raw("ANALYZE \(ident: table)").run() }
        }
        try await analyze("messages")
        // Then two statements for the whole campaign: its events read in one range of the campaign index. Pages of
        // contacts, each looked up by the contact index, read the same table pages again and again (five minutes for
        // one campaign of 1.2 million events on PostgreSQL).
        try await sql.raw(
            """
            UPDATE message_events SET message_id = m.id FROM messages m
            WHERE message_events.workspace_id = \(bind: workspace) AND message_events.campaign_id = \(bind: campaign)
              AND message_events.message_id IS NULL AND m.campaign_id = message_events.campaign_id AND m.contact_id = message_events.contact_id
            """
        ).run()
        try await analyze("message_events")
        func first(_ type: String) -> SQLQueryString { "MIN(CASE WHEN type = \(bind: type) THEN occurred_at END)" }
        func count(_ type: String) -> SQLQueryString { "SUM(CASE WHEN type = \(bind: type) THEN 1 ELSE 0 END)" }
        try await sql.raw(
            """
            UPDATE messages SET sent_at = COALESCE(messages.sent_at, a.sent), delivered_at = COALESCE(messages.delivered_at, a.delivered),
                read_at = COALESCE(messages.read_at, a.read), failed_at = COALESCE(messages.failed_at, a.failed),
                clicked_at = COALESCE(messages.clicked_at, a.clicked), replied_at = COALESCE(messages.replied_at, a.replied),
                click_count = a.clicks, reply_count = a.replies, updated_at = \(bind: now)
            FROM (
                SELECT message_id, \(first("sent")) AS sent, \(first("delivered")) AS delivered, \(first("read")) AS read,
                    \(first("failed")) AS failed, \(first("clicked")) AS clicked, \(first("replied")) AS replied,
                    \(count("clicked")) AS clicks, \(count("replied")) AS replies
                FROM message_events WHERE workspace_id = \(bind: workspace) AND campaign_id = \(bind: campaign) AND message_id IS NOT NULL
                GROUP BY message_id
            ) a
            WHERE messages.id = a.message_id AND messages.campaign_id = \(bind: campaign) AND messages.status = 'imported'
            """
        ).run()
    }
}
