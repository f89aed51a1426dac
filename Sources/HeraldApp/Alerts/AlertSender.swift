import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Sends claimed notifications: the Slack-compatible body, signed, with the delivery id, 10 s at most, no redirects.
struct AlertSender: Sendable {
    let outbox: AlertOutbox
    let webhooks: AlertWebhookStore
    let retry: AlertRetryPolicy
    let publicBaseURL: String
    let logger: Logger

    /// Redirects are not followed: a signed body must not be replayed to a host nobody configured.
    static let client = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(redirectConfiguration: .disallow)
    )

    func send(_ notification: AlertOutbox.Claimed, owner: String) async throws {
        guard let target = try await webhooks.target(id: notification.webhookID) else {
            try await outbox.failed(notification, owner: owner, status: nil, error: "the webhook is switched off", webhookName: "")
            return
        }
        let body = try AlertNotice.fromStored(notification.body).body(baseURL: publicBaseURL)
        var request = HTTPClientRequest(url: target.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Herald-Alerts/1")
        request.headers.add(name: "X-Herald-Delivery", value: notification.id.uuidString.lowercased())
        let timestamp = Int(Date().timeIntervalSince1970)
        request.headers.add(name: "X-Herald-Signature", value: AlertSignature.header(secret: target.secret, timestamp: timestamp, body: body))
        request.body = .bytes(ByteBuffer(data: body))
        var status: Int?
        var failure: String?
        do {
            let response = try await Self.client.execute(request, timeout: .seconds(10))
            status = Int(response.status.code)
            _ = try? await response.body.collect(upTo: 64 * 1024)
        } catch {
            failure = String(describing: error).prefix(300).description
        }
        let outcome = AlertDeliveryOutcome(status: status)
        logger.debug(
            "alert notification attempt",
            metadata: ["notification_id": "\(notification.id)", "status": "\(status.map(String.init) ?? "none")", "attempt": "\(notification.attempts)"]
        )
        switch outcome {
        case .delivered:
            try await outbox.delivered(notification.id, owner: owner, status: status ?? 200)
        case .retry where notification.event != "test" && notification.attempts < retry.maxAttempts:
            let next = Date().addingTimeInterval(retry.delay(afterAttempt: notification.attempts))
            try await outbox.retry(notification.id, owner: owner, at: next, status: status, error: failure)
        case .retry, .rejected:
            logger.warning(
                "alert notification failed",
                metadata: ["notification_id": "\(notification.id)", "webhook": "\(target.name)", "status": "\(status.map(String.init) ?? "none")"]
            )
            try await outbox.failed(notification, owner: owner, status: status, error: failure, webhookName: target.name)
        }
    }
}
