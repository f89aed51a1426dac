import BitCollections
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
    case bits(BitSet)
    /// A test of one contact by ordinal; `cost` orders an AND's children (column tests 1, activity 10).
    case test(cost: Int, @Sendable (Int) -> Bool)
    case and([AudiencePlan])
    case or([AudiencePlan])
    case not(AudiencePlan)

    var cost: Int {
        switch self {
        case .constant, .bits: 0
        case .test(let cost, _): cost
        case .and(let children), .or(let children): children.reduce(0) { $0 + $1.cost }
        case .not(let child): child.cost
        }
    }

    /// The contacts of `mask` the plan selects.
    func evaluate(_ mask: BitSet, contacts: Int) -> BitSet {
        if mask.isEmpty { return mask }
        switch self {
        case .constant(let value): return value ? mask : BitSet()
        case .bits(let bits): return mask.intersection(bits)
        case .test(_, let test): return Self.scan(mask, contacts: contacts, test)
        case .and(let children):
            var kept = mask
            for child in children.sorted(by: { $0.cost < $1.cost }) {
                kept = child.evaluate(kept, contacts: contacts)
                if kept.isEmpty { break }
            }
            return kept
        case .or(let children):
            var found = BitSet(), remaining = mask
            for child in children.sorted(by: { $0.cost < $1.cost }) {
                let more = child.evaluate(remaining, contacts: contacts)
                found.formUnion(more)
                remaining.subtract(more)
                if remaining.isEmpty { break }
            }
            return found
        case .not(let child): return mask.subtracting(child.evaluate(mask, contacts: contacts))
        }
    }

    /// Contacts per parallel slice: word-aligned, so each slice writes its own words.
    static let sliceSize = 1 << 16

    /// Tests the members of `mask` in slices run on every core, writing the result's words directly.
    static func scan(_ mask: BitSet, contacts: Int, _ test: @escaping @Sendable (Int) -> Bool) -> BitSet {
        let wordCount = (contacts + UInt.bitWidth - 1) / UInt.bitWidth
        let slices = (contacts + sliceSize - 1) / sliceSize
        let words = UnsafeMutableBufferPointer<UInt>.allocate(capacity: max(wordCount, 1))
        words.initialize(repeating: 0)
        defer { words.deallocate() }
        let output = WordsPointer(words)
        let work: @Sendable (Int) -> Void = { slice in
            let range = (slice * sliceSize)..<min(contacts, (slice + 1) * sliceSize)
            for ordinal in mask[members: range] where test(ordinal) {
                output.base[ordinal / UInt.bitWidth] |= 1 << UInt(ordinal % UInt.bitWidth)
            }
        }
        if slices <= 1 {
            if slices == 1 { work(0) }
        } else {
            DispatchQueue.concurrentPerform(iterations: slices, execute: work)
        }
        return BitSet(words: words)
    }
}

/// Each slice writes only its own words, so sharing the buffer across threads is safe.
private struct WordsPointer: @unchecked Sendable {
    let base: UnsafeMutableBufferPointer<UInt>
    init(_ base: UnsafeMutableBufferPointer<UInt>) { self.base = base }
}
