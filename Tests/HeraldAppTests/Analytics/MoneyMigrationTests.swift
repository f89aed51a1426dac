import Foundation
import SQLKit
import Storage
import Testing

/// Migration 7 (money): message costs and rate prices move from floating point to integer micro-units of their currency.
@Suite("Money migration")
struct MoneyMigrationTests {
    static let v6 = Migrator(migrations: Array(Schema.migrations.prefix(6)))

    @Test("costs and prices become exact micros with their currency, the float columns go, and every row stays", arguments: Engine.available)
    func costsBecomeMicros(engine: Engine) async throws {
        try await TestDatabase.with(engine, migrate: false) { db in
            try await Self.v6.migrate(db, logger: TestDatabase.logger)
            let world = try await V4World.insert(into: db, migrated: true)
            let now = Date(timeIntervalSince1970: 1_780_000_000)
            let phones = world.contacts.map(\.phone)
            try await db.transaction { sql in
                try await sql.raw("UPDATE messages SET cost = 0.0118 WHERE phone = \(bind: phones[0])").run()
                try await sql.raw("UPDATE messages SET cost = 0.1365 WHERE phone = \(bind: phones[1])").run()
                try await sql.raw(
                    """
                    INSERT INTO message_rates (workspace_id, calling_code, category, price, currency, updated_at)
                    VALUES (\(bind: world.workspace), '49', 'marketing', 0.0118, 'EUR', \(bind: now)),
                        (\(bind: world.workspace), '*', 'utility', 0.0625, 'EUR', \(bind: now))
                    """
                ).run()
            }
            let before = try await world.snapshot(db)

            try await Migrator().migrate(db, logger: TestDatabase.logger)

            #expect(try await Migrator().currentVersion(db) == Migrator().latestVersion)
            #expect(try await world.snapshot(db) == before)
            let costs = try await db.read { sql in
                try await sql.raw("SELECT phone, cost_micros, cost_currency FROM messages").all().map {
                    (try $0.decode(column: "phone", as: String.self), try $0.decode(column: "cost_micros", as: Int64?.self),
                     try $0.decode(column: "cost_currency", as: String?.self))
                }
            }
            let byPhone = Dictionary(uniqueKeysWithValues: costs.map { ($0.0, "\($0.1.map(String.init) ?? "nil") \($0.2 ?? "nil")") })
            #expect(byPhone == [phones[0]: "11800 EUR", phones[1]: "136500 EUR", phones[2]: "nil nil"])
            let rates = try await db.read { sql in
                try await sql.raw("SELECT calling_code, price_micros, currency, as_of FROM message_rates ORDER BY calling_code").all().map {
                    "\(try $0.decode(column: "calling_code", as: String.self)) \(try $0.decode(column: "price_micros", as: Int64.self)) "
                        + "\(try $0.decode(column: "currency", as: String.self)) \(try $0.decode(column: "as_of", as: String?.self) ?? "nil")"
                }
            }
            #expect(rates == ["*", "49"].map { $0 == "*" ? "* 62500 EUR nil" : "49 11800 EUR nil" })
            await #expect(throws: (any Error).self) { try await db.read { sql in try await sql.raw("SELECT cost FROM messages").all() } }
            await #expect(throws: (any Error).self) { try await db.read { sql in try await sql.raw("SELECT price FROM message_rates").all() } }
            // A negative price is refused, and the key still holds one rate per code and category.
            await #expect(throws: (any Error).self) {
                try await db.transaction { sql in
                    try await sql.raw(
                        "INSERT INTO message_rates (workspace_id, calling_code, category, price_micros, currency, updated_at) VALUES (\(bind: world.workspace), '44', 'marketing', -1, 'EUR', \(bind: now))"
                    ).run()
                }
            }
            await #expect(throws: (any Error).self) {
                try await db.transaction { sql in
                    try await sql.raw(
                        "INSERT INTO message_rates (workspace_id, calling_code, category, price_micros, currency, updated_at) VALUES (\(bind: world.workspace), '49', 'marketing', 1, 'EUR', \(bind: now))"
                    ).run()
                }
            }
            if engine == .sqlite {
                #expect(try await db.transaction { sql in try await sql.raw("PRAGMA foreign_key_check").all() }.isEmpty)
            }
            // Deleting the workspace still removes its rates.
            try await db.transaction { sql in try await sql.raw("DELETE FROM workspaces WHERE id = \(bind: world.workspace)").run() }
            #expect(try await db.count("SELECT COUNT(*) AS n FROM message_rates") == 0)
        }
    }

    @Test("a message cost with no rate table of its workspace is taken as USD", arguments: Engine.available)
    func defaultCurrency(engine: Engine) async throws {
        try await TestDatabase.with(engine, migrate: false) { db in
            try await Self.v6.migrate(db, logger: TestDatabase.logger)
            _ = try await V4World.insert(into: db, migrated: true)
            try await db.transaction { sql in try await sql.raw("UPDATE messages SET cost = 0.025").run() }
            try await Migrator().migrate(db, logger: TestDatabase.logger)
            #expect(try await db.count("SELECT COUNT(*) AS n FROM messages WHERE cost_micros = 25000 AND cost_currency = 'USD'") == 3)
        }
    }
}
