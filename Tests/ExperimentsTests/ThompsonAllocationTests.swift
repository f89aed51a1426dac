import Experiments
import Testing

@Suite("Thompson-sampling allocation in batches")
struct ThompsonAllocationTests {
    @Test("equal arms get about equal shares")
    func equalArms() {
        let arms = Array(repeating: ThompsonAllocation.Arm(exposed: 500, successes: 50), count: 3)
        let shares = ThompsonAllocation.shares(arms, seed: 1)
        for share in shares { #expect(abs(share - 1.0 / 3) < 0.02) }
        #expect(abs(shares.reduce(0, +) - 1) < 1e-9)
        #expect(ThompsonAllocation.allocate(batch: 300, arms: arms, seed: 1).allSatisfy { abs($0 - 100) <= 6 })
    }

    @Test("no evidence yet: every arm about a third")
    func noEvidence() {
        let arms = Array(repeating: ThompsonAllocation.Arm(exposed: 0, successes: 0), count: 3)
        for share in ThompsonAllocation.shares(arms, seed: 9) { #expect(abs(share - 1.0 / 3) < 0.02) }
    }

    @Test("a clearly best arm (0.30 vs 0.10 and 0.12 of 200) gets 80 % and the others the 10 % floor")
    func clearlyBest() {
        let arms = [
            ThompsonAllocation.Arm(exposed: 200, successes: 20), ThompsonAllocation.Arm(exposed: 200, successes: 60),
            ThompsonAllocation.Arm(exposed: 200, successes: 24),
        ]
        let shares = ThompsonAllocation.shares(arms, seed: 5)
        #expect(abs(shares[1] - 0.80) < 1e-9)
        #expect(abs(shares[0] - 0.10) < 1e-9 && abs(shares[2] - 0.10) < 1e-9)
        #expect(ThompsonAllocation.allocate(batch: 200, arms: arms, seed: 5) == [20, 160, 20])
    }

    @Test("a leader among close arms gets most, yet every arm keeps at least the floor")
    func leaderWithFloor() {
        // 0.10, 0.15 and 0.127 of 300: the second leads, the third is its only rival.
        let arms = [
            ThompsonAllocation.Arm(exposed: 300, successes: 30), ThompsonAllocation.Arm(exposed: 300, successes: 45),
            ThompsonAllocation.Arm(exposed: 300, successes: 38),
        ]
        let shares = ThompsonAllocation.shares(arms, floor: 0.15, seed: 2)
        #expect(shares[1] > 0.5)
        #expect(shares[1] > shares[2] && shares[2] >= shares[0])
        #expect(shares.allSatisfy { $0 >= 0.15 - 1e-9 })
        #expect(abs(shares.reduce(0, +) - 1) < 1e-9)
        let counts = ThompsonAllocation.allocate(batch: 1_000, arms: arms, floor: 0.15, seed: 2)
        #expect(counts.reduce(0, +) == 1_000 && counts.allSatisfy { $0 >= 150 })
    }

    @Test("the same seed gives the same allocation")
    func reproducible() {
        let arms = [
            ThompsonAllocation.Arm(exposed: 80, successes: 9), ThompsonAllocation.Arm(exposed: 80, successes: 12),
            ThompsonAllocation.Arm(exposed: 80, successes: 7), ThompsonAllocation.Arm(exposed: 80, successes: 10),
        ]
        #expect(ThompsonAllocation.shares(arms, seed: 77) == ThompsonAllocation.shares(arms, seed: 77))
        #expect(ThompsonAllocation.allocate(batch: 123, arms: arms, seed: 77) == ThompsonAllocation.allocate(batch: 123, arms: arms, seed: 77))
    }

    @Test("largest remainder: 7 split 1/3 each is 3/2/2, 10 by 0.5/0.25/0.25 is 5/3/2, an empty batch is zeros")
    func splits() {
        #expect(ThompsonAllocation.split(batch: 7, shares: [1.0 / 3, 1.0 / 3, 1.0 / 3]) == [3, 2, 2])
        #expect(ThompsonAllocation.split(batch: 10, shares: [0.5, 0.25, 0.25]) == [5, 3, 2])
        #expect(ThompsonAllocation.split(batch: 0, shares: [0.2, 0.8, 0]) == [0, 0, 0])
        #expect(ThompsonAllocation.split(batch: 11, shares: [0.1, 0.8, 0.1]).reduce(0, +) == 11)
    }
}
