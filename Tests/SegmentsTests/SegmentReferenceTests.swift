import Foundation
import Segments
import Testing

@testable import Storage

/// Rules that use other saved segments (`in_segment`): the referenced rules are inlined, so they are
/// checked against the current catalog and counted after expansion.
@Suite("Segments used by other segments")
struct SegmentReferenceTests {
    let catalog = FieldCatalog(customAttributes: [CustomAttribute(key: "points", label: "Points", kind: .number)])
    /// The same workspace after "points" was deleted and recreated as a date.
    let recreated = FieldCatalog(customAttributes: [CustomAttribute(key: "points", label: "Points", kind: .date)])

    static func uses(_ id: UUID, times: Int) -> RuleNode {
        .group(RuleGroup(.or, Array(repeating: .when("segment", .inSegment, .string(id.uuidString)), count: times)))
    }

    /// `levels` segments, each using the next one `fanOut` times; the last one holds one plain rule.
    static func chain(levels: Int, fanOut: Int) -> (top: UUID, saved: [UUID: RuleNode], ids: [UUID]) {
        let ids = (0..<levels).map { _ in UUID() }
        var saved: [UUID: RuleNode] = [:]
        for (i, id) in ids.enumerated() {
            saved[id] = i == levels - 1 ? .all(.when("contact.city", .equals, "Austin")) : uses(ids[i + 1], times: fanOut)
        }
        return (ids[0], saved, ids)
    }

    func compiler(_ catalog: FieldCatalog, _ saved: [UUID: RuleNode], snapshots: Set<UUID> = []) -> SegmentCompiler {
        SegmentCompiler(
            catalog: catalog, dialect: Dialect(kind: .sqlite), workspaceID: UUID(), now: Date(), timeZone: .gmt,
            segmentRules: { saved[$0] }, isSnapshot: { snapshots.contains($0) }
        )
    }

    @Test("a chain of segments each using the next 100 times is refused by its size after expansion, at once")
    func chainIsCountedAfterExpansion() {
        let (top, saved, _) = Self.chain(levels: 5, fanOut: 100)  // 100⁴ conditions once inlined
        let validator = RuleValidator(catalog: catalog, segmentRules: { saved[$0] })
        let problems = validator.validate(.when("segment", .inSegment, .string(top.uuidString)))
        #expect(problems.map(\.code) == [.tooManyConditions])
        #expect(problems.first?.path == "")
        #expect(problems.first?.message.contains("1000") == true || problems.first?.message.contains("1,000") == true, "\(problems)")
    }

    @Test("up to 1,000 conditions after expansion are fine; a static segment counts as one")
    func expansionLimit() {
        let (top, saved, _) = Self.chain(levels: 3, fanOut: 30)  // 900
        let validator = RuleValidator(catalog: catalog, segmentRules: { saved[$0] })
        #expect(validator.validate(.when("segment", .inSegment, .string(top.uuidString))) == [])
        let twice = RuleNode.all(.when("segment", .inSegment, .string(top.uuidString)), .when("segment", .notInSegment, .string(top.uuidString)))
        #expect(validator.validate(twice).map(\.code) == [.tooManyConditions])
        let (big, bigSaved, ids) = Self.chain(levels: 3, fanOut: 100)
        let snapshots: Set<UUID> = [ids[1]]
        let withSnapshot = RuleValidator(catalog: catalog, segmentRules: { bigSaved[$0] }, isSnapshot: { snapshots.contains($0) })
        #expect(withSnapshot.validate(.when("segment", .inSegment, .string(big.uuidString))) == [], "a static segment is its snapshot: one condition")
    }

    @Test("segments that use segments nest at most 16 deep, and validation says so before compiling")
    func nestingLimit() throws {
        let (deepest, saved, _) = Self.chain(levels: 16, fanOut: 1)
        _ = try compiler(catalog, saved).predicate(.when("segment", .inSegment, .string(deepest.uuidString)))
        let (tooDeep, tooDeepSaved, _) = Self.chain(levels: 17, fanOut: 1)
        #expect(
            RuleValidator(catalog: catalog, segmentRules: { tooDeepSaved[$0] }).validate(.when("segment", .inSegment, .string(tooDeep.uuidString)))
                .map(\.code) == [.tooDeep])
    }

    @Test("the compiler refuses an oversized expansion instead of inlining it")
    func compilerRefusesExpansion() {
        let (top, saved, _) = Self.chain(levels: 3, fanOut: 100)  // 10,000 once inlined
        let error = #expect(throws: RuleProblems.self) {
            _ = try compiler(catalog, saved).predicate(.when("segment", .inSegment, .string(top.uuidString)))
        }
        #expect(error?.problems.map(\.code) == [.tooManyConditions])
    }

    @Test("a used segment whose stored rule no longer fits a recreated custom field is a problem at the rule that uses it")
    func staleReferencedRules() {
        let a = UUID(), b = UUID()
        let saved: [UUID: RuleNode] = [
            a: .all(.when("attributes.points", .between, [10, 20])),
            b: .all(.when("contact.city", .equals, "Austin"), .when("segment", .inSegment, .string(a.uuidString))),
        ]
        let names = ["Points fans", "Austin points fans"]
        let validator = RuleValidator(catalog: recreated, segmentRules: { saved[$0] }, segmentName: { $0 == a ? names[0] : names[1] })
        let direct = validator.validate(.all(.when("contact.country", .equals, "US"), .when("segment", .inSegment, .string(a.uuidString))))
        #expect(direct.map(\.path) == ["children[1].value"])
        #expect(direct.map(\.code) == [.invalidSegment])
        #expect(direct.first?.message.contains("Points fans") == true, "\(direct)")
        let nested = validator.validate(.when("segment", .notInSegment, .string(b.uuidString)))
        #expect(nested.map(\.code) == [.invalidSegment], "a stale rule two segments away is found too")
        #expect(RuleValidator(catalog: catalog, segmentRules: { saved[$0] }).validate(.when("segment", .inSegment, .string(b.uuidString))) == [])
    }

    @Test(
        "compiling rules that use a stale segment throws problems instead of trapping",
        arguments: [
            RuleNode.when("attributes.points", .between, [10, 20]), .when("attributes.points", .equals, 5), .when("contact.created_at", .before, 3),
            .when("contact.consent_status", .equals, "maybe"),
        ])
    func staleRulesNeverTrap(stale: RuleNode) {
        let a = UUID()
        let saved: [UUID: RuleNode] = [a: .all(stale)]
        let error = #expect(throws: RuleProblems.self) {
            _ = try compiler(recreated, saved).predicate(.when("segment", .inSegment, .string(a.uuidString)))
        }
        #expect(error?.problems.map(\.code) == [.invalidSegment])
    }

    @Test("a static segment's stored rules are not compiled where it is used, so they need not fit")
    func staticSegmentIsItsSnapshot() throws {
        let a = UUID()
        let saved: [UUID: RuleNode] = [a: .all(.when("attributes.points", .between, [10, 20]))]
        let predicate = try compiler(recreated, saved, snapshots: [a]).predicate(.when("segment", .inSegment, .string(a.uuidString)))
        #expect(String(describing: predicate).contains("segment_members"))
    }
}
