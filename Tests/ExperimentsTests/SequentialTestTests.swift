import Experiments
import Testing

@Suite("Always-valid sequential tests")
struct SequentialTestTests {
    let control = Proportion(successes: 500, trials: 10_000)

    @Test("mSPRT with tau² = 1e-4: 500/10,000 vs 600/10,000 gives Lambda 23.99 and p 0.0417")
    func mixtureSignificant() {
        let lambda = SequentialTest.likelihoodRatio(
            control: control, treatment: .init(successes: 600, trials: 10_000), method: .mixtureSPRT(tau2: 1e-4))
        #expect(abs(lambda - 23.99) < 0.005)
        var p = AlwaysValidPValue()
        p.update(likelihoodRatio: lambda)
        #expect(abs(p.value - 0.0417) < 0.00005)
        #expect(p.isSignificant(alpha: 0.05))
    }

    @Test("mSPRT with tau² = 1e-4: 500/10,000 vs 560/10,000 gives Lambda 1.54 and p 0.649")
    func mixtureNotSignificant() {
        let lambda = SequentialTest.likelihoodRatio(
            control: control, treatment: .init(successes: 560, trials: 10_000), method: .mixtureSPRT(tau2: 1e-4))
        #expect(abs(lambda - 1.54) < 0.005)
        var p = AlwaysValidPValue()
        p.update(likelihoodRatio: lambda)
        #expect(abs(p.value - 0.649) < 0.0005)
        #expect(!p.isSignificant(alpha: 0.05))
    }

    @Test("the always-valid p-value keeps its smallest value over looks")
    func accumulates() {
        var p = AlwaysValidPValue()
        p.update(likelihoodRatio: 23.99)
        p.update(likelihoodRatio: 1.54)
        #expect(abs(p.value - 1 / 23.99) < 1e-12)
        p.update(likelihoodRatio: 0.2)
        #expect(abs(p.value - 1 / 23.99) < 1e-12)
        var fresh = AlwaysValidPValue()
        fresh.update(likelihoodRatio: 0.5)
        #expect(fresh.value == 1)
    }

    @Test("the confidence sequence's rho for alpha .05 and N* = 5,000 is 0.039840")
    func rho() {
        #expect(abs(SequentialTest.rho(alpha: 0.05, plannedTotal: 5_000) - 0.039840) < 5e-7)
    }

    @Test("the confidence sequence's half-width follows its formula and agrees with the mSPRT at tau² = 2 rho² V")
    func confidenceSequence() {
        let treatment = Proportion(successes: 600, trials: 10_000)
        let method = SequentialMethod.confidenceSequence(plannedTotal: 5_000)
        // se · sqrt(N) · sqrt(2(N rho² + 1) / (N² rho²) · ln(sqrt(N rho² + 1) / alpha)), evaluated in Python.
        let halfWidth = SequentialTest.halfWidth(control: control, treatment: treatment, method: method, alpha: 0.05)
        #expect(abs(halfWidth - 0.010079790543206717) < 1e-12)
        let lambda = SequentialTest.likelihoodRatio(control: control, treatment: treatment, method: method)
        #expect(abs(lambda - 18.559560015734675) < 1e-9)
        // The interval contains 0 exactly when Lambda is below 1/alpha: one test, two views.
        #expect(halfWidth > treatment.rate - control.rate && lambda < 20)
    }

    @Test("the interval and the likelihood ratio agree at the boundary for the fixed mixture too")
    func mixtureInterval() {
        let treatment = Proportion(successes: 600, trials: 10_000)
        let method = SequentialMethod.mixtureSPRT(tau2: 1e-4)
        let halfWidth = SequentialTest.halfWidth(control: control, treatment: treatment, method: method, alpha: 1 / 23.99)
        #expect(abs(halfWidth - 0.01) < 1e-5)
    }

    @Test("arms with no variance carry no evidence")
    func degenerate() {
        let none = Proportion(successes: 0, trials: 200)
        #expect(SequentialTest.likelihoodRatio(control: none, treatment: none, method: .mixtureSPRT(tau2: 1e-4)) == 1)
        #expect(SequentialTest.likelihoodRatio(control: none, treatment: none, method: .confidenceSequence(plannedTotal: 5_000)) == 1)
    }
}
