import Foundation

/// Something the dispatcher must do at a given time.
enum EventKind: Sendable {
    /// A status item, batched with others due at the same time.
    case status(StatusItem)
    /// A user's message, POSTed on its own with its `contacts[]` entry (none for system messages).
    case inbound(InboundMessage, contact: WebhookPayload.Contact?)
    /// A template status change, POSTed on its own.
    case templateStatus(WebhookPayload.TemplateStatusValue)
    /// A recipient tapping the URL button: a GET to the tracking link.
    case click(url: String)
    /// A POST that failed, to be sent again byte for byte; `events` pending events ride in it.
    case retry(body: Data, events: Int, attempt: Int)
}

struct ScheduledEvent: Sendable {
    var due: ContinuousClock.Instant
    /// Tie-breaker: events due together leave in the order they were scheduled.
    var sequence: UInt64
    var kind: EventKind

    func precedes(_ other: ScheduledEvent) -> Bool {
        due < other.due || (due == other.due && sequence < other.sequence)
    }
}

/// A binary min-heap of events by due time.
struct EventQueue: Sendable {
    private var heap: [ScheduledEvent] = []
    private var nextSequence: UInt64 = 0

    var count: Int { heap.count }
    var nextDue: ContinuousClock.Instant? { heap.first?.due }

    mutating func schedule(_ kind: EventKind, at due: ContinuousClock.Instant) {
        heap.append(ScheduledEvent(due: due, sequence: nextSequence, kind: kind))
        nextSequence &+= 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest event if it is due by `now`.
    mutating func popDue(now: ContinuousClock.Instant) -> ScheduledEvent? {
        guard let first = heap.first, first.due <= now else { return nil }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return first }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
            if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }

    mutating func removeAll() {
        heap.removeAll()
    }
}
