import Testing

@testable import WhatsApp

@Suite("Retry delays")
struct BackoffTests {
    @Test("the delay doubles per attempt and lies between half the ceiling and the ceiling")
    func exponentialWithJitter() {
        #expect(Backoff.delay(attempt: 0, random: 0) == 0.5)
        #expect(Backoff.delay(attempt: 0, random: 0.999) > 0.99)
        #expect(Backoff.delay(attempt: 3, random: 0) == 4)
        #expect(Backoff.delay(attempt: 3, random: 0.5) == 6)
        #expect(Backoff.delay(attempt: 4, base: 2, random: 0) == 16)
    }

    @Test("the delay never exceeds the cap, however many attempts")
    func capped() {
        #expect(Backoff.delay(attempt: 20, random: 0.999) <= 300)
        #expect(Backoff.delay(attempt: 10_000, random: 1) == 300)
        #expect(Backoff.delay(attempt: -3, random: 0) == 0.5)
    }

    @Test("the random delay stays within its bounds")
    func randomBounds() {
        for attempt in 0..<12 {
            let delay = Backoff.delay(attempt: attempt)
            #expect(delay > 0 && delay <= 300)
        }
    }

    @Test("the pair-rate delay is 4^n seconds, capped")
    func pairRate() {
        #expect(Backoff.pairRateDelay(attempt: 1) == 4)
        #expect(Backoff.pairRateDelay(attempt: 2) == 16)
        #expect(Backoff.pairRateDelay(attempt: 3) == 64)
        #expect(Backoff.pairRateDelay(attempt: 20) == 3_600)
        #expect(Backoff.pairRateDelay(attempt: 6, cap: 10_000) == 4_096)
    }
}
