import Foundation
import SQLKit
import Storage

/// `GET /api/integrations/crm/contact-activity`: what happened to contacts, in the order Herald recorded it, for a CRM
/// to pull: message events (sent, delivered, read, clicked, replied, failed), orders (new, paid, refunded, cancelled:
/// an order appears again when it changes) and consent changes. Paged by an opaque cursor of (recorded millisecond,
/// kind, id): a CRM keeps the last `next_cursor` and asks again later.
struct CRMActivity: Sendable {
    let database: Database

    enum Kind: String, Sendable, Encodable {
        case messageEvent = "message_event", order, consent
        var rank: Int { switch self { case .messageEvent: 1; case .order: 2; case .consent: 3 } }
        init?(rank: Int) {
            switch rank {
            case 1: self = .messageEvent
            case 2: self = .order
            case 3: self = .consent
            default: return nil
            }
        }
    }

    struct Cursor: Sendable, Comparable {
        let milliseconds: Int64
        let rank: Int
        let id: UUID
        var encoded: String { "\(milliseconds)|\(rank)|\(id.uuidString.lowercased())" }
        init(milliseconds: Int64, rank: Int, id: UUID) {
            self.milliseconds = milliseconds
            self.rank = rank
            self.id = id
        }
        init?(_ text: String) {
            let parts = text.split(separator: "|", omittingEmptySubsequences: false)
            guard parts.count == 3, let ms = Int64(parts[0]), let rank = Int(parts[1]), Kind(rank: rank) != nil, let id = UUID(uuidString: String(parts[2]))
            else { return nil }
            self.init(milliseconds: ms, rank: rank, id: id)
        }
        /// Everything recorded at or after `date`.
        init(since date: Date) { self.init(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) - 1, rank: 3, id: UUID(uuid: UUID_MAX)) }
        static func < (a: Cursor, b: Cursor) -> Bool {
            (a.milliseconds, a.rank, a.id.uuidString.lowercased()) < (b.milliseconds, b.rank, b.id.uuidString.lowercased())
        }
    }

    struct Item: Sendable, Encodable {
        var cursor: String
        var kind: Kind
        var type: String
        var occurredAt: Date
        var recordedAt: Date
        var contactID: UUID
        var externalIDs: [String: String] = [:]
        var campaignID: UUID?
        var campaignName: String?
        var messageID: UUID?
        var order: OrderDetail?
        var consentSource: String?

        struct OrderDetail: Sendable, Encodable {
            let externalID: String
            let total: Int64
            let refunded: Int64
            let currency: String
            let source: String
            enum CodingKeys: String, CodingKey { case externalID = "external_id", total, refunded, currency, source }
        }

        enum CodingKeys: String, CodingKey {
            case cursor, kind, type, order
            case occurredAt = "occurred_at", recordedAt = "recorded_at", contactID = "contact_id", externalIDs = "contact_external_ids"
            case campaignID = "campaign_id", campaignName = "campaign_name", messageID = "message_id", consentSource = "consent_source"
        }
    }

    struct Page: Sendable, Encodable {
        let data: [Item]
        /// Where to ask from next time; the cursor asked with when nothing new was recorded.
        let nextCursor: String?
        let hasMore: Bool
        enum CodingKeys: String, CodingKey { case data, nextCursor = "next_cursor", hasMore = "has_more" }
    }

    func millis(_ column: SQLQueryString) -> SQLQueryString {
        database.dialect.kind == .postgres
            ? "CAST(ROUND(EXTRACT(EPOCH FROM \(column)) * 1000) AS BIGINT)" : "CAST(ROUND(\(column) * 1000) AS INTEGER)"
    }

    /// Rows after `cursor` of a source whose kind is `kind`, by the cursor's order.
    func after(_ cursor: Cursor?, kind: Kind) -> SQLQueryString {
        guard let cursor else { return "1 = 1" }
        let ms = cursor.milliseconds
        if kind.rank > cursor.rank { return "at_ms >= \(bind: ms)" }
        if kind.rank < cursor.rank { return "at_ms > \(bind: ms)" }
        return "(at_ms > \(bind: ms) OR (at_ms = \(bind: ms) AND item_id > \(bind: cursor.id)))"
    }

    func page(workspaceID: UUID, contactID: UUID?, after cursor: Cursor?, limit: Int) async throws -> Page {
        let contact: SQLQueryString = contactID.map { " AND contact_id = \(bind: $0)" } ?? ""
        // Rows recorded a second or more before the cursor cannot follow it: the raw column's index narrows the scan.
        let from = cursor.map { Date(timeIntervalSince1970: Double($0.milliseconds) / 1000 - 1) }
        func since(_ column: String) -> SQLQueryString { from.map { " AND \(unsafeRaw: column) >= \(bind: $0)" } ?? "" }
        func query(_ select: SQLQueryString, recorded: String, table: SQLQueryString, kind: Kind) -> SQLQueryString {
            """
            SELECT * FROM (SELECT \(select), \(millis(SQLQueryString(recorded))) AS at_ms, id AS item_id FROM \(table)
                WHERE workspace_id = \(bind: workspaceID)\(contact)\(since(recorded))) t
            WHERE \(after(cursor, kind: kind)) ORDER BY at_ms, item_id LIMIT \(bind: limit + 1)
            """
        }
        let events = query(
            "id, type, occurred_at, created_at AS recorded_at, contact_id, campaign_id, message_id", recorded: "created_at", table: "message_events",
            kind: .messageEvent)
        let orders = query(
            "id, status AS type, ordered_at AS occurred_at, updated_at AS recorded_at, contact_id, external_id, total_minor, refunded_minor, currency, source",
            recorded: "updated_at", table: "orders", kind: .order)
        let consent = query("id, status AS type, at AS occurred_at, at AS recorded_at, contact_id, source", recorded: "at", table: "consent_changes", kind: .consent)
        return try await database.read { sql in
            var items: [(Cursor, Item)] = []
            func base(_ row: any SQLRow, _ kind: Kind) throws -> (Cursor, Item) {
                let cursor = Cursor(milliseconds: try row.decode(column: "at_ms", as: Int64.self), rank: kind.rank, id: try row.decode(column: "id", as: UUID.self))
                let item = Item(
                    cursor: cursor.encoded, kind: kind, type: try row.decode(column: "type", as: String.self),
                    occurredAt: try row.decode(column: "occurred_at", as: Date.self), recordedAt: try row.decode(column: "recorded_at", as: Date.self),
                    contactID: try row.decode(column: "contact_id", as: UUID.self))
                return (cursor, item)
            }
            for row in try await sql.raw(events).all() {
                var (cursor, item) = try base(row, .messageEvent)
                item.campaignID = try row.decode(column: "campaign_id", as: UUID?.self)
                item.messageID = try row.decode(column: "message_id", as: UUID?.self)
                items.append((cursor, item))
            }
            for row in try await sql.raw(orders).all() {
                var (cursor, item) = try base(row, .order)
                item.order = .init(
                    externalID: try row.decode(column: "external_id", as: String.self), total: try row.decode(column: "total_minor", as: Int64.self),
                    refunded: try row.decode(column: "refunded_minor", as: Int64.self), currency: try row.decode(column: "currency", as: String.self),
                    source: try row.decode(column: "source", as: String.self))
                items.append((cursor, item))
            }
            for row in try await sql.raw(consent).all() {
                var (cursor, item) = try base(row, .consent)
                item.consentSource = try row.decode(column: "source", as: String?.self)
                items.append((cursor, item))
            }
            items.sort { $0.0 < $1.0 }
            let more = items.count > limit
            var page = Array(items.prefix(limit)).map(\.1)
            // The CRM's own ids for the contacts of the page, and the campaigns' names.
            let contacts = Array(Set(page.map(\.contactID)))
            var external: [UUID: [String: String]] = [:]
            if !contacts.isEmpty {
                for row in try await sql.raw(
                    "SELECT contact_id, source, external_id FROM contact_external_ids WHERE workspace_id = \(bind: workspaceID) AND contact_id IN (\(binds: contacts))"
                ).all() {
                    external[try row.decode(column: "contact_id", as: UUID.self), default: [:]][try row.decode(column: "source", as: String.self)] =
                        try row.decode(column: "external_id", as: String.self)
                }
            }
            let campaigns = Array(Set(page.compactMap(\.campaignID)))
            var names: [UUID: String] = [:]
            if !campaigns.isEmpty {
                for row in try await sql.raw("SELECT id, name FROM campaigns WHERE id IN (\(binds: campaigns))").all() {
                    names[try row.decode(column: "id", as: UUID.self)] = try row.decode(column: "name", as: String.self)
                }
            }
            for index in page.indices {
                page[index].externalIDs = external[page[index].contactID] ?? [:]
                page[index].campaignName = page[index].campaignID.flatMap { names[$0] }
            }
            return Page(data: page, nextCursor: page.last?.cursor ?? cursor?.encoded, hasMore: more)
        }
    }
}

private let UUID_MAX: uuid_t = (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)
