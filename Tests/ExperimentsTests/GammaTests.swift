import Experiments
import Testing

@Suite("Gamma functions and the chi-square tail")
struct GammaTests {
    // Expected values from scipy.special.gammaincc and scipy.stats.chi2.sf.
    @Test(
        "the regularized upper incomplete gamma matches scipy",
        arguments: [(0.5, 0.1, 0.6547208460185768), (3.0, 2.0, 0.6766764161830634), (10.5, 30.0, 1.2771688265162126e-05)]
    )
    func upperGamma(_ a: Double, _ x: Double, _ expected: Double) {
        #expect(abs(GammaFunction.regularizedUpper(a, x) / expected - 1) < 1e-9)
    }

    @Test(
        "chi-square tails at the familiar critical values",
        arguments: [
            (3.841459, 1, 0.04999999465319563), (5.991465, 2, 0.04999998867770084), (13.815511, 2, 0.0009999997789821612),
            (25.0, 3, 1.5440498291101365e-05), (2.0, 1, 0.15729920705028105),
        ]
    )
    func chiSquare(_ x: Double, _ df: Int, _ expected: Double) {
        #expect(abs(GammaFunction.chiSquareSurvival(x, degreesOfFreedom: df) / expected - 1) < 1e-8)
    }

    @Test("log-gamma of integers is the log factorial")
    func logGamma() {
        #expect(abs(GammaFunction.logGamma(11) - 15.104412573075516) < 1e-12)
        #expect(abs(GammaFunction.logBeta(2, 3) - (-2.4849066497880004)) < 1e-12)
    }
}
