import Foundation

/// One test message: its variation (0 is the control), when it was sent, and when its metric's events
/// (reads, clicks or replies) arrived.
public struct Exposure: Sendable, Hashable {
    public var arm: Int
    public var sentAt: Date
    public var outcomeTimes: [Date]

    public init(arm: Int, sentAt: Date, outcomeTimes: [Date] = []) {
        self.arm = arm
        self.sentAt = sentAt
        self.outcomeTimes = outcomeTimes
    }
}

/// Reads, clicks and replies arrive late, and later messages have had less time to earn them. Counting a
/// message only once its window has passed, and only the events inside it, compares arms over equal exposure.
public enum OutcomeWindow {
    /// Per arm (indexes 0..<arms): trials = messages whose window has elapsed by `now`, successes = those of
    /// them with an event no later than `window` after sending. An event stamped before the send time is clock
    /// skew between WhatsApp and us, not a later outcome, so it counts.
    public static func count(_ exposures: [Exposure], arms: Int, window: TimeInterval, now: Date) -> [Proportion] {
        precondition(window >= 0)
        var trials = [Int](repeating: 0, count: arms)
        var successes = [Int](repeating: 0, count: arms)
        for exposure in exposures where exposure.sentAt.addingTimeInterval(window) <= now {
            precondition(exposure.arm >= 0 && exposure.arm < arms, "an exposure belongs to one of the arms")
            trials[exposure.arm] += 1
            let deadline = exposure.sentAt.addingTimeInterval(window)
            if exposure.outcomeTimes.contains(where: { $0 <= deadline }) { successes[exposure.arm] += 1 }
        }
        return zip(successes, trials).map { Proportion(successes: $0, trials: $1) }
    }
}
