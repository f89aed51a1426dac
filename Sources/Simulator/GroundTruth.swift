/// Outcome counters of one template (or of all messages, inside ``GroundTruth``).
///
/// Counters move when an outcome is decided, at send time, so they are final as soon as the send
/// returns; compare them with what Herald recorded once ``GroundTruth/pendingEvents`` is 0.
public struct TemplateTruth: Sendable, Codable, Equatable {
    public var accepted = 0
    /// Error code → sends rejected synchronously.
    public var rejected: [String: Int] = [:]
    public var sent = 0
    /// Messages that reached the user, read ones included.
    public var delivered = 0
    public var read = 0
    /// Messages whose URL button was clicked (at most once each).
    public var clicked = 0
    public var quickReplies = 0
    public var textReplies = 0
    public var stops = 0
    public var failed = 0
    public var failedByCode: [String: Int] = [:]

    public init() {}
}

/// What the simulator really did, to check Herald's numbers against.
public struct GroundTruth: Sendable, Codable, Equatable {
    /// Messages accepted (a wamid returned).
    public var accepted = 0
    /// Error code (as a string) → sends rejected synchronously with an HTTP error, `130429` included.
    public var rejected: [String: Int] = [:]
    public var sent = 0
    public var delivered = 0
    public var read = 0
    public var clicked = 0
    public var quickReplies = 0
    public var textReplies = 0
    public var stops = 0
    public var failed = 0
    public var failedByCode: [String: Int] = [:]
    /// The same counters per template name.
    public var perTemplate: [String: TemplateTruth] = [:]
    /// Recipient → accepted messages, keyed by the address the send used: the phone's digits for `to`,
    /// the BSUID for `recipient`.
    public var messagesPerRecipient: [String: Int] = [:]
    /// Accepted messages by the field that addressed them: `to` (a phone) or `recipient` (a BSUID).
    public var acceptedByAddress: [String: Int] = [:]
    /// Webhook POSTs answered 2xx (duplicates included).
    public var webhookPostsDelivered = 0
    /// Webhook POST attempts that failed (each is retried).
    public var webhookPostsFailed = 0
    /// Scheduled webhook events and clicks not yet done; wait for 0 before comparing.
    public var pendingEvents = 0
    /// Most sends accepted within any one second.
    public var maxObservedRatePerSecond = 0

    public init() {}

    /// The counters that depend only on the seed and the requests, not on timing: delivery
    /// counters, pending events and the observed rate are zeroed. Two runs with the same seed and
    /// the same sends (within the throughput limit) have equal outcomes.
    public var outcomes: GroundTruth {
        var copy = self
        copy.webhookPostsDelivered = 0
        copy.webhookPostsFailed = 0
        copy.pendingEvents = 0
        copy.maxObservedRatePerSecond = 0
        return copy
    }
}

extension GroundTruth {
    /// The overall counters viewed as a ``TemplateTruth``, so one function counts both.
    var counters: TemplateTruth {
        get {
            var t = TemplateTruth()
            (t.accepted, t.rejected, t.sent, t.delivered, t.read) = (accepted, rejected, sent, delivered, read)
            (t.clicked, t.quickReplies, t.textReplies, t.stops) = (clicked, quickReplies, textReplies, stops)
            (t.failed, t.failedByCode) = (failed, failedByCode)
            return t
        }
        set {
            (accepted, rejected, sent, delivered, read) = (newValue.accepted, newValue.rejected, newValue.sent, newValue.delivered, newValue.read)
            (clicked, quickReplies, textReplies, stops) = (newValue.clicked, newValue.quickReplies, newValue.textReplies, newValue.stops)
            (failed, failedByCode) = (newValue.failed, newValue.failedByCode)
        }
    }
}
