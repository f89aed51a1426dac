import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import ServiceLifecycle

/// The background loop that turns due events into signed webhook POSTs and click GETs.
///
/// One loop, one `HTTPClient`: every `batchWindow` it takes what is due, POSTs it in order
/// (duplicating or swapping POSTs as configured), retries failures later through the queue, and
/// performs clicks concurrently. It stops on graceful shutdown.
struct WebhookDispatcher: Service {
    let state: SimulatorState
    let config: SimulatorConfig
    let logger: Logger

    func run() async throws {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(30)))
        )
        // Clicks get a client of their own: webhook POSTs never queue behind them, nor they behind POSTs.
        var clickConfiguration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(60)))
        clickConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: Self.clickSlots)
        let clickClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clickConfiguration)
        await cancelWhenGracefulShutdown {
            await loop(client: client, clickClient: clickClient)
        }
        try await clickClient.shutdown()
        try await client.shutdown()
    }

    /// Clicks open at once; the rest wait in a ``ClickGate`` before their timeout starts.
    static let clickSlots = 16

    private func loop(client: HTTPClient, clickClient: HTTPClient) async {
        let gate = ClickGate(slots: Self.clickSlots)
        let encoder = Wire.encoder()
        var sender = WebhookSender(client: client, signer: WebhookSigner(appSecret: config.appSecret), state: state, logger: logger)
        var rng = SplitMix64(seed: config.seed ^ 0x5eed_d15b_a7c4)  // duplicates and swaps
        let window = Duration.seconds(max(config.batchWindow, 0.001))
        // Clicks run beside the loop, so a slow tracking link never holds up webhooks.
        await withDiscardingTaskGroup { clicks in
            while !Task.isCancelled {
                let started = ContinuousClock.now
                let work = await state.takeDue(limit: max(config.effectiveBatchSize * 10, 200))  // one status per POST still takes many per pass
                for url in work.clicks {
                    clicks.addTask { await click(url, client: clickClient, gate: gate, generation: work.generation) }
                }
                for post in work.posts {
                    guard let body = try? encode(post, encoder: encoder) else { continue }
                    let attempt = if case .retry(_, _, let attempt) = post { attempt } else { 0 }
                    let delivery = WebhookSender.Delivery(body: body, events: post.events, attempt: attempt, generation: work.generation)
                    await sender.deliver(delivery, holdBack: rng.chance(config.reorderRate), duplicate: rng.chance(config.duplicateRate))
                }
                if work.posts.isEmpty { await sender.flushHeldBack() }
                if !work.more {
                    try? await Task.sleep(until: started + window, clock: .continuous)
                }
            }
        }
    }

    private func encode(_ post: Outgoing, encoder: JSONEncoder) throws -> Data {
        let metadata = WebhookPayload.Metadata(displayPhoneNumber: config.displayPhoneNumber, phoneNumberId: config.phoneNumberID)
        switch post {
        case .statuses(let items):
            // One contacts entry per user, in order; failed statuses bring none, and a POST of only those has no contacts.
            var contacts: [WebhookPayload.Contact] = []
            for contact in items.compactMap(\.contact) {
                if let index = contacts.firstIndex(where: { $0.userId == contact.userId }) {
                    if contacts[index].profile == nil { contacts[index].profile = contact.profile }  // a read's username
                } else {
                    contacts.append(contact)
                }
            }
            let value = WebhookPayload.MessagesValue(metadata: metadata, contacts: contacts.isEmpty ? nil : contacts, statuses: items)
            return try encoder.encode(WebhookPayload.Envelope(wabaID: config.wabaID, field: "messages", value: value))
        case .inbound(let message, let contact):
            let value = WebhookPayload.MessagesValue(metadata: metadata, contacts: contact.map { [$0] }, messages: [message])
            return try encoder.encode(WebhookPayload.Envelope(wabaID: config.wabaID, field: "messages", value: value))
        case .templateStatus(let value):
            let envelope = WebhookPayload.Envelope(
                wabaID: config.wabaID,
                field: "message_template_status_update",
                value: value,
                time: Int(Date().timeIntervalSince1970)
            )
            return try encoder.encode(envelope)
        case .retry(let body, _, _):
            return body
        }
    }

    /// A recipient opening the URL button's link; redirects are not followed. A browser waits minutes for a
    /// slow page, so the simulated recipient waits a minute before giving up. The click counts as made either way:
    /// a failure is Herald's to explain, so it is logged as a warning.
    private func click(_ url: String, client: HTTPClient, gate: ClickGate, generation: Int) async {
        await gate.enter()
        do {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(60))
            _ = try await response.body.collect(upTo: 1 << 20)
            if response.status.code >= 500 {
                logger.warning("simulated click answered with a server error", metadata: ["url": "\(url)", "status": "\(response.status.code)"])
            }
        } catch {
            logger.warning("simulated click failed", metadata: ["url": "\(url)", "error": "\(error)"])
        }
        await gate.leave()
        await state.clicked(generation: generation)
    }
}
