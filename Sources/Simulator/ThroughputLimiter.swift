/// Meta's per-number throughput: at most `limit` accepted messages within any one second.
///
/// A sliding one-second log rather than a token bucket, because a bucket with burst = rate lets
/// up to twice the rate through in some one-second windows. The same log gives the highest rate
/// observed.
struct ThroughputLimiter: Sendable {
    let limit: Int
    private var accepted: [ContinuousClock.Instant] = []
    private var start = 0
    private(set) var maxObservedPerSecond = 0

    init(limit: Int) {
        self.limit = max(limit, 1)
    }

    /// Records a send at `now` if the limit allows it.
    mutating func admit(now: ContinuousClock.Instant) -> Bool {
        let horizon = now - .seconds(1)
        while start < accepted.count, accepted[start] <= horizon {
            start += 1
        }
        if start > 1024, start * 2 > accepted.count {
            accepted.removeFirst(start)
            start = 0
        }
        let inWindow = accepted.count - start
        guard inWindow < limit else { return false }
        accepted.append(now)
        maxObservedPerSecond = max(maxObservedPerSecond, inWindow + 1)
        return true
    }
}
