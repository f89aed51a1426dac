import Foundation

/// Thompson sampling in batches: the next batch of a bandit test goes to each variation in proportion to the chance
/// that it is the best one, with a floor per arm so no variation starves.
///
/// It optimises the outcome (more messages go to the arms that look better) and does not measure the difference: with
/// adaptive shares the always-valid test and the ratio check no longer hold, so a bandit test is decided only at its
/// horizon, by the probability to be best.
public enum ThompsonAllocation {
    /// The default minimum share of every batch per variation.
    public static let defaultFloor = 0.10

    /// One arm's evidence so far: messages that have had their window, and the successes among them.
    public struct Arm: Sendable, Hashable {
        public var exposed: Int
        public var successes: Int

        public init(exposed: Int, successes: Int) {
            precondition(exposed >= 0 && (0...exposed).contains(successes), "successes are among the exposed")
            self.exposed = exposed
            self.successes = successes
        }

        /// Beta(1 + successes, 1 + failures): the uniform prior updated by the counts.
        public var posterior: BetaPosterior { BetaPosterior(successes: successes, failures: exposed - successes) }
    }

    /// The next batch's shares, in arm order, adding up to 1: P(arm is best) by Monte Carlo (reproducible for a seed),
    /// then every share below `floor` raised to it and the others scaled down to make room (repeated until none is
    /// below the floor). `floor × arms` must not exceed 1.
    public static func shares(_ arms: [Arm], floor: Double = defaultFloor, draws: Int = 20_000, seed: UInt64) -> [Double] {
        precondition(!arms.isEmpty && floor >= 0 && floor * Double(arms.count) <= 1 + 1e-12, "the floors must fit in one batch")
        let best = BetaBinomial.monteCarlo(arms.map(\.posterior), draws: draws, seed: seed).probabilityBest
        return raised(best, toFloor: floor)
    }

    /// `shares` (adding up to 1) with every value at least `floor`: floored arms get exactly the floor, the rest share
    /// what is left in proportion to their values.
    static func raised(_ shares: [Double], toFloor floor: Double) -> [Double] {
        var floored = Set<Int>()
        while true {
            let free = shares.indices.filter { !floored.contains($0) }
            let room = 1 - floor * Double(floored.count)
            let freeTotal = free.reduce(0.0) { $0 + shares[$1] }
            var result = [Double](repeating: floor, count: shares.count)
            for index in free {
                result[index] = freeTotal > 0 ? room * shares[index] / freeTotal : room / Double(free.count)
            }
            let below = free.filter { result[$0] < floor - 1e-12 }
            if below.isEmpty { return result }
            floored.formUnion(below)
        }
    }

    /// `batch` contacts split by `shares` into whole counts adding up to `batch`: each arm gets the integer part of its
    /// quota and the rest go one each by largest fractional remainder (ties to the lower position), as ``Assignment``.
    public static func split(batch: Int, shares: [Double]) -> [Int] {
        precondition(batch >= 0 && !shares.isEmpty && shares.allSatisfy { $0 >= 0 })
        let total = shares.reduce(0, +)
        precondition(total > 0)
        let quotas = shares.map { Double(batch) * $0 / total }
        var counts = quotas.map { Int($0.rounded(.down)) }
        let left = batch - counts.reduce(0, +)
        let byRemainder = quotas.indices.sorted { a, b in
            let (ra, rb) = (quotas[a] - Double(counts[a]), quotas[b] - Double(counts[b]))
            return ra != rb ? ra > rb : a < b
        }
        for arm in byRemainder.prefix(left) { counts[arm] += 1 }
        return counts
    }

    /// The next batch in whole contacts per arm: ``shares(_:floor:draws:seed:)`` then ``split(batch:shares:)``.
    public static func allocate(batch: Int, arms: [Arm], floor: Double = defaultFloor, seed: UInt64) -> [Int] {
        split(batch: batch, shares: shares(arms, floor: floor, seed: seed))
    }
}
