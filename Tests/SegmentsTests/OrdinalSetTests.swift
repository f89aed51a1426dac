import Testing

@testable import Segments

@Suite("Ordinal sets")
struct OrdinalSetTests {
    /// The same operations on `Set<Int>`, over random members that straddle word boundaries.
    @Test("set operations, counts and iteration agree with Set<Int>")
    func agreesWithSet() {
        var rng = SplitMix64(seed: 14)
        for _ in 0..<200 {
            let limit = Int(rng.next() % 300) + 1
            let a = Set((0..<Int(rng.next() % 80)).map { _ in Int(rng.next() % UInt64(limit)) })
            let b = Set((0..<Int(rng.next() % 80)).map { _ in Int(rng.next() % UInt64(limit)) })
            let x = OrdinalSet(a), y = OrdinalSet(b)
            #expect(Array(x) == a.sorted())
            #expect(x.count == a.count)
            #expect(x.isEmpty == a.isEmpty)
            #expect(Array(x.intersection(y)) == a.intersection(b).sorted())
            #expect(Array(x.subtracting(y)) == a.subtracting(b).sorted())
            var union = x
            union.formUnion(y)
            #expect(Array(union) == a.union(b).sorted())
            let from = Int(rng.next() % UInt64(limit + 70))
            #expect(Array(x.members(from: from)) == a.filter { $0 >= from }.sorted())
            for probe in [-1, 0, 63, 64, 65, limit - 1, limit, limit + 64] { #expect(x.contains(probe) == a.contains(probe)) }
            let low = Int(rng.next() % UInt64(limit)), high = low + Int(rng.next() % UInt64(limit))
            #expect(Array(OrdinalSet(low..<high)) == Array(low..<high))
        }
    }

    @Test("sets with the same members are equal whatever their words' length")
    func equality() {
        var grown = OrdinalSet([3, 200])
        grown.subtract(OrdinalSet([200]))
        #expect(grown == OrdinalSet([3]))
        #expect(grown.words.count > OrdinalSet([3]).words.count)
        #expect(OrdinalSet(0..<0) == OrdinalSet())
        #expect(OrdinalSet(0..<64).words == [UInt.max])
    }
}
