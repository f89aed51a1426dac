import Foundation
import SQLKit
import Storage
import Testing

/// Migration 6 (A/B tests) replaces migration 1's never-used tables: on a v5 database that holds data it keeps every row,
/// it refuses a database whose old tables hold one, and the new tables refuse what a test must never hold.
@Suite("A/B test migration")
struct ABTestMigrationTests {
    static let v5 = Migrator(migrations: Array(Schema.migrations.prefix(5)))

    @Test("contacts, campaigns, messages and events keep every row through migration 6", arguments: Engine.available)
    func keepsEveryRow(engine: Engine) async throws {
        try await TestDatabase.with(engine, migrate: false) { db in
            try await Self.v5.migrate(db, logger: TestDatabase.logger)
            let world = try await V4World.insert(into: db, migrated: true)
            let before = try await world.snapshot(db)
            let campaignsBefore = try await db.count("SELECT COUNT(*) AS n FROM campaigns")

            try await Migrator().migrate(db, logger: TestDatabase.logger)

            #expect(try await Migrator().currentVersion(db) == Migrator().latestVersion)
            #expect(try await world.snapshot(db) == before)
            #expect(try await db.count("SELECT COUNT(*) AS n FROM campaigns") == campaignsBefore)
            #expect(try await db.count("SELECT COUNT(*) AS n FROM messages WHERE variation_id IS NULL AND ab_phase IS NULL") == 3)
            for table in ["ab_tests", "ab_test_variations", "ab_test_assignments", "ab_test_looks"] {
                #expect(try await db.count("SELECT COUNT(*) AS n FROM \(ident: table)") == 0)
            }
            if engine == .sqlite {
                #expect(try await db.transaction { sql in try await sql.raw("PRAGMA foreign_key_check").all() }.isEmpty)
                let keysOn = try await db.transaction { sql in
                    try await sql.raw("PRAGMA foreign_keys").first()?.decode(column: "foreign_keys", as: Int.self)
                }
                #expect(keysOn == 1)
            }
        }
    }

    @Test("a v5 database whose old A/B tables hold a row refuses migration 6, naming the guard, and changes nothing", arguments: Engine.available)
    func guardRefusesOldRows(engine: Engine) async throws {
        try await TestDatabase.with(engine, migrate: false) { db in
            try await Self.v5.migrate(db, logger: TestDatabase.logger)
            let world = try await V4World.insert(into: db, migrated: true)
            let campaign = try await db.read { sql in try await sql.raw("SELECT id FROM campaigns").first()!.decode(column: "id", as: UUID.self) }
            let now = Date()
            try await db.transaction { sql in
                try await sql.raw(
                    """
                    INSERT INTO ab_tests (id, workspace_id, campaign_id, status, test_share, metric, created_at, updated_at)
                    VALUES (\(bind: UUID()), \(bind: world.workspace), \(bind: campaign), 'draft', 0.2, 'click', \(bind: now), \(bind: now))
                    """
                ).run()
            }
            let before = try await world.snapshot(db)

            // What `herald serve` and `herald migrate` run before anything else.
            let error = await #expect(throws: StorageError.self) { try await Migrator().migrate(db, logger: TestDatabase.logger) }
            #expect(error.map { "\($0)" }?.contains("old_ab_tables_are_empty") == true, "\(String(describing: error))")

            #expect(try await Migrator().currentVersion(db) == 5)
            #expect(try await world.snapshot(db) == before)
            #expect(try await db.count("SELECT COUNT(*) AS n FROM ab_tests WHERE test_share = 0.2") == 1)
            await #expect(throws: (any Error).self) { try await db.count("SELECT COUNT(*) AS n FROM ab_test_assignments") }
            await #expect(throws: (any Error).self) { try await db.count("SELECT COUNT(*) AS n FROM messages WHERE ab_phase IS NULL") }
        }
    }

    @Test("the new tables refuse a bad status, percentage, duration, metric, policy, window and an undecided completion", arguments: Engine.available)
    func testChecks(engine: Engine) async throws {
        try await TestDatabase.with(engine) { db in
            let world = try await ABWorld.insert(into: db)
            let valid = ABWorld.TestRow()
            try await world.insertTest(valid, into: db)
            let refused: [(String, ABWorld.TestRow)] = [
                ("status", valid.with { $0.status = "decided" }),
                ("test_percentage 0", valid.with { $0.testPercentage = 0 }), ("test_percentage 101", valid.with { $0.testPercentage = 101 }),
                ("duration 0", valid.with { $0.durationHours = 0 }), ("duration 721", valid.with { $0.durationHours = 721 }),
                ("metric", valid.with { $0.metric = "purchase" }), ("policy", valid.with { $0.policy = "coin" }),
                ("window 0", valid.with { $0.window = 0 }),
                ("window equal to the duration", valid.with { $0.durationHours = 1; $0.window = 3600 }),
                ("completed without a winner", valid.with { $0.status = "completed" }),
                ("winner of no test", valid.with { $0.winner = UUID() }),
                ("winner_send", valid.with { $0.winnerSend = "sending" }),
                ("alpha", valid.with { $0.alpha = 1 }),
            ]
            for (label, row) in refused {
                await #expect(throws: (any Error).self, "\(label)") {
                    try await world.insertTest(row.with { $0.id = UUID() }, into: db, campaign: UUID())
                }
            }
            try await world.insertTest(valid.with { $0.id = UUID(); $0.durationHours = 1; $0.window = 3599 }, into: db, campaign: UUID())
            // One test per campaign.
            await #expect(throws: (any Error).self) { try await world.insertTest(valid.with { $0.id = UUID() }, into: db) }
            #expect(try await db.count("SELECT COUNT(*) AS n FROM ab_tests") == 2)
        }
    }

    @Test("a test holds at most five variations, the first at position 0, each with a share of 1–99 and its own name", arguments: Engine.available)
    func variationChecks(engine: Engine) async throws {
        try await TestDatabase.with(engine) { db in
            let world = try await ABWorld.insert(into: db)
            let test = ABWorld.TestRow()
            try await world.insertTest(test, into: db)
            for position in 0..<5 { try await world.insertVariation(test: test.id, position: position, into: db) }
            await #expect(throws: (any Error).self, "a sixth") { try await world.insertVariation(test: test.id, position: 5, into: db) }
            await #expect(throws: (any Error).self, "position -1") { try await world.insertVariation(test: test.id, position: -1, into: db) }
            await #expect(throws: (any Error).self, "a taken position") {
                try await world.insertVariation(test: test.id, position: 4, name: "F", into: db)
            }
            await #expect(throws: (any Error).self, "a taken name") {
                try await world.insertVariation(test: test.id, position: 4, name: "A", into: db)
            }
            let other = ABWorld.TestRow(id: UUID())
            try await world.insertTest(other, into: db, campaign: UUID())
            await #expect(throws: (any Error).self, "share 0") { try await world.insertVariation(test: other.id, position: 0, share: 0, into: db) }
            await #expect(throws: (any Error).self, "share 100") {
                try await world.insertVariation(test: other.id, position: 0, share: 100, into: db)
            }
            #expect(try await db.count("SELECT COUNT(*) AS n FROM ab_test_variations") == 5)
        }
    }

    @Test("winners and assignments belong to their own test, and the remaining audience has no variation", arguments: Engine.available)
    func ownership(engine: Engine) async throws {
        try await TestDatabase.with(engine) { db in
            let world = try await ABWorld.insert(into: db)
            let test = ABWorld.TestRow(), other = ABWorld.TestRow(id: UUID())
            try await world.insertTest(test, into: db)
            try await world.insertTest(other, into: db, campaign: UUID())
            let control = try await world.insertVariation(test: test.id, position: 0, into: db)
            let foreign = try await world.insertVariation(test: other.id, position: 0, into: db)
            let contact = world.contacts[0]

            await #expect(throws: (any Error).self, "a variation of another test") {
                try await world.assign(test: test.id, contact: contact, inTest: true, variation: foreign, into: db)
            }
            await #expect(throws: (any Error).self, "the remaining audience with a variation") {
                try await world.assign(test: test.id, contact: contact, inTest: false, variation: control, into: db)
            }
            try await world.assign(test: test.id, contact: contact, inTest: true, variation: control, into: db)
            try await world.assign(test: test.id, contact: world.contacts[1], inTest: false, variation: nil, into: db)
            await #expect(throws: (any Error).self, "a second row for one contact") {
                try await world.assign(test: test.id, contact: contact, inTest: false, variation: nil, into: db)
            }
            await #expect(throws: (any Error).self, "a winner of another test") {
                try await db.transaction { sql in
                    try await sql.raw("UPDATE ab_tests SET winner_variation_id = \(bind: foreign) WHERE id = \(bind: test.id)").run()
                }
            }
            try await db.transaction { sql in
                try await sql.raw(
                    "UPDATE ab_tests SET status = 'completed', winner_variation_id = \(bind: control) WHERE id = \(bind: test.id)"
                ).run()
            }
            await #expect(throws: (any Error).self, "deleting the winner") {
                try await db.transaction { sql in try await sql.raw("DELETE FROM ab_test_variations WHERE id = \(bind: control)").run() }
            }
            // Erasing a contact removes its assignment.
            try await db.transaction { sql in try await sql.raw("DELETE FROM contacts WHERE id = \(bind: world.contacts[1])").run() }
            #expect(try await db.count("SELECT COUNT(*) AS n FROM ab_test_assignments") == 1)
        }
    }

    @Test(
        "messages record their variation and phase; deleting a variation sets theirs to NULL, deleting the campaign the whole test",
        arguments: Engine.available
    )
    func messagesReferenceVariations(engine: Engine) async throws {
        try await TestDatabase.with(engine) { db in
            let world = try await ABWorld.insert(into: db)
            let test = ABWorld.TestRow()
            try await world.insertTest(test, into: db)
            let control = try await world.insertVariation(test: test.id, position: 0, into: db)
            let spare = try await world.insertVariation(test: test.id, position: 1, into: db)
            try await world.assign(test: test.id, contact: world.contacts[0], inTest: true, variation: control, into: db)
            try await db.transaction { sql in
                try await sql.raw(
                    """
                    INSERT INTO ab_test_looks (ab_test_id, look, looked_at, owner, verdict, counts)
                    VALUES (\(bind: test.id), 1, \(bind: Date()), 'server-1', 'keep_going', \(db.dialect.json("{}")))
                    """
                ).run()
            }
            try await world.insertMessage(contact: world.contacts[0], variation: control, phase: "test", into: db)
            try await world.insertMessage(contact: world.contacts[1], variation: spare, phase: "test", into: db)
            await #expect(throws: (any Error).self, "an unknown variation") {
                try await world.insertMessage(contact: world.contacts[2], variation: UUID(), phase: "test", into: db)
            }
            await #expect(throws: (any Error).self, "an unknown phase") {
                try await world.insertMessage(contact: world.contacts[2], variation: control, phase: "control", into: db)
            }
            await #expect(throws: (any Error).self, "look 1 twice") {
                try await db.transaction { sql in
                    try await sql.raw(
                        """
                        INSERT INTO ab_test_looks (ab_test_id, look, looked_at, owner, verdict, counts)
                        VALUES (\(bind: test.id), 1, \(bind: Date()), 'server-2', 'keep_going', \(db.dialect.json("{}")))
                        """
                    ).run()
                }
            }

            try await db.transaction { sql in try await sql.raw("DELETE FROM ab_test_variations WHERE id = \(bind: spare)").run() }
            #expect(try await db.count("SELECT COUNT(*) AS n FROM messages WHERE variation_id IS NULL AND ab_phase = 'test'") == 1)
            #expect(try await db.count("SELECT COUNT(*) AS n FROM messages") == 2)

            try await db.transaction { sql in try await sql.raw("DELETE FROM campaigns WHERE id = \(bind: world.campaign)").run() }
            for table in ["ab_tests", "ab_test_variations", "ab_test_assignments", "ab_test_looks", "messages"] {
                #expect(try await db.count("SELECT COUNT(*) AS n FROM \(ident: table)") == 0, "\(table)")
            }
            if engine == .sqlite {
                #expect(try await db.transaction { sql in try await sql.raw("PRAGMA foreign_key_check").all() }.isEmpty)
            }
        }
    }

    @Test("plusSeconds moves an instant column by a bound number of seconds on both engines", arguments: Engine.available)
    func plusSeconds(engine: Engine) async throws {
        try await TestDatabase.with(engine) { db in
            let world = try await ABWorld.insert(into: db)
            let sent = Date(timeIntervalSince1970: 1_780_000_000)
            try await world.insertMessage(contact: world.contacts[0], variation: nil, phase: nil, into: db)
            try await db.transaction { sql in
                try await sql.raw(
                    "UPDATE messages SET accepted_at = \(bind: sent), clicked_at = \(bind: sent.addingTimeInterval(3600))"
                ).run()
            }
            let d = db.dialect
            #expect(try await db.count("SELECT COUNT(*) AS n FROM messages WHERE clicked_at <= \(d.plusSeconds("accepted_at", 3600))") == 1)
            let early = d.plusSeconds("accepted_at", of: "m", 3599.5)
            #expect(try await db.count("SELECT COUNT(*) AS n FROM messages m WHERE m.clicked_at <= \(early)") == 0)
        }
    }
}

extension Database {
    /// The `n` column of a one-row query.
    func count(_ query: SQLQueryString) async throws -> Int {
        try await read { sql in try await sql.raw(query).first()!.decode(column: "n", as: Int.self) }
    }
}
