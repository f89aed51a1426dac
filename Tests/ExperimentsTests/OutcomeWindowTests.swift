import Experiments
import Foundation
import Testing

@Suite("Delayed outcomes")
struct OutcomeWindowTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let hour: TimeInterval = 3_600

    @Test("a message counts once its window has passed, and only events inside the window are successes")
    func window() {
        let exposures = [
            Exposure(arm: 0, sentAt: start, outcomeTimes: [start.addingTimeInterval(50 * 60)]),
            Exposure(arm: 0, sentAt: start, outcomeTimes: [start.addingTimeInterval(70 * 60)]),
            Exposure(arm: 1, sentAt: start, outcomeTimes: []),
            Exposure(arm: 1, sentAt: start.addingTimeInterval(30 * 60), outcomeTimes: [start.addingTimeInterval(40 * 60)]),
        ]
        let counts = OutcomeWindow.count(exposures, arms: 2, window: hour, now: start.addingTimeInterval(hour))
        #expect(counts == [Proportion(successes: 1, trials: 2), Proportion(successes: 0, trials: 1)])
        let later = OutcomeWindow.count(exposures, arms: 2, window: hour, now: start.addingTimeInterval(2 * hour))
        #expect(later == [Proportion(successes: 1, trials: 2), Proportion(successes: 1, trials: 2)])
    }

    @Test("several events count once, and an event stamped just before the send (clock skew) counts")
    func repeatedEvents() {
        let exposures = [
            Exposure(arm: 0, sentAt: start, outcomeTimes: [start.addingTimeInterval(-2), start.addingTimeInterval(60), start.addingTimeInterval(90)])
        ]
        #expect(OutcomeWindow.count(exposures, arms: 1, window: hour, now: start.addingTimeInterval(hour)) == [Proportion(successes: 1, trials: 1)])
    }

    @Test("before any window has passed nothing is counted")
    func nothingYet() {
        let exposures = [Exposure(arm: 1, sentAt: start, outcomeTimes: [start.addingTimeInterval(10)])]
        #expect(
            OutcomeWindow.count(exposures, arms: 2, window: hour, now: start.addingTimeInterval(59 * 60)) == [
                Proportion(successes: 0, trials: 0), Proportion(successes: 0, trials: 0),
            ])
    }
}
