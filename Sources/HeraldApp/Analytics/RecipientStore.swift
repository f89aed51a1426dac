import Foundation
import SQLKit
import Storage

/// A campaign's recipients: its messages with their contacts, each message's furthest step, searchable by the contact's
/// name or phone prefix and pageable by contact id (unique within a campaign, and indexed with it).
struct RecipientStore: Sendable {
    let database: Database
    var dialect: Dialect { database.dialect }

    /// nil when the campaign is not in the workspace.
    func page(workspaceID: UUID, campaignID: UUID, filter: RecipientFilter) async throws -> RecipientPage? {
        let query = query(workspaceID: workspaceID, campaignID: campaignID, filter: filter)
        let rows: [RecipientRow]? = try await database.read { sql in
            guard try await sql.raw("SELECT id FROM campaigns WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: campaignID)").first() != nil
            else { return nil }
            return try await sql.raw(query).all().map(Self.decode)
        }
        guard var rows else { return nil }
        let more = rows.count > filter.limit
        if more { rows.removeLast() }
        return RecipientPage(data: rows, nextAfter: more ? rows.last?.contactID.uuidString.lowercased() : nil)
    }

    func query(workspaceID: UUID, campaignID: UUID, filter: RecipientFilter) -> SQLQueryString {
        var query: SQLQueryString = """
            SELECT m.id, m.contact_id, c.name, c.phone, c.bsuid, m.variation_id, v.name AS variation_name, m.country, m.status,
                \(Self.step) AS step, m.sent_at, m.delivered_at, m.read_at, m.clicked_at, m.converted_at, m.failed_at, m.error_code
            FROM messages m JOIN contacts c ON c.id = m.contact_id LEFT JOIN ab_test_variations v ON v.id = m.variation_id
            WHERE m.workspace_id = \(bind: workspaceID) AND m.campaign_id = \(bind: campaignID)
            """
        if let after = filter.after { query.appendInterpolation(" AND m.contact_id > \(bind: after)" as SQLQueryString) }
        if let step = filter.step { query.appendInterpolation(" AND \(Self.step) = \(bind: step.rawValue)" as SQLQueryString) }
        if let search = filter.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            query.appendInterpolation(
                " AND EXISTS (SELECT 1 FROM contacts s WHERE s.id = m.contact_id AND (\(searchCondition(search))))"
                    as SQLQueryString
            )
        }
        query.appendInterpolation(" ORDER BY m.contact_id LIMIT \(bind: filter.limit + 1)" as SQLQueryString)
        return query
    }

    /// A name prefix, or a phone prefix given with or without its `+` (spaces and punctuation ignored). Checked per
    /// message of the campaign (a primary-key lookup each), which stays within the campaign instead of scanning every
    /// contact of the workspace; the unqualified columns are those of the innermost `contacts s`.
    func searchCondition(_ search: String) -> SQLQueryString {
        var condition: SQLQueryString = dialect.prefixMatch("name", search.precomposedStringWithCanonicalMapping)
        let digits = search.filter(\.isASCII).filter(\.isNumber)
        if !digits.isEmpty, search.allSatisfy({ $0.isNumber || "+ -().".contains($0) }) {
            condition.appendInterpolation(" OR \(dialect.prefixMatch("phone", "+" + digits))" as SQLQueryString)
        }
        return condition
    }

    /// The furthest step, in `RecipientStep`'s order.
    static let step: SQLQueryString = """
        CASE WHEN m.conversion_count > 0 OR m.converted_at IS NOT NULL THEN 'converted'
            WHEN m.click_count > 0 OR m.clicked_at IS NOT NULL THEN 'clicked'
            WHEN m.read_at IS NOT NULL THEN 'read'
            WHEN m.delivered_at IS NOT NULL THEN 'delivered'
            WHEN m.status = 'failed' OR m.failed_at IS NOT NULL THEN 'failed'
            WHEN m.sent_at IS NOT NULL OR m.accepted_at IS NOT NULL THEN 'sent'
            WHEN m.status = 'suppressed' THEN 'suppressed'
            WHEN m.status = 'imported' THEN 'imported'
            ELSE 'queued' END
        """

    static func decode(_ row: any SQLRow) throws -> RecipientRow {
        let variation = try row.decode(column: "variation_id", as: UUID?.self)
        return RecipientRow(
            contactID: try row.decode(column: "contact_id", as: UUID.self), messageID: try row.decode(column: "id", as: UUID.self),
            name: try row.decode(column: "name", as: String?.self), phone: try row.decode(column: "phone", as: String?.self),
            bsuid: try row.decode(column: "bsuid", as: String?.self),
            variation: try variation.map { .init(id: $0, name: try row.decode(column: "variation_name", as: String?.self)) },
            country: try row.decode(column: "country", as: String?.self), status: try row.decode(column: "status", as: String.self),
            step: RecipientStep(rawValue: try row.decode(column: "step", as: String.self)) ?? .queued,
            sentAt: try row.decode(column: "sent_at", as: Date?.self), deliveredAt: try row.decode(column: "delivered_at", as: Date?.self),
            readAt: try row.decode(column: "read_at", as: Date?.self), clickedAt: try row.decode(column: "clicked_at", as: Date?.self),
            convertedAt: try row.decode(column: "converted_at", as: Date?.self), failedAt: try row.decode(column: "failed_at", as: Date?.self),
            errorCode: try row.decode(column: "error_code", as: Int?.self)
        )
    }
}
