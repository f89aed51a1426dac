import Foundation
import SQLKit
import Storage

/// Sends a decided test's winner to the remaining audience (design section 5): one queued message per contact frozen
/// outside the test who is still opted in, through the normal pipeline. A job, so a crash part-way is resumed by any
/// server; each page reads the winner in its own transaction (a person may change it until a winner message is
/// attempted) and `UNIQUE (campaign_id, contact_id)` keeps every contact at one message from the whole test.
struct ABTestWinnerJob: JobHandler {
    private enum Page: Sendable {
        case skipped, done
        case more(after: UUID)
    }

    static let kind = "ab_test.send_winner"
    var kind: String { Self.kind }
    let database: Database
    var pageSize = 5000

    static func payload(testID: UUID) -> String { #"{"ab_test_id":"\#(testID.uuidString.lowercased())"}"# }

    func run(_ run: JobRun) async throws -> String? {
        struct Payload: Decodable { let ab_test_id: UUID }
        let testID = try JSONDecoder().decode(Payload.self, from: Data(run.job.payload.utf8)).ab_test_id
        let dialect = database.dialect
        var after: UUID?
        var pages = 0
        while true {
            let cursor = after
            let page: Page = try await database.transaction { sql in
                guard let test = try await sql.raw(
                    """
                    SELECT campaign_id, workspace_id, winner_variation_id, status, winner_send FROM ab_tests WHERE id = \(bind: testID)\(dialect.forUpdate)
                    """
                ).first() else { return .skipped }
                guard try test.decode(column: "status", as: String.self) == "completed",
                    try test.decode(column: "winner_send", as: String.self) == "pending",
                    let winner = try test.decode(column: "winner_variation_id", as: UUID?.self)
                else { return .skipped }
                let campaignID = try test.decode(column: "campaign_id", as: UUID.self)
                let workspaceID = try test.decode(column: "workspace_id", as: UUID.self)
                let from: SQLQueryString = cursor.map { " AND a.contact_id > \(bind: $0)" } ?? ""
                let rows = try await sql.raw(
                    """
                    SELECT a.contact_id, c.phone, c.bsuid FROM ab_test_assignments a JOIN contacts c ON c.id = a.contact_id
                    WHERE a.ab_test_id = \(bind: testID) AND (a.in_test = \(bind: false) OR a.variation_id IS NULL) AND c.consent_status = 'opted_in'\(from)
                    ORDER BY a.contact_id LIMIT \(bind: pageSize)
                    """
                ).all().map {
                    (
                        try $0.decode(column: "contact_id", as: UUID.self),
                        ContactAddress(phone: try $0.decode(column: "phone", as: String?.self), bsuid: try $0.decode(column: "bsuid", as: String?.self))
                    )
                }
                let now = Date()
                if !rows.isEmpty {
                    try await sql.insertRows(
                        """
                        INSERT INTO messages (id, workspace_id, campaign_id, contact_id, phone, bsuid, status, click_token, next_attempt_at,
                            variation_id, ab_phase, created_at, updated_at)
                        VALUES 
                        """, rows, tail: " ON CONFLICT (campaign_id, contact_id) DO NOTHING"
                    ) { row in
                        """
                        (\(bind: UUID.timeOrdered(at: now)), \(bind: workspaceID), \(bind: campaignID), \(bind: row.0), \(bind: row.1.phone),
                        \(bind: row.1.sentBSUID), 'queued', \(bind: ClickToken.make()), \(bind: now), \(bind: winner), 'winner', \(bind: now), \(bind: now))
                        """
                    }
                }
                if rows.count < pageSize {
                    try await sql.raw(
                        """
                        UPDATE ab_tests SET winner_send = 'queued', winner_queued_at = \(bind: now), updated_at = \(bind: now) WHERE id = \(bind: testID)
                        """
                    ).run()
                    try await sql.raw(
                        """
                        UPDATE campaigns SET audience_size = (SELECT COUNT(*) FROM messages WHERE campaign_id = \(bind: campaignID)),
                            updated_at = \(bind: now) WHERE id = \(bind: campaignID)
                        """
                    ).run()
                    return .done
                }
                return .more(after: rows[rows.count - 1].0)
            }
            pages += 1
            switch page {
            case .skipped: return #"{"skipped":"the test has no winner waiting to be sent"}"#
            case .done: break
            case .more(let last):
                after = last
                continue
            }
            break
        }
        run.logger.info("A/B test winner queued", metadata: ["ab_test_id": "\(testID)", "pages": "\(pages)"])
        return #"{"pages":\#(pages)}"#
    }
}
