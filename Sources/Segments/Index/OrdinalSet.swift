/// A set of contact ordinals: one bit per ordinal in an array of words, with the operations evaluation needs done a
/// word at a time.
///
/// swift-collections' `BitSet` was the first choice, and a profile at 100,000 contacts showed its member iteration
/// (`index(after:)`, not inlined across the module boundary) as a tenth of all evaluation time; it also keeps its
/// words to itself, so a scan could not read 64 members at once. Scans here read the words directly.
struct OrdinalSet: Sendable, Equatable, Sequence {
    /// Bit `o % 64` of word `o / 64` is ordinal `o`. Trailing zero words may be present; they do not change the set.
    private(set) var words: [UInt]

    init() { words = [] }

    init(words: [UInt]) { self.words = words }

    /// Every ordinal in `range` (which starts at 0 or above).
    init(_ range: Range<Int>) {
        words = [UInt](repeating: 0, count: Self.wordCount(range.upperBound))
        guard !range.isEmpty else { return }
        let first = range.lowerBound / UInt.bitWidth, last = (range.upperBound - 1) / UInt.bitWidth
        for word in first...last { words[word] = .max }
        words[first] &= UInt.max << UInt(range.lowerBound % UInt.bitWidth)
        let tail = range.upperBound % UInt.bitWidth
        if tail != 0 { words[last] &= UInt.max >> UInt(UInt.bitWidth - tail) }
    }

    init(_ ordinals: some Sequence<Int>) {
        words = []
        for ordinal in ordinals { insert(ordinal) }
    }

    static func wordCount(_ ordinals: Int) -> Int { (ordinals + UInt.bitWidth - 1) / UInt.bitWidth }

    var isEmpty: Bool { !words.contains { $0 != 0 } }

    var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    func contains(_ ordinal: Int) -> Bool {
        let word = ordinal / UInt.bitWidth
        return ordinal >= 0 && word < words.count && words[word] & (1 << UInt(ordinal % UInt.bitWidth)) != 0
    }

    mutating func insert(_ ordinal: Int) {
        precondition(ordinal >= 0, "an ordinal is not negative")
        let word = ordinal / UInt.bitWidth
        if word >= words.count { words.append(contentsOf: repeatElement(0, count: word + 1 - words.count)) }
        words[word] |= 1 << UInt(ordinal % UInt.bitWidth)
    }

    func intersection(_ other: OrdinalSet) -> OrdinalSet {
        let n = Swift.min(words.count, other.words.count)
        var result = [UInt](repeating: 0, count: n)
        for word in 0..<n { result[word] = words[word] & other.words[word] }
        return OrdinalSet(words: result)
    }

    mutating func formUnion(_ other: OrdinalSet) {
        if other.words.count > words.count { words.append(contentsOf: repeatElement(0, count: other.words.count - words.count)) }
        for word in 0..<other.words.count { words[word] |= other.words[word] }
    }

    mutating func subtract(_ other: OrdinalSet) {
        for word in 0..<Swift.min(words.count, other.words.count) { words[word] &= ~other.words[word] }
    }

    func subtracting(_ other: OrdinalSet) -> OrdinalSet {
        var result = self
        result.subtract(other)
        return result
    }

    static func == (a: OrdinalSet, b: OrdinalSet) -> Bool {
        let n = Swift.max(a.words.count, b.words.count)
        for word in 0..<n where (word < a.words.count ? a.words[word] : 0) != (word < b.words.count ? b.words[word] : 0) { return false }
        return true
    }

    /// The members, ascending.
    func makeIterator() -> Iterator { Iterator(words: words, from: 0) }

    /// The members from `ordinal` on, ascending.
    func members(from ordinal: Int) -> IteratorSequence<Iterator> { IteratorSequence(Iterator(words: words, from: Swift.max(ordinal, 0))) }

    struct Iterator: IteratorProtocol {
        let words: [UInt]
        var word: Int
        var bits: UInt

        init(words: [UInt], from ordinal: Int) {
            self.words = words
            word = ordinal / UInt.bitWidth
            bits = word < words.count ? words[word] & (UInt.max << UInt(ordinal % UInt.bitWidth)) : 0
        }

        mutating func next() -> Int? {
            while bits == 0 {
                word += 1
                guard word < words.count else { return nil }
                bits = words[word]
            }
            let bit = bits.trailingZeroBitCount
            bits &= bits &- 1
            return word * UInt.bitWidth + bit
        }
    }
}
