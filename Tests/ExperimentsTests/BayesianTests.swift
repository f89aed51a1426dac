import Experiments
import Testing

@Suite("Beta-Binomial probabilities and expected loss")
struct BayesianTests {
    @Test("A 49/100 vs B 51/100 under Beta(1,1): P(B > A) = 0.61077, loss of A 0.038724, loss of B 0.019116")
    func twoArms() {
        let a = BetaPosterior(successes: 49, failures: 51)
        let b = BetaPosterior(successes: 51, failures: 49)
        #expect(abs(BetaBinomial.probability(b, beats: a) - 0.61077) < 5e-6)
        #expect(abs(BetaBinomial.expectedLoss(choosing: a, over: b) - 0.038724) < 5e-7)
        #expect(abs(BetaBinomial.expectedLoss(choosing: b, over: a) - 0.019116) < 5e-7)
    }

    @Test("test 100/10 vs control 100/18: P(test best) 0.91834, expected loss 0.001647")
    func testVersusControl() {
        let control = BetaPosterior(successes: 100, failures: 18)
        let test = BetaPosterior(successes: 100, failures: 10)
        #expect(abs(BetaBinomial.probability(test, beats: control) - 0.91834) < 5e-6)
        #expect(abs(BetaBinomial.expectedLoss(choosing: test, over: control) - 0.001647) < 5e-7)
    }

    @Test("the exact probability is symmetric and does not depend on which arm is summed over")
    func symmetric() {
        let a = BetaPosterior(successes: 3_000, failures: 7_000)
        let b = BetaPosterior(successes: 12, failures: 30)
        let forward = BetaBinomial.probability(a, beats: b)
        let backward = BetaBinomial.probability(b, beats: a)
        #expect(abs(forward + backward - 1) < 1e-9)
    }

    @Test("three arms, control 100/18, t1 100/10, t2 100/3: P(best) about [0, 0.033, 0.967]")
    func threeArms() {
        let arms = [
            BetaPosterior(successes: 100, failures: 18), BetaPosterior(successes: 100, failures: 10), BetaPosterior(successes: 100, failures: 3),
        ]
        let result = BetaBinomial.monteCarlo(arms, draws: 40_000, seed: 11)
        // Monte Carlo standard error at 40k draws is about 0.0009 for 0.033.
        #expect(result.probabilityBest[0] < 0.002)
        #expect(abs(result.probabilityBest[1] - 0.033) < 0.004)
        #expect(abs(result.probabilityBest[2] - 0.967) < 0.004)
        #expect(abs(result.probabilityBest.reduce(0, +) - 1) < 1e-9)
    }

    @Test("with two arms the Monte Carlo agrees with the exact sums")
    func monteCarloAgrees() {
        let control = BetaPosterior(successes: 100, failures: 18)
        let test = BetaPosterior(successes: 100, failures: 10)
        let result = BetaBinomial.monteCarlo([control, test], draws: 40_000, seed: 3)
        #expect(abs(result.probabilityBest[1] - 0.91834) < 0.006)
        #expect(abs(result.expectedLoss[1] - 0.001647) < 0.0002)
    }

    @Test("the same seed gives the same answer")
    func reproducible() {
        let arms = [
            BetaPosterior(successes: 10, failures: 90), BetaPosterior(successes: 12, failures: 88), BetaPosterior(successes: 9, failures: 91),
        ]
        #expect(BetaBinomial.monteCarlo(arms, draws: 10_000, seed: 42) == BetaBinomial.monteCarlo(arms, draws: 10_000, seed: 42))
    }

    @Test("the Beta sampler has the right mean and variance")
    func sampler() {
        var generator = SeededGenerator(seed: 7)
        let n = 50_000
        var sum = 0.0
        var sumOfSquares = 0.0
        for _ in 0..<n {
            let x = generator.nextBeta(alpha: 2.5, beta: 0.7)
            sum += x
            sumOfSquares += x * x
        }
        let mean = sum / Double(n)
        let variance = sumOfSquares / Double(n) - mean * mean
        // Beta(2.5, 0.7): mean 0.78125, variance 0.0401...
        #expect(abs(mean - 2.5 / 3.2) < 0.003)
        #expect(abs(variance - 2.5 * 0.7 / (3.2 * 3.2 * 4.2)) < 0.002)
    }
}
