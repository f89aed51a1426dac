import Foundation

/// Everything the fake Meta remembers, behind one actor: templates, counters, conversation
/// windows and the queue of scheduled webhook events.
///
/// Plain dictionaries and a heap keep the send path to a few microseconds; the dispatcher takes
/// due work out in batches.
actor SimulatorState {
    struct TemplateKey: Hashable, Sendable {
        var name: String
        var language: String
    }

    struct TemplateRecord: Sendable {
        var id: Int
        var template: SimulatedTemplate
        var shape: TemplateShape
        /// When a PENDING template turns APPROVED.
        var approveAt: ContinuousClock.Instant?
    }

    let config: SimulatorConfig
    var behaviour: TemplateBehaviour
    var templates: [TemplateKey: TemplateRecord] = [:]
    var nextTemplateID = 300_000_000_000_001
    var nextMediaID = 400_000_000_000_001
    var truth = GroundTruth()
    /// Scheduled events plus events riding in POSTs not yet answered 2xx.
    var pending = 0
    var queue = EventQueue()
    var limiter: ThroughputLimiter
    /// User (BSUID) → wall-clock seconds of their last message to the business (opens the 24 h window).
    var lastInbound: [String: Double] = [:]
    var ids = MessageIDs()
    var users: SimulatedUsers
    /// Bumped by `reset()`, so reports about work taken before it are ignored.
    var generation = 0

    init(config: SimulatorConfig) {
        self.config = config
        self.behaviour = config.defaultBehaviour
        self.limiter = ThroughputLimiter(limit: config.throughput)
        self.users = SimulatedUsers(seed: config.seed, usernameShare: config.usernameShare)
    }

    func groundTruth() -> GroundTruth {
        var copy = truth
        copy.pendingEvents = pending
        copy.maxObservedRatePerSecond = limiter.maxObservedPerSecond
        return copy
    }

    /// Clears counters, scheduled events, conversation windows and per-recipient ordinals; keeps
    /// templates and the behaviour.
    func reset() {
        truth = GroundTruth()
        pending = 0
        queue.removeAll()
        limiter = ThroughputLimiter(limit: config.throughput)
        lastInbound = [:]
        users.reset()
        generation += 1
    }

    func user(phone: String) -> SimulatedUser {
        users.user(phone: phone)
    }

    func setBehaviour(_ behaviour: TemplateBehaviour) {
        self.behaviour = behaviour
    }

    func newMediaID() -> String {
        defer { nextMediaID += 1 }
        return String(nextMediaID)
    }

    func schedule(_ kind: EventKind, after seconds: Double) {
        queue.schedule(kind, at: .now + .seconds(max(seconds, 0)))
        pending += 1
    }

    /// Counts a send refused with an HTTP error.
    func reject(code: Int, template: String?) {
        let key = String(code)
        truth.rejected[key, default: 0] += 1
        if let template {
            truth.perTemplate[template, default: TemplateTruth()].rejected[key, default: 0] += 1
        }
    }
}
