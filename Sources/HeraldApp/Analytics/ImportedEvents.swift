import Foundation
import SQLKit
import Storage

/// An event from another tool's history, its contact and campaign resolved.
struct ImportedEvent: Sendable {
    var contactID: UUID
    var campaignID: UUID?
    var type: String
    var at: Date
}

/// Stores imported events through the same door as webhooks (docs/design-analytics.md 1.2), so an imported campaign is
/// measured like a live one: each (campaign, contact) gets a message row (status `imported` when new) carrying the
/// milestones, and events get the webhooks' dedupe keys (`sent:<message>`, ...) or `import:` keys for clicks and replies,
/// so importing a file twice counts it once and an import naming a live campaign merges with its webhooks. Events
/// without a campaign stay message-less (a contact's journey and segments still see them).
enum ImportedEvents {
    static func store(_ events: [ImportedEvent], workspaceID: UUID, dialect: Dialect, in sql: any SQLDatabase) async throws {
        guard !events.isEmpty else { return }
        let now = Date()
        // One message per (campaign, contact): its cohort is the earliest imported event.
        struct Pair: Hashable { let campaign: UUID; let contact: UUID }
        var earliest: [Pair: Date] = [:]
        for e in events {
            guard let campaign = e.campaignID else { continue }
            let pair = Pair(campaign: campaign, contact: e.contactID)
            earliest[pair] = min(earliest[pair] ?? e.at, e.at)
        }
        var addresses: [UUID: ContactAddress] = [:]
        let contactIDs = Array(Set(earliest.keys.map(\.contact)))
        for start in stride(from: 0, to: contactIDs.count, by: 500) {
            let part = Array(contactIDs[start..<min(start + 500, contactIDs.count)])
            for row in try await sql.raw("SELECT id, phone, bsuid FROM contacts WHERE id IN (\(binds: part))").all() {
                addresses[try row.decode(column: "id", as: UUID.self)] = ContactAddress(
                    phone: try row.decode(column: "phone", as: String?.self), bsuid: try row.decode(column: "bsuid", as: String?.self)
                )
            }
        }
        let pairs = earliest.keys.sorted { ($0.campaign.uuidString, $0.contact.uuidString) < ($1.campaign.uuidString, $1.contact.uuidString) }
        try await sql.insertRows(
            "INSERT INTO messages (id, workspace_id, campaign_id, contact_id, phone, bsuid, status, created_at, updated_at, cohort_at, country) VALUES ",
            pairs, tail: " ON CONFLICT (campaign_id, contact_id) DO NOTHING"
        ) { pair in
            let address = addresses[pair.contact]
            return """
                (\(bind: UUID.timeOrdered(at: now)), \(bind: workspaceID), \(bind: pair.campaign), \(bind: pair.contact), \(bind: address?.phone),
                \(bind: address?.sentBSUID), 'imported', \(bind: now), \(bind: now), \(bind: earliest[pair]!), \(bind: address?.country))
                """
        }
        // The message of each pair (new or existing, e.g. a live campaign's).
        var messages: [Pair: (id: UUID, variation: UUID?)] = [:]
        for (campaign, group) in Dictionary(grouping: pairs, by: \.campaign) {
            let contacts = group.map(\.contact)
            for start in stride(from: 0, to: contacts.count, by: 500) {
                let part = Array(contacts[start..<min(start + 500, contacts.count)])
                for row in try await sql.raw(
                    "SELECT id, contact_id, variation_id FROM messages WHERE campaign_id = \(bind: campaign) AND contact_id IN (\(binds: part))"
                ).all() {
                    messages[Pair(campaign: campaign, contact: try row.decode(column: "contact_id", as: UUID.self))] =
                        (try row.decode(column: "id", as: UUID.self), try row.decode(column: "variation_id", as: UUID?.self))
                }
            }
        }
        // Milestones: the earliest of each status; a message without a cohort (queued, never sent) takes the import's.
        struct Milestones {
            var sent: Date? = nil, delivered: Date? = nil, read: Date? = nil, failed: Date? = nil
            var first: Date
            init(first: Date) { self.first = first }
        }
        var milestones: [UUID: Milestones] = [:]
        for e in events {
            guard let campaign = e.campaignID, let message = messages[Pair(campaign: campaign, contact: e.contactID)] else { continue }
            var m = milestones[message.id] ?? Milestones(first: e.at)
            m.first = min(m.first, e.at)
            switch e.type {
            case "sent": m.sent = min(m.sent ?? e.at, e.at)
            case "delivered": m.delivered = min(m.delivered ?? e.at, e.at)
            case "read": m.read = min(m.read ?? e.at, e.at)
            case "failed": m.failed = min(m.failed ?? e.at, e.at)
            default: break
            }
            milestones[message.id] = m
        }
        // As with webhooks, a read implies delivered and delivered implies sent: an export that keeps only each message's
        // final status still counts it as sent and delivered.
        var implied: [EventRecord] = []
        for (pair, message) in messages.sorted(by: { $0.value.id.uuidString < $1.value.id.uuidString }) {
            guard var m = milestones[message.id] else { continue }
            let key = message.id.uuidString.lowercased()
            if m.delivered == nil, let read = m.read {
                m.delivered = read
                implied.append(EventRecord(
                    workspaceID: workspaceID, contactID: pair.contact, campaignID: pair.campaign, messageID: message.id, variationID: message.variation,
                    type: "delivered", at: read, dedupeKey: "delivered:\(key)", source: "import"
                ))
            }
            if m.sent == nil, let delivered = m.delivered {
                m.sent = delivered
                implied.append(EventRecord(
                    workspaceID: workspaceID, contactID: pair.contact, campaignID: pair.campaign, messageID: message.id, variationID: message.variation,
                    type: "sent", at: delivered, dedupeKey: "sent:\(key)", source: "import"
                ))
            }
            milestones[message.id] = m
        }
        let updates = milestones.sorted { $0.key.uuidString < $1.key.uuidString }
        for start in stride(from: 0, to: updates.count, by: 200) {
            var list: SQLQueryString = ""
            for (index, (id, m)) in updates[start..<min(start + 200, updates.count)].enumerated() {
                if index > 0 { list.appendLiteral(", ") }
                list.appendInterpolation(
                    "(\(bind: id), \(bind: m.sent), \(bind: m.delivered), \(bind: m.read), \(bind: m.failed), \(bind: m.first))" as SQLQueryString
                )
            }
            // Earlier times win; a live message's own milestones stay unless the import knows an earlier one.
            try await sql.raw(
                """
                WITH v (id, sent_ts, delivered_ts, read_ts, failed_ts, first_ts) AS (VALUES \(list))
                UPDATE messages SET
                    sent_at = CASE WHEN v.sent_ts IS NOT NULL AND (messages.sent_at IS NULL OR v.sent_ts < messages.sent_at) THEN v.sent_ts ELSE messages.sent_at END,
                    delivered_at = CASE WHEN v.delivered_ts IS NOT NULL AND (messages.delivered_at IS NULL OR v.delivered_ts < messages.delivered_at) THEN v.delivered_ts ELSE messages.delivered_at END,
                    read_at = CASE WHEN v.read_ts IS NOT NULL AND (messages.read_at IS NULL OR v.read_ts < messages.read_at) THEN v.read_ts ELSE messages.read_at END,
                    failed_at = CASE WHEN v.failed_ts IS NOT NULL AND (messages.failed_at IS NULL OR v.failed_ts < messages.failed_at) THEN v.failed_ts ELSE messages.failed_at END,
                    cohort_at = COALESCE(messages.cohort_at, v.first_ts), updated_at = \(bind: now)
                FROM v WHERE messages.id = v.id
                """
            ).run()
        }
        var records: [EventRecord] = implied
        records.reserveCapacity(events.count + implied.count)
        for e in events {
            let ms = Int64((e.at.timeIntervalSince1970 * 1000).rounded())
            if let campaign = e.campaignID, let message = messages[Pair(campaign: campaign, contact: e.contactID)] {
                let id = message.id.uuidString.lowercased()
                let key = ["sent", "delivered", "read", "failed"].contains(e.type) ? "\(e.type):\(id)" : "import:\(e.type):\(id):\(ms)"
                records.append(EventRecord(
                    workspaceID: workspaceID, contactID: e.contactID, campaignID: campaign, messageID: message.id, variationID: message.variation,
                    type: e.type, at: e.at, dedupeKey: key, source: "import"
                ))
            } else {
                records.append(EventRecord(
                    workspaceID: workspaceID, contactID: e.contactID, campaignID: nil, messageID: nil, variationID: nil, type: e.type, at: e.at,
                    dedupeKey: "import:\(e.type):\(e.contactID.uuidString.lowercased()):\(ms)", source: "import"
                ))
            }
        }
        let delta = try await EventWriter.record(records, dialect: dialect, in: sql)
        try await delta.flush(dialect: dialect, in: sql)
    }
}
