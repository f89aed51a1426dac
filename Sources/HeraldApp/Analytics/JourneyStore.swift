import Foundation
import SQLKit
import Storage

/// A contact's journey, newest first: one page read from each source (messages, their events, orders with their
/// attribution, segment changes, consent changes, identity changes), merged in Swift. Each source is ordered by the
/// same key as the merge (`JourneyCursor`: millisecond, kind, id), so the first `limit` merged items are exact.
struct JourneyStore: Sendable {
    let database: Database
    var dialect: Dialect { database.dialect }

    /// nil when the contact is not in the workspace. Once it is, its rows are the workspace's: messages and identity
    /// changes are found by contact alone, so the planner takes their contact index rather than a workspace-wide one.
    func page(workspaceID: UUID, contactID: UUID, before: JourneyCursor?, limit: Int) async throws -> JourneyPage? {
        let sources = sources(workspaceID: workspaceID, contactID: contactID, before: before, limit: limit + 1)
        let items: [JourneyItem]? = try await database.read { sql in
            guard try await sql.raw("SELECT id FROM contacts WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: contactID)").first() != nil
            else { return nil }
            var items: [JourneyItem] = []
            for source in sources { items += try await sql.raw(source.query).all().map(source.decode) }
            return items
        }
        guard var items else { return nil }
        items.sort { $0.cursor > $1.cursor }
        let more = items.count > limit
        items = Array(items.prefix(limit))
        return JourneyPage(data: items, nextBefore: more ? items.last?.cursor.encoded : nil)
    }

    struct Source: Sendable {
        let query: SQLQueryString
        let decode: @Sendable (any SQLRow) throws -> JourneyItem
    }

    func sources(workspaceID: UUID, contactID: UUID, before: JourneyCursor?, limit: Int) -> [Source] {
        let ws = workspaceID, contact = contactID
        func page(_ select: SQLQueryString, time: SQLQueryString, id: SQLQueryString, kind: JourneyItem.Kind?, from: SQLQueryString) -> SQLQueryString {
            let ms = millis(time)
            let rank: SQLQueryString = kind.map { "\(literal: $0.rank)" } ?? eventRank
            return """
                SELECT * FROM (SELECT \(select), \(ms) AS at_ms, \(rank) AS kind_rank, \(id) AS item_id FROM \(from)) t
                WHERE \(after(before, kind: kind)) ORDER BY at_ms DESC, kind_rank DESC, item_id DESC LIMIT \(bind: limit)
                """
        }
        return [
            Source(
                query: page(
                    """
                    m.id, COALESCE(m.cohort_at, m.created_at) AS at, m.campaign_id, k.name AS campaign_name, m.status,
                        COALESCE(v.template_name, k.template_name) AS template, m.variation_id, v.name AS variation_name
                    """,
                    time: "COALESCE(m.cohort_at, m.created_at)", id: "m.id", kind: .message,
                    from: """
                        messages m JOIN campaigns k ON k.id = m.campaign_id LEFT JOIN ab_test_variations v ON v.id = m.variation_id
                        WHERE m.contact_id = \(bind: contact)
                        """
                ),
                decode: { row in
                    var item = try Self.item(row, kind: .message)
                    item.campaign = .init(id: try row.decode(column: "campaign_id", as: UUID.self), name: try row.decode(column: "campaign_name", as: String?.self))
                    item.messageID = item.id
                    item.status = try row.decode(column: "status", as: String.self)
                    item.template = try row.decode(column: "template", as: String?.self)
                    if let variation = try row.decode(column: "variation_id", as: UUID?.self) {
                        item.variation = .init(id: variation, name: try row.decode(column: "variation_name", as: String?.self))
                    }
                    return item
                }
            ),
            Source(
                query: page(
                    "e.id, e.type, e.occurred_at AS at, e.campaign_id, k.name AS campaign_name, e.message_id, e.error_code, e.source",
                    time: "e.occurred_at", id: "e.id", kind: nil,
                    from: """
                        message_events e LEFT JOIN campaigns k ON k.id = e.campaign_id
                        WHERE e.workspace_id = \(bind: ws) AND e.contact_id = \(bind: contact)
                        """
                ),
                decode: { row in
                    let kind = JourneyItem.Kind(rawValue: try row.decode(column: "type", as: String.self)) ?? .sent
                    var item = try Self.item(row, kind: kind)
                    if let campaign = try row.decode(column: "campaign_id", as: UUID?.self) {
                        item.campaign = .init(id: campaign, name: try row.decode(column: "campaign_name", as: String?.self))
                    }
                    item.messageID = try row.decode(column: "message_id", as: UUID?.self)
                    item.errorCode = try row.decode(column: "error_code", as: Int?.self)
                    item.source = try row.decode(column: "source", as: String?.self)
                    return item
                }
            ),
            Source(
                query: page(
                    """
                    o.id, o.ordered_at AS at, o.external_id, o.total_minor, o.currency, o.status, o.source, c.message_id, c.campaign_id,
                        k.name AS campaign_name, c.touch, c.touched_at, c.reversed_at
                    """,
                    time: "o.ordered_at", id: "o.id", kind: .order,
                    from: """
                        orders o LEFT JOIN conversions c ON c.order_id = o.id LEFT JOIN campaigns k ON k.id = c.campaign_id
                        WHERE o.workspace_id = \(bind: ws) AND o.contact_id = \(bind: contact)
                        """
                ),
                decode: { row in
                    var item = try Self.item(row, kind: .order)
                    var attribution: JourneyItem.Attribution?
                    if let message = try row.decode(column: "message_id", as: UUID?.self), let campaign = try row.decode(column: "campaign_id", as: UUID?.self) {
                        attribution = .init(
                            messageID: message, campaign: .init(id: campaign, name: try row.decode(column: "campaign_name", as: String?.self)),
                            touch: try row.decode(column: "touch", as: String.self), touchedAt: try row.decode(column: "touched_at", as: Date.self),
                            reversedAt: try row.decode(column: "reversed_at", as: Date?.self)
                        )
                    }
                    item.order = .init(
                        externalID: try row.decode(column: "external_id", as: String.self), totalMinor: try row.decode(column: "total_minor", as: Int64.self),
                        currency: try row.decode(column: "currency", as: String.self), status: try row.decode(column: "status", as: String.self),
                        attribution: attribution
                    )
                    item.status = item.order?.status
                    item.source = try row.decode(column: "source", as: String?.self)
                    return item
                }
            ),
            Source(
                query: page(
                    "h.refresh_id AS id, h.at, h.change, h.segment_id, s.name AS segment_name",
                    time: "h.at", id: "h.refresh_id", kind: .segment,
                    from: """
                        segment_membership_changes h JOIN segments s ON s.id = h.segment_id
                        WHERE h.workspace_id = \(bind: ws) AND h.contact_id = \(bind: contact)
                        """
                ),
                decode: { row in
                    var item = try Self.item(row, kind: .segment)
                    item.segment = .init(id: try row.decode(column: "segment_id", as: UUID.self), name: try row.decode(column: "segment_name", as: String?.self))
                    item.change = try row.decode(column: "change", as: String.self)
                    return item
                }
            ),
            Source(
                query: page(
                    "h.id, h.at, h.status, h.source", time: "h.at", id: "h.id", kind: .consent,
                    from: "consent_changes h WHERE h.workspace_id = \(bind: ws) AND h.contact_id = \(bind: contact)"
                ),
                decode: { row in
                    var item = try Self.item(row, kind: .consent)
                    item.status = try row.decode(column: "status", as: String.self)
                    item.source = try row.decode(column: "source", as: String?.self)
                    return item
                }
            ),
            Source(
                query: page(
                    "h.id, h.occurred_at AS at, h.kind AS change, h.previous_phone, h.phone, h.previous_bsuid, h.bsuid",
                    time: "h.occurred_at", id: "h.id", kind: .identity,
                    from: "contact_identity_changes h WHERE h.contact_id = \(bind: contact)"
                ),
                decode: { row in
                    var item = try Self.item(row, kind: .identity)
                    item.identity = .init(
                        change: try row.decode(column: "change", as: String.self), previousPhone: try row.decode(column: "previous_phone", as: String?.self),
                        phone: try row.decode(column: "phone", as: String?.self), previousBSUID: try row.decode(column: "previous_bsuid", as: String?.self),
                        bsuid: try row.decode(column: "bsuid", as: String?.self)
                    )
                    return item
                }
            ),
        ]
    }

    static func item(_ row: any SQLRow, kind: JourneyItem.Kind) throws -> JourneyItem {
        JourneyItem(
            at: try row.decode(column: "at", as: Date.self), atMilliseconds: try row.decode(column: "at_ms", as: Int64.self), kind: kind,
            id: try row.decode(column: "item_id", as: UUID.self)
        )
    }

    /// Rows strictly after the cursor in newest-first order: (at_ms, kind_rank, item_id) < the cursor's.
    func after(_ cursor: JourneyCursor?, kind: JourneyItem.Kind?) -> SQLQueryString {
        guard let cursor else { return "1 = 1" }
        let ms = cursor.milliseconds, rank = cursor.kind.rank, id = cursor.id
        return "(at_ms < \(bind: ms) OR (at_ms = \(bind: ms) AND (kind_rank < \(bind: rank) OR (kind_rank = \(bind: rank) AND item_id < \(bind: id)))))"
    }

    /// An event's kind rank, the same numbers as `JourneyItem.Kind.rank`.
    var eventRank: SQLQueryString {
        let kinds: [JourneyItem.Kind] = [.sent, .delivered, .read, .failed, .clicked, .replied]
        var expression: SQLQueryString = "CASE e.type"
        for kind in kinds { expression.appendInterpolation(" WHEN \(literal: kind.rawValue) THEN \(literal: kind.rank)" as SQLQueryString) }
        expression.appendLiteral(" END")
        return expression
    }

    /// A timestamp in whole Unix milliseconds, computed by the database so the cursor compares exactly what it sorts.
    func millis(_ column: SQLQueryString) -> SQLQueryString {
        dialect.kind == .postgres
            ? "CAST(ROUND(EXTRACT(EPOCH FROM \(column)) * 1000) AS BIGINT)"
            : "CAST(ROUND(\(column) * 1000) AS INTEGER)"
    }
}
