import Foundation
import Segments
import Storage
import Testing

@Suite("Segments marketers ask for")
struct SegmentScenarioTests {
    @Test("total spend > $500 in the last 60 days AND read a message in the last 30 days", arguments: Engine.available)
    func bigSpendersWhoRead(engine: Engine) async throws {
        var world = World(seed: 1, contacts: 0)
        let now = world.now
        func contact() -> World.Contact {
            World.Contact(
                id: UUID(), phone: "+1555\(world.contacts.count)", country: "US", city: nil, language: nil, tags: [], attributes: [:],
                consent: "opted_in", createdAt: now.addingTimeInterval(-400 * 86_400)
            )
        }
        func add(spent: Int, status: String = "paid", orderedDaysAgo: Double, readDaysAgo: Double?) -> UUID {
            let c = contact()
            world.contacts.append(c)
            world.orders.append(
                World.Order(id: UUID(), contactID: c.id, totalMinor: spent, status: status, orderedAt: now.addingTimeInterval(-orderedDaysAgo * 86_400), productIDs: [])
            )
            if let readDaysAgo {
                world.events.append(World.Event(id: UUID(), contactID: c.id, campaignID: nil, type: "read", occurredAt: now.addingTimeInterval(-readDaysAgo * 86_400)))
            }
            return c.id
        }
        let member = add(spent: 60_000, orderedDaysAgo: 10, readDaysAgo: 5)
        _ = add(spent: 60_000, status: "refunded", orderedDaysAgo: 10, readDaysAgo: 5)
        _ = add(spent: 60_000, orderedDaysAgo: 61, readDaysAgo: 5)
        _ = add(spent: 50_000, orderedDaysAgo: 10, readDaysAgo: 5)
        _ = add(spent: 60_000, orderedDaysAgo: 10, readDaysAgo: 31)
        _ = add(spent: 60_000, orderedDaysAgo: 10, readDaysAgo: nil)
        let flat: RuleValue = [
            "groups": [
                ["operator": "AND", "rules": [
                    ["attribute": "total_spent", "operator": ">", "value": 500, "window": ["last_days": 60]],
                    ["attribute": "engagement.read", "operator": "at_least", "value": 1, "window": ["last_days": 30]],
                ]]
            ]
        ]
        let snapshot = world
        try await TestDatabase.with(engine) { database in
            try await snapshot.insert(into: database)
            let catalog = try await FieldCatalog.load(database, workspaceID: snapshot.workspaceID)
            let rules = try RuleValidator(catalog: catalog).validated(flat)
            let evaluator = try SQLSegmentEvaluator(
                database: database, workspaceID: snapshot.workspaceID, rules: rules, catalog: catalog, now: now, timeZone: snapshot.timeZone
            )
            #expect(try await evaluator.count() == 1)
            #expect(try await evaluator.page(after: nil, limit: 20) == [member])
            #expect(try await evaluator.contains(contactID: member))
        }
    }
}
