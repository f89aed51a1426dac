import Foundation
import SQLKit
import Storage

/// A migrated workspace with three contacts and a campaign, and raw inserts into the A/B tables, so that each CHECK and
/// key of migration 6 can be tried one value at a time.
struct ABWorld {
    let workspace: UUID
    let campaign: UUID
    let contacts: [UUID]

    /// One `ab_tests` row; `with` changes a copy.
    struct TestRow {
        var id = UUID(uuidString: "0190f3a2-0000-7000-8000-00000000ab01")!
        var status = "draft"
        var testPercentage = 20
        var durationHours = 24
        var metric = "click"
        var window = 3600
        var policy = "manual"
        var winner: UUID? = nil
        var winnerSend = "none"
        var alpha = 0.05

        func with(_ change: (inout TestRow) -> Void) -> TestRow {
            var copy = self
            change(&copy)
            return copy
        }
    }

    static func insert(into db: Database) async throws -> ABWorld {
        let world = ABWorld(workspace: UUID(), campaign: UUID(), contacts: [UUID(), UUID(), UUID()])
        let now = Date()
        let json = db.dialect.json
        try await db.transaction { sql in
            try await sql.raw(
                "INSERT INTO workspaces (id, name, created_at, updated_at) VALUES (\(bind: world.workspace), 'Acme', \(bind: now), \(bind: now))"
            ).run()
            for (index, contact) in world.contacts.enumerated() {
                try await sql.raw(
                    """
                    INSERT INTO contacts (id, workspace_id, phone, tags, attributes, consent_status, created_at, updated_at)
                    VALUES (\(bind: contact), \(bind: world.workspace), \(bind: "+491510000000\(index)"), \(json("[]")), \(json("{}")),
                        'opted_in', \(bind: now), \(bind: now))
                    """
                ).run()
            }
        }
        try await world.insertCampaign(world.campaign, into: db)
        return world
    }

    func insertCampaign(_ id: UUID, into db: Database) async throws {
        let now = Date()
        try await db.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO campaigns (id, workspace_id, name, status, created_at, updated_at)
                VALUES (\(bind: id), \(bind: workspace), \(bind: "Spring \(id)"), 'draft', \(bind: now), \(bind: now))
                """
            ).run()
        }
    }

    /// Inserts the test into the world's campaign, or into a new campaign `campaign`.
    func insertTest(_ row: TestRow, into db: Database, campaign: UUID? = nil) async throws {
        if let campaign { try await insertCampaign(campaign, into: db) }
        let now = Date()
        try await db.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO ab_tests (id, workspace_id, campaign_id, name, status, test_percentage, duration_hours, success_metric,
                    outcome_window_seconds, inconclusive_policy, winner_variation_id, winner_send, alpha, created_at, updated_at)
                VALUES (\(bind: row.id), \(bind: workspace), \(bind: campaign ?? self.campaign), 'Wording', \(bind: row.status),
                    \(bind: row.testPercentage), \(bind: row.durationHours), \(bind: row.metric), \(bind: row.window), \(bind: row.policy),
                    \(bind: row.winner), \(bind: row.winnerSend), \(bind: row.alpha), \(bind: now), \(bind: now))
                """
            ).run()
        }
    }

    @discardableResult
    func insertVariation(test: UUID, position: Int, name: String? = nil, share: Int = 20, into db: Database) async throws -> UUID {
        let id = UUID()
        let now = Date()
        let letter = position >= 0 && position < 26 ? String(UnicodeScalar(UInt8(65 + position))) : "?"
        try await db.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO ab_test_variations (id, workspace_id, ab_test_id, position, name, share, template_name, template_language,
                    variables, created_at, updated_at)
                VALUES (\(bind: id), \(bind: workspace), \(bind: test), \(bind: position), \(bind: name ?? letter), \(bind: share),
                    'spring_sale', 'en', \(db.dialect.json("{}")), \(bind: now), \(bind: now))
                """
            ).run()
        }
        return id
    }

    func assign(test: UUID, contact: UUID, inTest: Bool, variation: UUID?, into db: Database) async throws {
        try await db.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO ab_test_assignments (ab_test_id, contact_id, bucket, in_test, variation_id)
                VALUES (\(bind: test), \(bind: contact), 42, \(bind: inTest), \(bind: variation))
                """
            ).run()
        }
    }

    func insertMessage(contact: UUID, variation: UUID?, phase: String?, into db: Database) async throws {
        let now = Date()
        try await db.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO messages (id, workspace_id, campaign_id, contact_id, variation_id, ab_phase, status, created_at, updated_at)
                VALUES (\(bind: UUID()), \(bind: workspace), \(bind: campaign), \(bind: contact), \(bind: variation), \(bind: phase),
                    'queued', \(bind: now), \(bind: now))
                """
            ).run()
        }
    }
}
