/// What a bulk sender does about a failed send, decided by Meta's error code.
public enum ErrorAction: Sendable, Equatable, Hashable {
    /// Transient: back off exponentially with jitter (`Backoff.delay`) and retry.
    case retry
    /// Retry, but not before this many seconds (131049, the per-user marketing limit: 24 h).
    case retryAfter(seconds: Double)
    /// Too many messages to this recipient (131056): retry after `Backoff.pairRateDelay`.
    case pairRateLimited
    /// The user stopped marketing messages from this business (131050): never retry; suppress the contact.
    case suppressContact
    /// This message cannot succeed as sent: do not retry it.
    case drop
    /// The template is paused or disabled: hold the campaign until it is approved again.
    case holdCampaign
    /// Authentication, permission, payment or account problem: halt sending and alert the operator.
    case haltAccount

    /// The per-user marketing limit asks for no retry for at least a day.
    public static let marketingLimitDelay: Double = 86_400

    /// Whether the same message may be sent again later.
    public var isRetryable: Bool {
        switch self {
        case .retry, .retryAfter, .pairRateLimited: true
        case .suppressContact, .drop, .holdCampaign, .haltAccount: false
        }
    }

    /// The action for a Cloud API error code; unknown codes are dropped (a request Meta rejected
    /// for a reason we do not know is unlikely to succeed when repeated).
    public static func classify(code: Int) -> ErrorAction {
        knownAction(code: code) ?? .drop
    }

    /// Like `classify(code:)`, but an unknown code on a 5xx response is retried: the server failed, not the request.
    public static func classify(code: Int, httpStatus: Int) -> ErrorAction {
        knownAction(code: code) ?? (httpStatus >= 500 ? .retry : .drop)
    }

    private static func knownAction(code: Int) -> ErrorAction? {
        switch code {
        // Throughput, spam-rate and API rate limits; unknown or unavailable service; maintenance.
        case 130429, 131048, 4, 80007, 131000, 131016, 131057: .retry
        // Also transient on Meta's error-code page: API unknown/service, server temporarily unavailable.
        case 1, 2, 133004: .retry
        case 131056: .pairRateLimited
        case 131049: .retryAfter(seconds: marketingLimitDelay)
        case 131050: .suppressContact
        case 131026, 131047, 132000, 132001, 132005, 132007, 132012: .drop
        // This message type cannot go to a business-scoped user ID (pywa's BSUIDRecipientNotSupported): as sent, it never will.
        case 131062: .drop
        case 132015, 132016: .holdCampaign
        // Authentication and permissions.
        case 0, 190, 10, 200...299: .haltAccount
        // Payment problem, account locked, blocked, limited after violations.
        case 131042, 131031, 368, 131064: .haltAccount
        // Also on Meta's page: access denied, phone number not registered.
        case 131005, 133010: .haltAccount
        default: nil
        }
    }
}
