import Crypto
import Foundation

/// The signature of an outgoing alert webhook: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, so a
/// receiver can check both who sent it and that it is recent.
enum AlertSignature {
    static func header(secret: String, timestamp: Int, body: Data) -> String {
        "t=\(timestamp),v1=\(hex(secret: secret, timestamp: timestamp, body: body))"
    }

    static func hex(secret: String, timestamp: Int, body: Data) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }
}

/// What to do after one attempt to deliver a notification.
enum AlertDeliveryOutcome: Sendable, Equatable {
    case delivered
    /// Try again later (timeouts, rate limits, server errors and network failures).
    case retry
    /// The receiver refused it (other 4xx, or a redirect, which is not followed): no point in trying again.
    case rejected

    /// 2xx delivered; 408, 429, 5xx (and no answer at all: `status` nil) retried; anything else rejected.
    init(status: Int?) {
        guard let status else {
            self = .retry
            return
        }
        switch status {
        case 200..<300: self = .delivered
        case 408, 429, 500..<600: self = .retry
        default: self = .rejected
        }
    }
}

/// When to try a notification again: `base` × 2^(n−1) after the n-th failed attempt, at most an hour, ±20 % jitter;
/// after `maxAttempts` it is given up.
struct AlertRetryPolicy: Sendable {
    var base: TimeInterval = 30
    var cap: TimeInterval = 3600
    var jitter: Double = 0.2
    var maxAttempts = 10

    /// The delay after `attempt` (1 for the first) failed, with `unit` in [0, 1) choosing the jitter.
    func delay(afterAttempt attempt: Int, unit: Double = Double.random(in: 0..<1)) -> TimeInterval {
        let exponent = Double(max(0, min(attempt - 1, 30)))
        let plain = min(base * pow(2, exponent), cap)
        return plain * (1 - jitter + 2 * jitter * unit)
    }
}
