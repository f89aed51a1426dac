import Foundation
import PropertyBased
import Segments
import Storage
import Testing

@Suite("The SQL engine agrees with the reference evaluator")
struct EngineAgreementTests {
    @Test("random rule trees select the same contacts in SQL as in the reference", arguments: Engine.available)
    func randomTrees(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            var world = World(seed: 42, contacts: 80)
            var saved = RandomRules(world: world, catalog: world.catalog, rng: SplitMix64(seed: 7), allowSegments: false)
            for _ in 0..<2 { world.segments[UUID()] = saved.tree(maxDepth: 2) }
            try await world.insert(into: database)
            let catalog = try await FieldCatalog.load(database, workspaceID: world.workspaceID)
            let reference = ReferenceEvaluator(world: world, catalog: catalog)
            let segments = world.segments
            await propertyCheck(count: 150, input: Gen.int(in: 0...Int(Int32.max))) { seed in
                var random = RandomRules(world: world, catalog: catalog, rng: SplitMix64(seed: UInt64(seed)))
                let tree = random.tree()
                let json = String(decoding: try JSONEncoder().encode(tree), as: UTF8.self)
                #expect(RuleValidator(catalog: catalog, segmentRules: { segments[$0] }).validate(tree).isEmpty, "\(json)")
                let evaluator = try SQLSegmentEvaluator(
                    database: database, workspaceID: world.workspaceID, rules: tree, catalog: catalog, now: world.now, timeZone: world.timeZone,
                    segmentRules: { segments[$0] }
                )
                let expected = reference.members(tree)
                #expect(try await evaluator.count() == expected.count, "\(json)")
                let members = try await allMembers(evaluator, pageSize: 25)
                #expect(Set(members) == expected, "\(json)")
                #expect(members.count == expected.count, "pages repeat or skip members: \(json)")
                for contact in world.contacts.prefix(3) {
                    #expect(try await evaluator.contains(contactID: contact.id) == expected.contains(contact.id), "\(json)")
                }
            }
        }
    }

    /// Walks the keyset pages to the end.
    func allMembers(_ evaluator: any SegmentEvaluator, pageSize: Int) async throws -> [UUID] {
        var all: [UUID] = []
        while true {
            let page = try await evaluator.page(after: all.last, limit: pageSize)
            all += page
            if page.count < pageSize { return all }
        }
    }
}
