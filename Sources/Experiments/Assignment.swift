import Foundation

/// Which contacts of a frozen audience are in the test, and in which variation.
///
/// Every contact gets a pseudo-random ``bucket(testID:contactID:)``; sorted by bucket (then contact id), the first
/// ``ArmSizes/testAudience`` ranks are the test audience, cut into the arms in position order, and the rest is the
/// remaining audience. Sorting by a random key and cutting gives an exact, uniformly random sample of the planned size
/// (not a binomial count), and anyone can recompute it from the stored rows.
public enum Assignment {
    /// The bucket of a contact in a test: a 63-bit number, so it sorts the same as a signed 64-bit database column.
    ///
    /// The algorithm is fixed forever (stored assignments are checked against it; golden values in the tests):
    /// h = 0x4865_7261_6C64_4142 ("HeraldAB"); for each of the four 64-bit words w of the test id's then the contact id's
    /// 16 bytes, each read big-endian, h = mix((h xor w) + 0x9E37_79B9_7F4A_7C15) with wrapping arithmetic; the bucket is
    /// h >> 1. `mix` is SplitMix64's finaliser: z = (z xor z >> 30) × 0xBF58_476D_1CE4_E5B9, z = (z xor z >> 27) ×
    /// 0x94D0_49BB_1331_11EB, z xor z >> 31. Time-ordered ids share their leading bytes, so every word goes through the
    /// full mixer rather than being truncated. Not cryptographic: nobody gains by predicting their own bucket.
    public static func bucket(testID: UUID, contactID: UUID) -> Int64 {
        var h: UInt64 = 0x4865_7261_6C64_4142
        for word in words(testID) + words(contactID) {
            h = mix((h ^ word) &+ 0x9E37_79B9_7F4A_7C15)
        }
        return Int64(bitPattern: h >> 1)
    }

    /// The arm sizes for an audience of `audience` contacts: the test audience is `audience × testPercentage / 100`
    /// rounded half up, and arm k gets `testAudience × shares[k] / 100` rounded by largest remainder (ties to the lower
    /// position), so the arms add up to the test audience exactly. `shares` are whole percents adding up to 100.
    public static func armSizes(audience: Int, testPercentage: Int, shares: [Int]) -> ArmSizes {
        precondition(audience >= 0 && (1...100).contains(testPercentage))
        precondition(!shares.isEmpty && shares.allSatisfy { $0 >= 1 } && shares.reduce(0, +) == 100, "shares are percents adding up to 100")
        let testAudience = (audience * testPercentage + 50) / 100
        var arms = shares.map { testAudience * $0 / 100 }
        let left = testAudience - arms.reduce(0, +)
        let byRemainder = shares.indices.sorted { a, b in
            let (ra, rb) = (testAudience * shares[a] % 100, testAudience * shares[b] % 100)
            return ra != rb ? ra > rb : a < b
        }
        for arm in byRemainder.prefix(left) { arms[arm] += 1 }
        return ArmSizes(audience: audience, testAudience: testAudience, arms: arms)
    }

    /// 100 split as evenly as whole percents allow, the extra points to the first variations: 34/33/33.
    public static func equalShares(count: Int) -> [Int] {
        precondition(count >= 1 && count <= 100)
        return (0..<count).map { 100 / count + ($0 < 100 % count ? 1 : 0) }
    }

    static func words(_ id: UUID) -> [UInt64] {
        withUnsafeBytes(of: id.uuid) { bytes in
            [0, 8].map { start in bytes[start..<start + 8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        }
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// How a frozen audience divides: the test audience by variation, and the remaining audience.
public struct ArmSizes: Sendable, Hashable {
    public let audience: Int
    public let testAudience: Int
    /// Contacts per variation, by position (0 is the control).
    public let arms: [Int]

    public var remaining: Int { audience - testAudience }

    /// The variation (position) of the contact at `rank` in bucket order, or nil for the remaining audience.
    public func arm(ofRank rank: Int) -> Int? {
        var end = 0
        for (position, size) in arms.enumerated() {
            end += size
            if rank < end { return position }
        }
        return nil
    }
}
