import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat

/// Sends signed webhook POSTs one after another, holding one back or sending one twice when told,
/// and reports each answer to the state (which schedules retries).
struct WebhookSender {
    struct Delivery: Sendable {
        var body: Data
        var events: Int
        var attempt: Int
        var generation: Int
    }

    let client: HTTPClient
    let signer: WebhookSigner
    let state: SimulatorState
    let logger: Logger
    private var heldBack: (delivery: Delivery, duplicate: Bool)?

    init(client: HTTPClient, signer: WebhookSigner, state: SimulatorState, logger: Logger) {
        self.client = client
        self.signer = signer
        self.state = state
        self.logger = logger
    }

    /// Sends `delivery`, unless it is held back to go out right after the next one.
    mutating func deliver(_ delivery: Delivery, holdBack: Bool, duplicate: Bool) async {
        if holdBack, heldBack == nil {
            heldBack = (delivery, duplicate)
            return
        }
        await send(delivery, duplicate: duplicate)
        await flushHeldBack()
    }

    /// Sends the held-back POST, if any (called when no other POST came along to overtake it).
    mutating func flushHeldBack() async {
        guard let held = heldBack else { return }
        heldBack = nil
        await send(held.delivery, duplicate: held.duplicate)
    }

    /// Sends the POST (and its duplicate), then settles its events: a test that waits for no
    /// pending events therefore also sees the duplicate.
    private func send(_ delivery: Delivery, duplicate: Bool) async {
        let delivered = await post(delivery)
        if duplicate {
            await report(await post(delivery), delivery, settles: 0)
        }
        await report(delivered, delivery, settles: delivery.events)
    }

    private func report(_ delivered: Bool, _ delivery: Delivery, settles events: Int) async {
        if delivered {
            await state.posted(events: events, generation: delivery.generation)
        } else {
            await state.postFailed(body: delivery.body, events: events, attempt: delivery.attempt, generation: delivery.generation)
        }
    }

    /// One signed POST; `true` if answered 2xx.
    private func post(_ delivery: Delivery) async -> Bool {
        guard let url = state.config.webhookURL else { return false }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Hub-Signature-256", value: signer.signature(for: delivery.body))
        request.headers.add(name: "User-Agent", value: "facebookexternalua")
        request.body = .bytes(ByteBuffer(data: delivery.body))
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 20)
            if (200..<300).contains(response.status.code) { return true }
            logger.log(
                level: delivery.attempt == 0 ? .warning : .debug,
                "webhook refused; will retry",
                metadata: [
                    "webhook.status": "\(response.status.code)", "webhook.attempt": "\(delivery.attempt)",
                ]
            )
        } catch {
            logger.log(
                level: delivery.attempt == 0 ? .warning : .debug,
                "webhook failed; will retry",
                metadata: [
                    "error": "\(error)", "webhook.attempt": "\(delivery.attempt)",
                ]
            )
        }
        return false
    }
}
