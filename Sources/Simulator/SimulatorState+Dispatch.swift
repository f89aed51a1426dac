import Foundation

/// One webhook POST (before encoding) or a retry of one.
enum Outgoing: Sendable {
    case statuses([StatusItem])
    case inbound(InboundMessage, contact: WebhookPayload.Contact?)
    case templateStatus(WebhookPayload.TemplateStatusValue)
    case retry(body: Data, events: Int, attempt: Int)

    /// Pending events that this POST settles when answered 2xx.
    var events: Int {
        switch self {
        case .statuses(let items): items.count
        case .inbound, .templateStatus: 1
        case .retry(_, let events, _): events
        }
    }
}

/// Work due now, taken out of the queue by the dispatcher.
struct DueWork: Sendable {
    var generation: Int
    var posts: [Outgoing] = []
    var clicks: [String] = []
    /// The take stopped at its limit: more may be due, so do not wait before the next one.
    var more = false
}

/// The dispatcher's side: take due work, report how it went.
extension SimulatorState {
    /// Takes up to `limit` due events; status items due together share POSTs of up to `batchSize`.
    func takeDue(limit: Int) -> DueWork {
        var work = DueWork(generation: generation)
        var statuses: [StatusItem] = []
        let batchSize = config.effectiveBatchSize
        let now = ContinuousClock.now
        var taken = 0
        while taken < limit, let event = queue.popDue(now: now) {
            taken += 1
            switch event.kind {
            case .status(let item):
                statuses.append(item)
                if statuses.count == batchSize {
                    work.posts.append(.statuses(statuses))
                    statuses.removeAll(keepingCapacity: true)
                }
            case .inbound(let message, let contact): work.posts.append(.inbound(message, contact: contact))
            case .templateStatus(let value): work.posts.append(.templateStatus(value))
            case .click(let url): work.clicks.append(url)
            case .retry(let body, let events, let attempt): work.posts.append(.retry(body: body, events: events, attempt: attempt))
            }
        }
        if !statuses.isEmpty { work.posts.append(.statuses(statuses)) }
        work.more = taken == limit
        if config.webhookURL == nil {
            pending -= work.posts.reduce(0) { $0 + $1.events }  // nowhere to deliver: drop
            work.posts = []
        }
        return work
    }

    /// A POST was answered 2xx; `events` is 0 for a duplicate.
    func posted(events: Int, generation: Int) {
        guard generation == self.generation else { return }
        truth.webhookPostsDelivered += 1
        pending -= events
    }

    /// A POST failed: count it and, unless it was a duplicate, send the same bytes again later.
    func postFailed(body: Data, events: Int, attempt: Int, generation: Int) {
        guard generation == self.generation else { return }
        truth.webhookPostsFailed += 1
        guard events > 0 else { return }
        let backoff = max(min(0.5 * pow(2, Double(attempt)), 60) * config.timeScale, 0.01)
        queue.schedule(.retry(body: body, events: events, attempt: attempt + 1), at: .now + .seconds(backoff))
    }

    /// A click GET finished (whatever its answer: clicks are counted when decided).
    func clicked(generation: Int) {
        guard generation == self.generation else { return }
        pending -= 1
    }
}
