import Foundation
import SQLKit
import Storage
import Testing

@testable import HeraldApp

@Suite("Synthetic data")
struct SeedTests {
    /// Seeds a fresh database and returns the summary and every contact's phone and id in order.
    static func seeded(_ engine: Engine, seed: UInt64) async throws -> (SeedSummary, [String]) {
        try await TestDatabase.with(engine) { database in
            let (workspace, _) = try await WorkspaceStore(database: database).create(name: "Seeded", currency: "EUR")
            let anchor = Date(timeIntervalSince1970: 1_790_000_000)
            let summary = try await Seeder(database: database, workspaceID: workspace.id, seed: seed, anchor: anchor).run(contacts: 300)
            let rows = try await database.read { sql in
                try await sql.raw("SELECT id, phone FROM contacts ORDER BY phone").all().map {
                    "\(try $0.decode(column: "id", as: UUID.self)) \(try $0.decode(column: "phone", as: String.self))"
                }
            }
            return (summary, rows)
        }
    }

    @Test("the same seed makes the same contacts, orders and events; another seed makes others", arguments: Engine.available)
    func deterministic(engine: Engine) async throws {
        let (first, rows) = try await Self.seeded(engine, seed: 5)
        let (again, rowsAgain) = try await Self.seeded(engine, seed: 5)
        let (_, other) = try await Self.seeded(engine, seed: 6)
        #expect(first.contacts == 300 && rows.count == 300)
        #expect(rows == rowsAgain)
        #expect((first.orders, first.orderLines, first.events) == (again.orders, again.orderLines, again.events))
        #expect(rows != other)
        #expect(first.orders > 300 && first.events > 3000, "about 5 orders and 20 events per contact")
    }

    @Test("seeded data is valid: phones parse, order totals equal their lines, money is in the workspace currency")
    func valid() async throws {
        try await TestDatabase.with(.sqlite) { database in
            let (workspace, _) = try await WorkspaceStore(database: database).create(name: "Valid", currency: "EUR")
            _ = try await Seeder(database: database, workspaceID: workspace.id, seed: 1).run(contacts: 200)
            let services = AppServices(database: database)
            let page = try await services.contacts.list(workspaceID: workspace.id, search: nil, limit: 1000, cursor: nil)
            #expect(page.data.count == 200)
            let rules = ContactRules(defaultCountry: nil, fields: [:])
            for contact in page.data { _ = try rules.phone(try #require(contact.phone), field: "phone") }
            let mismatched = try await database.read { sql in
                try await sql.raw(
                    """
                    SELECT COUNT(*) AS n FROM orders o WHERE o.total_minor <> (SELECT COALESCE(SUM(l.quantity * l.unit_price_minor), 0) FROM order_lines l WHERE l.order_id = o.id)
                       OR o.currency <> 'EUR'
                    """
                ).first()!.decode(column: "n", as: Int.self)
            }
            #expect(mismatched == 0)
            await #expect(throws: SeedError.self) {
                _ = try await Seeder(database: database, workspaceID: workspace.id, seed: 1).run(contacts: 10)
            }
        }
    }
}
