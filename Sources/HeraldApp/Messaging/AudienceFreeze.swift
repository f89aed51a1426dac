import Foundation
import SQLKit
import Storage

/// Turns a campaign's audience into one queued message row per eligible contact. Inserts in pages,
/// each in its own transaction, and is safe to repeat: `(campaign_id, contact_id)` is unique.
struct AudienceFreeze: Sendable {
    let database: Database
    let segments: SegmentService
    let pageSize = 5000

    /// Every opted-in contact, or a saved segment's opted-in members: a dynamic segment is evaluated
    /// once, here (by the audience index, or else in a single query), so the campaign's audience is the segment as it
    /// was when sending started; a static one is its snapshot. Contacts known only by a BSUID are included; the +1 rule
    /// applies to their country as it does to +1 phones.
    func freeze(_ campaign: Campaign, category: String) async throws -> Int {
        try await members(of: campaign, category: category) { page in try await insert(page, campaign: campaign) }
        return try await database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM messages WHERE campaign_id = \(bind: campaign.id)").first()?
                .decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// The campaign's audience as ``freeze(_:category:)`` sends to it, handed to `page` in pages of at most `pageSize`
    /// contacts in id order: opted in, in the segment (if any), and reachable by the template's category (the +1 rule
    /// for marketing). An A/B test's freeze uses it too, so a test's audience is always the one its campaign would have.
    /// A segment whose rules no longer fit throws the segment's 422 (or 409 `segment_missing`).
    func members(of campaign: Campaign, category: String, _ page: ([(UUID, ContactAddress)]) async throws -> Void) async throws {
        let marketing = category.uppercased() == "MARKETING"
        func reachable(_ row: (UUID, ContactAddress)) -> Bool { !(marketing && row.1.isNANP) }
        if let segmentID = campaign.audience.segmentID,
            let members = try await segments.indexedMembers(workspaceID: campaign.workspaceID, segmentID: segmentID)
        {
            // The segment's members from the audience index, as they were when sending started; each page's consent
            // and addresses are read from the contacts themselves.
            var start = 0
            while start < members.count {
                let ids = members[start..<min(start + pageSize, members.count)]
                let rows = try await database.read { sql in
                    try await sql.raw(
                        """
                        SELECT c.id, c.phone, c.bsuid FROM contacts c
                        WHERE c.workspace_id = \(bind: campaign.workspaceID) AND c.consent_status = 'opted_in' AND c.id IN (\(binds: Array(ids)))
                        ORDER BY c.id
                        """
                    ).all().map(Self.row)
                }.filter(reachable)
                if !rows.isEmpty { try await page(rows) }
                start += pageSize
            }
        } else if let filter = try await segments.audiencePredicate(workspaceID: campaign.workspaceID, segmentID: campaign.audience.segmentID) {
            let members = try await database.read { sql in
                try await sql.raw(
                    """
                    SELECT c.id, c.phone, c.bsuid FROM contacts c
                    WHERE c.workspace_id = \(bind: campaign.workspaceID) AND c.consent_status = 'opted_in' AND \(filter) ORDER BY c.id
                    """
                ).all().map(Self.row)
            }
            var start = 0
            while start < members.count {
                let rows = members[start..<min(start + pageSize, members.count)].filter(reachable)
                if !rows.isEmpty { try await page(rows) }
                start += pageSize
            }
        } else {
            var after: UUID?
            while true {
                let cursor: SQLQueryString = after.map { " AND id > \(bind: $0)" } ?? ""
                let rows = try await database.read { sql in
                    try await sql.raw(
                        """
                        SELECT id, phone, bsuid FROM contacts
                        WHERE workspace_id = \(bind: campaign.workspaceID) AND consent_status = 'opted_in'\(cursor)
                        ORDER BY id LIMIT \(bind: pageSize)
                        """
                    ).all().map(Self.row)
                }
                guard let last = rows.last else { break }
                after = last.0
                let reached = rows.filter(reachable)
                if !reached.isEmpty { try await page(reached) }
                if rows.count < pageSize { break }
            }
        }
    }

    static func row(_ row: any SQLRow) throws -> (UUID, ContactAddress) {
        (
            try row.decode(column: "id", as: UUID.self),
            ContactAddress(phone: try row.decode(column: "phone", as: String?.self), bsuid: try row.decode(column: "bsuid", as: String?.self))
        )
    }

    /// Queues one message per contact in one transaction; a repeated freeze adds nothing twice. The address is a
    /// snapshot: the sender reads the contact's current one when it claims the message.
    private func insert(_ rows: [(UUID, ContactAddress)], campaign: Campaign) async throws {
        guard !rows.isEmpty else { return }
        let now = Date()
        try await database.transaction { sql in
            try await sql.insertRows(
                """
                INSERT INTO messages (id, workspace_id, campaign_id, contact_id, phone, bsuid, status, click_token, next_attempt_at, created_at, updated_at)
                VALUES 
                """, rows, tail: " ON CONFLICT (campaign_id, contact_id) DO NOTHING"
            ) { row in
                """
                (\(bind: UUID.timeOrdered(at: now)), \(bind: campaign.workspaceID), \(bind: campaign.id), \(bind: row.0), \(bind: row.1.phone),
                \(bind: row.1.sentBSUID), 'queued', \(bind: ClickToken.make()), \(bind: now), \(bind: now), \(bind: now))
                """
            }
        }
    }
}

/// Per-message click tokens: 12 characters of base62, about 71 bits.
enum ClickToken {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<12).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}
