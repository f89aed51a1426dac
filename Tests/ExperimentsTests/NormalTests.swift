import Experiments
import Testing

@Suite("Normal distribution")
struct NormalTests {
    // Expected values from scipy.stats.norm (double precision).
    @Test(
        "the CDF matches reference values to 1e-12",
        arguments: [
            (-3.0, 0.0013498980316300933), (-1.5, 0.06680720126885807), (0.0, 0.5), (0.5, 0.6914624612740131),
            (1.959963984540054, 0.975), (6.0, 0.9999999990134123),
        ]
    )
    func cdf(_ x: Double, _ expected: Double) {
        #expect(abs(Normal.cdf(x) - expected) < 1e-12)
    }

    @Test("the upper tail keeps its precision far out")
    func tail() {
        #expect(abs(Normal.survival(8) / 6.22096057427174e-16 - 1) < 1e-9)
    }

    @Test(
        "the quantile matches reference values to 1e-9",
        arguments: [
            (1e-10, -6.361340902404056), (0.001, -3.090232306167813), (0.025, -1.9599639845400545), (0.3, -0.5244005127080409),
            (0.5, 0.0), (0.975, 1.959963984540054), (0.999, 3.090232306167813),
        ]
    )
    func quantile(_ p: Double, _ expected: Double) {
        #expect(abs(Normal.quantile(p) - expected) < 1e-9)
    }

    @Test("the quantile inverts the CDF across the range")
    func roundTrip() {
        for i in 1..<1000 {
            let p = Double(i) / 1000
            #expect(abs(Normal.cdf(Normal.quantile(p)) - p) < 1e-12)
        }
    }
}
