import Foundation
import PropertyBased
import Segments
import Storage
import Testing

@Suite("The audience index agrees with the reference evaluator and the SQL engine")
struct IndexAgreementTests {
    @Test("random rule trees select the same contacts from the index as in the reference and in SQL", arguments: Engine.available)
    func randomTrees(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            var world = World(seed: 43, contacts: 120)
            var saved = RandomRules(world: world, catalog: world.catalog, rng: SplitMix64(seed: 9), allowSegments: false)
            for _ in 0..<2 { world.segments[UUID()] = saved.tree(maxDepth: 2) }
            try await world.insert(into: database)
            let catalog = try await FieldCatalog.load(database, workspaceID: world.workspaceID)
            let reference = ReferenceEvaluator(world: world, catalog: catalog)
            let snapshot = try await AudienceSnapshot.build(from: database, workspaceID: world.workspaceID)
            #expect(snapshot.contactCount == world.contacts.count)
            #expect(snapshot.orderCount == world.orders.filter { $0.status == "paid" }.count)
            #expect(snapshot.eventCount == world.events.count)
            let segments = world.segments
            await propertyCheck(count: 200, input: Gen.int(in: 0...Int(Int32.max))) { seed in
                var random = RandomRules(world: world, catalog: catalog, rng: SplitMix64(seed: UInt64(seed)))
                let tree = random.tree()
                let json = String(decoding: try JSONEncoder().encode(tree), as: UTF8.self)
                let index = try IndexSegmentEvaluator(
                    snapshot: snapshot, rules: tree, catalog: catalog, now: world.now, timeZone: world.timeZone, segmentRules: { segments[$0] }
                )
                let sql = try SQLSegmentEvaluator(
                    database: database, workspaceID: world.workspaceID, rules: tree, catalog: catalog, now: world.now, timeZone: world.timeZone,
                    segmentRules: { segments[$0] }
                )
                let expected = reference.members(tree)
                let count = try await index.count()
                #expect(count == expected.count, "\(json)")
                let sqlCount = try await sql.count()
                #expect(count == sqlCount, "\(json)")
                let members = try await EngineAgreementTests().allMembers(index, pageSize: 25)
                #expect(Set(members) == expected, "\(json)")
                let sqlMembers = try await EngineAgreementTests().allMembers(sql, pageSize: 25)
                #expect(members == sqlMembers, "pages differ from SQL's: \(json)")
                for contact in world.contacts.prefix(4) {
                    #expect(try await index.contains(contactID: contact.id) == expected.contains(contact.id), "\(json)")
                }
                // The paths a million contacts take: parallel slices, and children ordered by a timed sample.
                let sliced = try IndexSegmentEvaluator(
                    snapshot: snapshot, rules: tree, catalog: catalog, now: world.now, timeZone: world.timeZone, segmentRules: { segments[$0] },
                    tuning: IndexTuning(smallMask: 4, sampleSize: 3, sliceSize: 64)
                )
                #expect(try await sliced.allMembers() == members, "sliced and sampled: \(json)")
            }
        }
    }

    @Test("paging starts after an id that is not a contact, and a static segment is left to SQL")
    func pagingAndUnsupported() async throws {
        try await TestDatabase.with(.sqlite) { database in
            let world = World(seed: 5, contacts: 30)
            try await world.insert(into: database)
            let catalog = try await FieldCatalog.load(database, workspaceID: world.workspaceID)
            let snapshot = try await AudienceSnapshot.build(from: database, workspaceID: world.workspaceID)
            let all = try IndexSegmentEvaluator(snapshot: snapshot, rules: .all(), catalog: catalog, now: world.now, timeZone: world.timeZone)
            let ids = world.contacts.map(\.id).sorted { $0.uuidString < $1.uuidString }
            #expect(try await all.page(after: nil, limit: 100) == ids)
            let middle = ids[14]
            #expect(try await all.page(after: middle, limit: 3) == Array(ids[15..<18]))
            let stranger = UUID(uuidString: String(middle.uuidString.dropLast()) + (middle.uuidString.last == "F" ? "E" : "F"))!
            let expected = ids.filter { $0.uuidString > stranger.uuidString }.prefix(2)
            #expect(try await all.page(after: stranger, limit: 2) == Array(expected))
            let staticID = UUID()
            let rules = RuleNode.when("segment", .inSegment, .string(staticID.uuidString))
            let supported = IndexSegmentEvaluator.supports(rules, catalog: catalog, isSnapshot: { $0 == staticID }, segmentRules: { $0 == staticID ? .all() : nil })
            #expect(!supported)
            #expect(throws: AudienceIndexUnsupported.self) {
                try IndexSegmentEvaluator(
                    snapshot: snapshot, rules: rules, catalog: catalog, now: world.now, timeZone: world.timeZone,
                    segmentRules: { $0 == staticID ? .all() : nil }, isSnapshot: { $0 == staticID })
            }
        }
    }
}
