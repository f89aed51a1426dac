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
    /// once, here, in a single query, so the campaign's audience is the segment as it was when sending
    /// started; a static one is its snapshot.
    func freeze(_ campaign: Campaign, category: String) async throws -> Int {
        let marketing = category.uppercased() == "MARKETING"
        if let filter = try await segments.audiencePredicate(workspaceID: campaign.workspaceID, segmentID: campaign.audience.segmentID) {
            let members = try await database.read { sql in
                try await sql.raw(
                    """
                    SELECT c.id, c.phone FROM contacts c
                    WHERE c.workspace_id = \(bind: campaign.workspaceID) AND c.consent_status = 'opted_in' AND \(filter) ORDER BY c.phone
                    """
                ).all().map { (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "phone", as: String.self)) }
            }
            var start = 0
            while start < members.count {
                let page = members[start..<min(start + pageSize, members.count)]
                try await insert(Array(page.filter { !(marketing && $0.1.hasPrefix("+1")) }), campaign: campaign)
                start += pageSize
            }
        } else {
            var after = ""
            while true {
                let cursor = after
                let page = try await database.read { sql in
                    try await sql.raw(
                        """
                        SELECT id, phone FROM contacts
                        WHERE workspace_id = \(bind: campaign.workspaceID) AND consent_status = 'opted_in' AND phone > \(bind: cursor)
                        ORDER BY phone LIMIT \(bind: pageSize)
                        """
                    ).all().map { (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "phone", as: String.self)) }
                }
                guard let last = page.last else { break }
                after = last.1
                try await insert(page.filter { !(marketing && $0.1.hasPrefix("+1")) }, campaign: campaign)
                if page.count < pageSize { break }
            }
        }
        return try await database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM messages WHERE campaign_id = \(bind: campaign.id)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// Queues one message per contact in one transaction; a repeated freeze adds nothing twice.
    private func insert(_ rows: [(UUID, String)], campaign: Campaign) async throws {
        guard !rows.isEmpty else { return }
        let now = Date()
        try await database.transaction { sql in
            try await sql.insertRows(
                """
                INSERT INTO messages (id, workspace_id, campaign_id, contact_id, phone, status, click_token, next_attempt_at, created_at, updated_at)
                VALUES 
                """, rows, tail: " ON CONFLICT (campaign_id, contact_id) DO NOTHING"
            ) { row in
                """
                (\(bind: UUID.timeOrdered(at: now)), \(bind: campaign.workspaceID), \(bind: campaign.id), \(bind: row.0), \(bind: row.1),
                'queued', \(bind: ClickToken.make()), \(bind: now), \(bind: now), \(bind: now))
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
