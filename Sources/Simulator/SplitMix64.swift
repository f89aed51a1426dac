import Foundation

/// A small, fast, seedable generator: each message gets its own, derived from the seed and the
/// message's identity, so outcomes do not depend on the order in which sends arrive.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// A generator for one message: the seed mixed with an FNV-1a hash of the identifying parts.
    init(seed: UInt64, parts: [String]) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in parts {
            for byte in part.utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
            hash = (hash ^ 0xff) &* 0x0000_0100_0000_01b3  // separator, so ("ab","c") ≠ ("a","bc")
        }
        var mixer = SplitMix64(seed: seed ^ hash)
        state = mixer.next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `rate`.
    mutating func chance(_ rate: Double) -> Bool {
        unit() < rate
    }

    /// Exponentially distributed with the given mean, capped at ten means so no event hangs for long.
    mutating func exponential(mean: Double) -> Double {
        guard mean > 0 else { return 0 }
        return min(-mean * log(1 - unit()), mean * 10)
    }
}
