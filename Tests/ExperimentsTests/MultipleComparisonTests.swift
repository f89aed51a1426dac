import Experiments
import Testing

@Suite("Multiple comparisons and sample-ratio mismatch")
struct MultipleComparisonTests {
    @Test("Holm: [0.01, 0.04, 0.03, 0.005, 0.55, 0.6] -> [0.05, 0.12, 0.12, 0.03, 1, 1]")
    func holm() {
        let adjusted = MultipleComparisons.holm([0.01, 0.04, 0.03, 0.005, 0.55, 0.6])
        let expected = [0.05, 0.12, 0.12, 0.03, 1, 1]
        #expect(adjusted.count == expected.count)
        for (a, e) in zip(adjusted, expected) { #expect(abs(a - e) < 1e-12) }
        #expect(MultipleComparisons.holm([0.2]) == [0.2])
    }

    @Test(
        "Dunnett and Bonferroni two-sided critical z for 2 to 5 treatments",
        arguments: [(2, 2.212, 2.241), (3, 2.349, 2.394), (4, 2.442, 2.498), (5, 2.511, 2.576)]
    )
    func criticalValues(_ treatments: Int, _ dunnett: Double, _ bonferroni: Double) {
        #expect(abs(MultipleComparisons.dunnettCriticalZ(treatments: treatments, alpha: 0.05) - dunnett) < 0.0005)
        #expect(abs(MultipleComparisons.bonferroniCriticalZ(comparisons: treatments, alpha: 0.05) - bonferroni) < 0.0005)
    }

    @Test("one treatment needs no correction")
    func single() {
        #expect(abs(MultipleComparisons.dunnettCriticalZ(treatments: 1, alpha: 0.05) - 1.959964) < 1e-5)
    }

    @Test("a 5,000 / 5,300 split planned 50/50 is a sample-ratio mismatch at p 0.0031")
    func srmTwoArms() {
        let check = SampleRatioCheck(observed: [5_000, 5_300], expectedShares: [0.5, 0.5])
        #expect(abs(check.pValue - 0.003116693839866867) < 1e-9)
        #expect(!check.isMismatch(threshold: 0.001))
        #expect(SampleRatioCheck(observed: [5_000, 5_000], expectedShares: [0.5, 0.5]).pValue == 1)
    }

    @Test("three arms planned 30/30/40 and served 1,000/980/1,100 fail the check")
    func srmThreeArms() {
        let check = SampleRatioCheck(observed: [1_000, 980, 1_100], expectedShares: [0.3, 0.3, 0.4])
        #expect(abs(check.statistic - 23.78787878787879) < 1e-9)
        #expect(abs(check.pValue - 6.831683737224144e-06) < 1e-12)
        #expect(check.isMismatch(threshold: 0.001))
    }
}
