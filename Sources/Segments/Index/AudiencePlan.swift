import Dispatch
import Foundation

/// A rule tree compiled against one ``AudienceSnapshot``: bit sets where the index keeps them (tags, list items),
/// per-contact tests elsewhere, combined with whole-set AND, OR and NOT.
///
/// Evaluation narrows as it goes: the children of an AND are run cheapest first, each only over the contacts the
/// previous ones kept, and each child of an OR only over the contacts not already in. A result is always a subset of
/// the mask it was given, so `NOT x` under a mask is the mask less `x`.
indirect enum AudiencePlan: Sendable {
    case constant(Bool)
    case bits(OrdinalSet)
    /// A test of one contact by ordinal; `cost` orders an AND's children (column tests 1, rows ``rowCost``).
    case test(cost: Int, @Sendable (Int) -> Bool)
    case and([AudiencePlan])
    case or([AudiencePlan])
    case not(AudiencePlan)

    /// AND of `children`, with nested ANDs merged into it so that all their children are ordered together.
    static func all(_ children: [AudiencePlan]) -> AudiencePlan {
        if children.isEmpty { return .constant(true) }
        return .and(children.flatMap { child -> [AudiencePlan] in if case .and(let inner) = child { inner } else { [child] } })
    }

    /// OR of `children`, with nested ORs merged into it: a cheap test inside a nested OR then runs before an expensive
    /// one beside it.
    static func any(_ children: [AudiencePlan]) -> AudiencePlan {
        if children.isEmpty { return .constant(false) }
        return .or(children.flatMap { child -> [AudiencePlan] in if case .or(let inner) = child { inner } else { [child] } })
    }

    var cost: Int {
        switch self {
        case .constant, .bits: 0
        case .test(let cost, _): cost
        case .and(let children), .or(let children): children.reduce(0) { $0 + $1.cost }
        case .not(let child): child.cost
        }
    }

    /// The contacts of `mask` the plan selects.
    func evaluate(_ mask: OrdinalSet, contacts: Int, tuning: IndexTuning = .standard) -> OrdinalSet {
        if mask.isEmpty { return mask }
        switch self {
        case .constant(let value): return value ? mask : OrdinalSet()
        case .bits(let bits): return mask.intersection(bits)
        case .test(_, let test): return Self.scan(mask, tuning: tuning, test)
        case .and(let children):
            var kept = mask
            for child in Self.ordered(children, in: mask, contacts: contacts, tuning: tuning, wanting: false) {
                kept = child.evaluate(kept, contacts: contacts, tuning: tuning)
                if kept.isEmpty { break }
            }
            return kept
        case .or(let children):
            var found = OrdinalSet(), remaining = mask
            for child in Self.ordered(children, in: mask, contacts: contacts, tuning: tuning, wanting: true) {
                let more = child.evaluate(remaining, contacts: contacts, tuning: tuning)
                found.formUnion(more)
                remaining.subtract(more)
                if remaining.isEmpty { break }
            }
            return found
        case .not(let child): return mask.subtracting(child.evaluate(mask, contacts: contacts, tuning: tuning))
        }
    }

    /// The cost of a per-contact test that reads a contact's orders or events; cheaper ones read one column.
    static let rowCost = 10

    /// The order to run an AND's children in (`wanting` false: those that drop the most contacts for their time first)
    /// or an OR's (`wanting` true: those that find the most first). Cheaper children come first, by cost. When two
    /// or more children read rows, and the mask is large, each of those is timed on a sample of the mask: a test of
    /// the last 90 days' orders that almost nobody passes should run before a score test that almost everybody
    /// passes, and their costs alone cannot tell. The order changes only the time, never the result.
    static func ordered(_ children: [AudiencePlan], in mask: OrdinalSet, contacts: Int, tuning: IndexTuning, wanting: Bool) -> [AudiencePlan] {
        let byCost = children.enumerated().sorted { ($0.element.cost, $0.offset) < ($1.element.cost, $1.offset) }.map(\.element)
        let split = byCost.firstIndex { $0.cost >= rowCost } ?? byCost.count
        guard byCost.count - split >= 2, mask.count > tuning.smallMask else { return byCost }
        let sample = sample(of: mask, contacts: contacts, size: tuning.sampleSize)
        let sampled = sample.count
        let clock = ContinuousClock()
        let ranked = byCost[split...].map { child -> (plan: AudiencePlan, score: Double) in
            let started = clock.now
            let passed = child.evaluate(sample, contacts: contacts, tuning: tuning).count
            let elapsed = clock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let useful = wanting ? passed : sampled - passed
            return (child, seconds / Double(useful + 1))
        }
        return Array(byCost[..<split]) + ranked.sorted { $0.score < $1.score }.map(\.plan)
    }

    /// Up to `size` members of `mask`, from the middle of the ordinals on (ordinals follow ids, which carry no
    /// meaning), then from the start if that is too few.
    static func sample(of mask: OrdinalSet, contacts: Int, size: Int) -> OrdinalSet {
        let middle = contacts / 2
        var picked = Array(mask.members(from: middle).prefix(size))
        for ordinal in mask {
            if ordinal >= middle || picked.count >= size { break }
            picked.append(ordinal)
        }
        return OrdinalSet(picked)
    }

    /// Tests the members of `mask` 64 at a time from its words, in slices run on every core, each writing its own
    /// words of the result. A small mask (one contact's membership, a sample) is tested on the caller's thread.
    static func scan(_ mask: OrdinalSet, tuning: IndexTuning, _ test: @escaping @Sendable (Int) -> Bool) -> OrdinalSet {
        if mask.count <= tuning.smallMask {
            var found = OrdinalSet()
            for ordinal in mask where test(ordinal) { found.insert(ordinal) }
            return found
        }
        let maskWords = mask.words
        let wordCount = maskWords.count
        let sliceWords = tuning.sliceSize / UInt.bitWidth
        let slices = (wordCount + sliceWords - 1) / sliceWords
        let words = [UInt](unsafeUninitializedCapacity: wordCount) { buffer, initialized in
            let output = WordsPointer(buffer)
            let work: @Sendable (Int) -> Void = { slice in
                for word in (slice * sliceWords)..<min(wordCount, (slice + 1) * sliceWords) {
                    var bits = maskWords[word], passed: UInt = 0
                    while bits != 0 {
                        let bit = bits.trailingZeroBitCount
                        bits &= bits &- 1
                        if test(word * UInt.bitWidth + bit) { passed |= 1 << UInt(bit) }
                    }
                    output.base[word] = passed
                }
            }
            if slices <= 1 {
                if slices == 1 { work(0) }
            } else {
                DispatchQueue.concurrentPerform(iterations: slices, execute: work)
            }
            initialized = wordCount
        }
        return OrdinalSet(words: words)
    }
}

/// Sizes that decide how a plan is evaluated, never what it selects. Tests set small ones, so that a few hundred
/// contacts take the paths a million do (parallel slices, samples).
public struct IndexTuning: Sendable {
    /// Members of a mask up to which a scan runs on the caller's thread and an AND or OR does not sample its children.
    public var smallMask: Int
    /// Contacts a sample tests.
    public var sampleSize: Int
    /// Contacts per parallel slice; a multiple of 64, so that each slice writes whole words of its own.
    public var sliceSize: Int

    public static let standard = IndexTuning(smallMask: 4_096, sampleSize: 1_024, sliceSize: 1 << 16)

    public init(smallMask: Int, sampleSize: Int, sliceSize: Int) {
        precondition(sliceSize > 0 && sliceSize % UInt.bitWidth == 0, "a slice is whole words")
        self.smallMask = smallMask
        self.sampleSize = sampleSize
        self.sliceSize = sliceSize
    }
}

/// Each slice writes only its own words, so sharing the buffer across threads is safe.
private struct WordsPointer: @unchecked Sendable {
    let base: UnsafeMutableBufferPointer<UInt>
    init(_ base: UnsafeMutableBufferPointer<UInt>) { self.base = base }
}
