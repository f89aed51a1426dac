/// A counting semaphore for simulated clicks: at most `slots` GETs are open at once and the rest wait here,
/// in arrival order, before their timeout starts.
///
/// Each recipient taps on their own phone, so a click must not wait behind a queue that no real recipient would
/// share. With one task per click and the HTTP client's own per-host queue, a burst of clicks waited there and
/// the wait counted against each request's deadline: clicks that timed out before reaching Herald were counted
/// as made while Herald never saw them.
actor ClickGate {
    private var free: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(slots: Int) { free = max(slots, 1) }

    func enter() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func leave() {
        if waiters.isEmpty { free += 1 } else { waiters.removeFirst().resume() }
    }
}
