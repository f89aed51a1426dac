import Foundation
import SQLKit
import Storage
import Testing

/// Migration 5 (contact identities) on a database that holds data: SQLite rebuilds `contacts`, which five tables reference.
@Suite("Identity migration")
struct IdentityMigrationTests {
    @Test("contacts keep every order, message, event and segment row through migration 5", arguments: Engine.available)
    func keepsEveryRow(engine: Engine) async throws {
        try await TestDatabase.with(engine, migrate: false) { db in
            try await Migrator(migrations: Array(Schema.migrations.prefix(4))).migrate(db, logger: TestDatabase.logger)
            let world = try await V4World.insert(into: db)
            let before = try await world.snapshot(db)
            #expect(before.values.allSatisfy { !$0.isEmpty })

            try await Migrator().migrate(db, logger: TestDatabase.logger)

            #expect(try await Migrator().currentVersion(db) == Migrator().latestVersion)
            #expect(try await world.snapshot(db) == before)
            let rows = try await db.read { sql in try await sql.raw("SELECT id, phone, bsuid, name FROM contacts").all() }
            var stored: [UUID: [String?]] = [:]
            for row in rows {
                stored[try row.decode(column: "id", as: UUID.self)] = [
                    try row.decode(column: "phone", as: String?.self), try row.decode(column: "name", as: String?.self),
                    try row.decode(column: "bsuid", as: String?.self),
                ]
            }
            // Two contacts shared a wa_user_id: the one with the later inbound message keeps it.
            #expect(
                stored == [
                    world.contacts[0].id: [world.contacts[0].phone, "Ada", nil], world.contacts[1].id: [world.contacts[1].phone, nil, "DE.4711"],
                    world.contacts[2].id: [world.contacts[2].phone, "Cem", nil],
                ]
            )
            if engine == .sqlite {
                let broken = try await db.transaction { sql in try await sql.raw("PRAGMA foreign_key_check").all() }
                #expect(broken.isEmpty)
                let keysOn = try await db.transaction { sql in
                    try await sql.raw("PRAGMA foreign_keys").first()?.decode(column: "foreign_keys", as: Int.self)
                }
                #expect(keysOn == 1)
                let stats = try await db.read { sql in
                    try await sql.raw("SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = 'contacts'").first()?.decode(column: "n", as: Int.self)
                }
                #expect((stats ?? 0) > 0)
            }

            // Deleting a contact still removes what references it.
            let gone = world.contacts[0].id
            try await db.transaction { sql in try await sql.raw("DELETE FROM contacts WHERE id = \(bind: gone)").run() }
            let after = try await world.snapshot(db)
            for (table, rows) in after {
                #expect(rows == before[table]!.filter { $0.contact != gone }, "\(table)")
                #expect(rows.count < before[table]!.count, "\(table) had a row of the deleted contact")
            }
        }
    }

    @Test("after migration 5 a contact needs a phone or a BSUID, and BSUIDs, parents and usernames are unique", arguments: Engine.available)
    func identityRules(engine: Engine) async throws {
        try await TestDatabase.with(engine) { db in
            let world = try await V4World.insert(into: db, migrated: true)
            let insert = { (phone: String?, bsuid: String?, parent: String?, username: String?) in
                try await db.transaction { sql in
                    try await sql.raw(
                        """
                        INSERT INTO contacts (id, workspace_id, phone, bsuid, parent_bsuid, username, tags, attributes, created_at, updated_at)
                        VALUES (\(bind: UUID()), \(bind: world.workspace), \(bind: phone), \(bind: bsuid), \(bind: parent), \(bind: username),
                            \(db.dialect.json("[]")), \(db.dialect.json("{}")), \(bind: Date()), \(bind: Date()))
                        """
                    ).run()
                }
            }
            try await insert(nil, "US.13491208655302741918", "US.ENT.1181", "jess")
            try await insert(nil, "US.2", nil, nil)
            try await insert("+4915100000099", "DE.99", nil, nil)
            await #expect(throws: (any Error).self) { try await insert(nil, nil, nil, "alone") }
            await #expect(throws: (any Error).self) { try await insert(nil, "US.2", nil, nil) }
            await #expect(throws: (any Error).self) { try await insert(nil, "US.3", "US.ENT.1181", nil) }
            await #expect(throws: (any Error).self) { try await insert(nil, "US.4", nil, "jess") }
            await #expect(throws: (any Error).self) { try await insert("+4915100000099", "DE.5", nil, nil) }
            let count = try await db.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM contacts WHERE phone IS NULL").first()?.decode(column: "n", as: Int.self)
            }
            #expect(count == 2)
            let bsuid = try await db.read { sql in try await sql.raw("SELECT bsuid FROM messages").all() }
            #expect(bsuid.count == 3)
        }
    }

    @Test("a table rebuild that would leave rows without their contact is rolled back, and foreign keys stay on")
    func rebuildChecksForeignKeys() async throws {
        try await TestDatabase.with(.sqlite) { db in
            let world = try await V4World.insert(into: db, migrated: true)
            let orphaning = Migration(version: Migrator().latestVersion + 1, name: "orphaning", rebuildsTables: true) { _ in
                ["DELETE FROM contacts WHERE id = '\(world.contacts[0].id)'"]
            }
            await #expect(throws: StorageError.self) {
                try await Migrator(migrations: Schema.migrations + [orphaning]).migrate(db, logger: TestDatabase.logger)
            }
            #expect(try await Migrator().currentVersion(db) == Migrator().latestVersion)
            let count = try await db.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM contacts").first()?.decode(column: "n", as: Int.self)
            }
            #expect(count == 3)
            let keysOn = try await db.transaction { sql in
                try await sql.raw("PRAGMA foreign_keys").first()?.decode(column: "foreign_keys", as: Int.self)
            }
            #expect(keysOn == 1)
        }
    }
}

/// A workspace at schema version 4 with three contacts, and rows of every table that references contacts.
struct V4World {
    struct Contact {
        let id: UUID
        let phone: String
        let name: String?
    }
    /// One row of a child table: its key and the contact it belongs to.
    struct Row: Equatable {
        let key: String
        let contact: UUID
    }

    let workspace: UUID
    let contacts: [Contact]

    static let children: [(table: String, key: String)] = [
        ("orders", "id"), ("messages", "id"), ("message_events", "id"), ("segment_members", "segment_id"),
        ("segment_membership_changes", "refresh_id"),
    ]

    /// Every child row, by table, in a stable order.
    func snapshot(_ db: Database) async throws -> [String: [Row]] {
        var result: [String: [Row]] = [:]
        for (table, key) in Self.children {
            result[table] = try await db.read { sql in
                try await sql.raw("SELECT \(ident: key) AS k, contact_id FROM \(ident: table) ORDER BY contact_id, \(ident: key)").all().map {
                    Row(key: try $0.decode(column: "k", as: UUID.self).uuidString, contact: try $0.decode(column: "contact_id", as: UUID.self))
                }
            }
        }
        return result
    }

    static func insert(into db: Database, migrated: Bool = false) async throws -> V4World {
        let workspace = UUID()
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let contacts = [
            Contact(id: UUID(), phone: "+4915100000001", name: "Ada"), Contact(id: UUID(), phone: "+4915100000002", name: nil),
            Contact(id: UUID(), phone: "+4915100000003", name: "Cem"),
        ]
        let userColumn = migrated ? "bsuid" : "wa_user_id"
        let json = db.dialect.json
        try await db.transaction { sql in
            try await sql.raw(
                "INSERT INTO workspaces (id, name, created_at, updated_at) VALUES (\(bind: workspace), 'Acme', \(bind: now), \(bind: now))"
            ).run()
            for (index, contact) in contacts.enumerated() {
                // The first two share a WhatsApp user id; the second wrote last.
                let userID: String? = index < 2 && !migrated ? "DE.4711" : nil
                let inbound: Date? = index < 2 ? now.addingTimeInterval(Double(index)) : nil
                try await sql.raw(
                    """
                    INSERT INTO contacts (id, workspace_id, phone, name, tags, attributes, consent_status, created_at, updated_at,
                        \(ident: userColumn), last_inbound_at)
                    VALUES (\(bind: contact.id), \(bind: workspace), \(bind: contact.phone), \(bind: contact.name), \(json("[\"vip\"]")),
                        \(json("{}")), 'opted_in', \(bind: now), \(bind: now), \(bind: userID), \(bind: inbound))
                    """
                ).run()
            }
            let campaign = UUID()
            let segment = UUID()
            let refresh = UUID()
            try await sql.raw(
                "INSERT INTO campaigns (id, workspace_id, name, status, created_at, updated_at) VALUES (\(bind: campaign), \(bind: workspace), 'Spring', 'completed', \(bind: now), \(bind: now))"
            ).run()
            try await sql.raw(
                "INSERT INTO segments (id, workspace_id, name, kind, rules, created_at, updated_at) VALUES (\(bind: segment), \(bind: workspace), 'All', 'static', \(json("{}")), \(bind: now), \(bind: now))"
            ).run()
            try await sql.raw(
                """
                INSERT INTO segment_refreshes (id, workspace_id, segment_id, at, reason, contact_count, entered_count, left_count, took_ms)
                VALUES (\(bind: refresh), \(bind: workspace), \(bind: segment), \(bind: now), 'manual', 3, 3, 0, 1)
                """
            ).run()
            for (index, contact) in contacts.enumerated() {
                let message = UUID()
                try await sql.raw(
                    """
                    INSERT INTO orders (id, workspace_id, external_id, contact_id, total_minor, currency, status, ordered_at, created_at, updated_at)
                    VALUES (\(bind: UUID()), \(bind: workspace), \(bind: "o-\(index)"), \(bind: contact.id), 1999, 'EUR', 'paid', \(bind: now), \(bind: now), \(bind: now))
                    """
                ).run()
                try await sql.raw(
                    """
                    INSERT INTO messages (id, workspace_id, campaign_id, contact_id, wamid, status, phone, created_at, updated_at)
                    VALUES (\(bind: message), \(bind: workspace), \(bind: campaign), \(bind: contact.id), \(bind: "wamid.\(index)"), 'read',
                        \(bind: contact.phone), \(bind: now), \(bind: now))
                    """
                ).run()
                for type in ["sent", "delivered"] {
                    try await sql.raw(
                        """
                        INSERT INTO message_events (id, workspace_id, contact_id, campaign_id, message_id, type, occurred_at, created_at)
                        VALUES (\(bind: UUID()), \(bind: workspace), \(bind: contact.id), \(bind: campaign), \(bind: message), \(bind: type), \(bind: now), \(bind: now))
                        """
                    ).run()
                }
                try await sql.raw(
                    "INSERT INTO segment_members (segment_id, workspace_id, contact_id, since) VALUES (\(bind: segment), \(bind: workspace), \(bind: contact.id), \(bind: now))"
                ).run()
                try await sql.raw(
                    """
                    INSERT INTO segment_membership_changes (refresh_id, segment_id, workspace_id, contact_id, change, at)
                    VALUES (\(bind: refresh), \(bind: segment), \(bind: workspace), \(bind: contact.id), 'entered', \(bind: now))
                    """
                ).run()
            }
        }
        return V4World(workspace: workspace, contacts: contacts)
    }
}
