import Experiments
import Foundation
import Testing

@Suite("Reproducible assignment of contacts to a test's variations")
struct AssignmentTests {
    static let test = UUID(uuidString: "0190f3a2-5b1c-7d4e-8f60-a1b2c3d4e5f6")!

    // Golden values, computed by an independent Python implementation of the documented algorithm. A stored
    // assignment is recomputed from these: they must never change.
    @Test(
        "the bucket of a test and a contact is pinned forever",
        arguments: [
            ("00000000-0000-0000-0000-000000000000", Int64(6_672_063_894_332_977_217)),
            ("0190f3a2-5b1c-7d4e-8f60-000000000001", 6_062_199_378_711_153_178),
            ("0190f3a2-5b1c-7d4e-8f60-000000000002", 1_891_645_483_849_379_869),
            ("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", 5_635_639_110_677_872_174),
            ("6ba7b810-9dad-11d1-80b4-00c04fd430c8", 8_927_529_620_113_785_862),
        ]
    )
    func golden(contact: String, bucket: Int64) {
        #expect(Assignment.bucket(testID: Self.test, contactID: UUID(uuidString: contact)!) == bucket)
    }

    @Test("the test id and the contact id play different parts")
    func order() {
        let other = UUID(uuidString: "6ba7b810-9dad-11d1-80b4-00c04fd430c8")!
        #expect(Assignment.bucket(testID: other, contactID: Self.test) == 1_360_841_862_566_947_712)
    }

    @Test("buckets of time-ordered contact ids spread evenly, and two tests pick independent samples")
    func uniform() {
        // Contact ids as Herald makes them share their time prefix: only the last bytes differ.
        let contacts = (0..<20_000).map { n in
            UUID(uuidString: String(format: "0190f3a2-5b1c-7d4e-8f60-%012x", n))!
        }
        let other = UUID(uuidString: "0190f3a2-5b1c-7d4e-8f60-a1b2c3d4e5f7")!
        let first = contacts.map { Assignment.bucket(testID: Self.test, contactID: $0) }
        let second = contacts.map { Assignment.bucket(testID: other, contactID: $0) }
        #expect(first.allSatisfy { $0 >= 0 })
        var deciles = [Int](repeating: 0, count: 10)
        for bucket in first { deciles[Int(Double(bucket) / Double(Int64.max) * 10)] += 1 }
        #expect(deciles.allSatisfy { abs($0 - 2_000) < 200 }, "\(deciles)")
        // 20 % of each: about 4 % of contacts are in both samples when the tests are independent.
        let cut = Int64(Double(Int64.max) * 0.2)
        let both = zip(first, second).filter { $0 < cut && $1 < cut }.count
        #expect(abs(both - 800) < 120, "\(both)")
    }

    @Test(
        "arm sizes are exact: the test audience is the rounded percentage, split by largest remainder, ties to the lower position",
        arguments: [
            (1_000, 20, [50, 50], 200, [100, 100]),
            (1_001, 20, [34, 33, 33], 200, [68, 66, 66]),
            (10, 15, [50, 50], 2, [1, 1]),
            (35, 20, [34, 33, 33], 7, [3, 2, 2]),
            (40, 20, [34, 33, 33], 8, [3, 3, 2]),
            (15, 20, [50, 50], 3, [2, 1]),
            (9, 100, [20, 20, 20, 20, 20], 9, [2, 2, 2, 2, 1]),
            (3_000, 50, [10, 90], 1_500, [150, 1_350]),
            (0, 20, [50, 50], 0, [0, 0]),
            (1, 1, [50, 50], 0, [0, 0]),
            (2, 25, [99, 1], 1, [1, 0]),
        ]
    )
    func armSizes(audience: Int, percentage: Int, shares: [Int], test: Int, arms: [Int]) {
        let sizes = Assignment.armSizes(audience: audience, testPercentage: percentage, shares: shares)
        #expect(sizes.testAudience == test)
        #expect(sizes.arms == arms)
        #expect(sizes.remaining == audience - test)
        #expect(sizes.arms.reduce(0, +) == test)
    }

    @Test("ranks in bucket order map to arms in turn, then to the remaining audience")
    func ranks() {
        let sizes = Assignment.armSizes(audience: 40, testPercentage: 20, shares: [34, 33, 33])
        #expect((0..<40).map { sizes.arm(ofRank: $0) } == [0, 0, 0, 1, 1, 1, 2, 2] + [Int?](repeating: nil, count: 32))
    }

    @Test("default shares split 100 equally, the extra points to the first variations")
    func defaultShares() {
        #expect(Assignment.equalShares(count: 2) == [50, 50])
        #expect(Assignment.equalShares(count: 3) == [34, 33, 33])
        #expect(Assignment.equalShares(count: 5) == [20, 20, 20, 20, 20])
    }
}
