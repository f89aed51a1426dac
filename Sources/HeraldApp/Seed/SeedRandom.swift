import Foundation

/// A small, fast, fully deterministic random source (SplitMix64) for generated demo data.
///
/// Every draw is defined here rather than through the standard library's `random(in:using:)`,
/// whose algorithms may change between Swift releases, so a seed keeps producing the same data.
struct SeedRandom: Sendable {
    private var state: UInt64

    init(_ seed: UInt64) { state = seed }

    /// A generator for one numbered stream (a contact, the catalog…) under a key.
    init(key: UInt64, stream: UInt64) { state = Self.mix(key ^ Self.mix(stream &+ 0x632B_E59B_D9B4_E019)) }

    /// SplitMix64's finalizer: a bijective scramble of 64 bits.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// FNV-1a over the UTF-8 bytes of a string, for keying streams by names.
    static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in 0..<bound (bound > 0).
    mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// Uniform in the closed range.
    mutating func between(_ low: Int, _ high: Int) -> Int { low + below(high - low + 1) }

    /// Uniform in [low, high).
    mutating func between(_ low: Double, _ high: Double) -> Double { low + (high - low) * unit() }

    mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// Exponential with the given mean.
    mutating func exponential(mean: Double) -> Double { -mean * log(1 - unit()) }

    /// Standard normal (Box–Muller, one value per call).
    mutating func normal() -> Double {
        let u1 = max(unit(), 0x1p-53), u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Pareto with minimum 1 and tail index `alpha` (smaller alpha: heavier tail).
    mutating func pareto(alpha: Double) -> Double { pow(1 - unit(), -1 / alpha) }

    /// Poisson with the given mean (Knuth below 30, a rounded normal above).
    mutating func poisson(mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        if mean > 30 { return max(0, Int((mean + mean.squareRoot() * normal()).rounded())) }
        let limit = exp(-mean)
        var count = 0
        var product = unit()
        while product > limit {
            count += 1
            product *= unit()
        }
        return count
    }
}

/// Picks among items by integer weights in O(log n).
struct WeightedTable<Item: Sendable>: Sendable {
    let items: [Item]
    private let cumulative: [Int]

    init(_ pairs: [(Item, Int)]) {
        items = pairs.map(\.0)
        var running = 0
        cumulative = pairs.map { running += $0.1; return running }
    }

    func pick(_ random: inout SeedRandom) -> Item {
        let target = random.below(cumulative.last!)
        var low = 0, high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] > target { high = mid } else { low = mid + 1 }
        }
        return items[low]
    }
}
