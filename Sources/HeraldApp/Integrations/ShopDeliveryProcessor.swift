import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import SQLKit
import Storage

/// Applies stored shop deliveries, each in one transaction that also marks it processed, so each is applied exactly
/// once whichever server claims it (a lease, and `SKIP LOCKED` on PostgreSQL). Before the transaction it asks the shop
/// for the category of any product Herald has not met: no HTTP call is made while a transaction is open.
struct ShopDeliveryProcessor: Service {
    let database: Database
    let integrations: IntegrationStore
    let contacts: ContactStore
    let workspaces: WorkspaceStore
    let http: HTTPClient
    let logger: Logger
    let owner = "\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
    let lookup: ShopCategoryLookup
    static let maxAttempts = 10

    init(database: Database, integrations: IntegrationStore, contacts: ContactStore, workspaces: WorkspaceStore, http: HTTPClient, logger: Logger) {
        self.database = database
        self.integrations = integrations
        self.contacts = contacts
        self.workspaces = workspaces
        self.http = http
        self.logger = logger
        self.lookup = ShopCategoryLookup(database: database, integrations: integrations, http: http, logger: logger)
    }

    /// Seconds before a failed delivery is tried again: 5 s, doubling, at most 10 min (the shop may be down, or a
    /// conflicting write may clear).
    static func backoff(attempt: Int) -> Double { min(600, 5 * pow(2, Double(max(0, attempt - 1)))) }

    struct Claimed: Sendable {
        let id: UUID
        let integrationID: UUID
        let topic: String
        let body: Data
        let attempts: Int
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let processed: Int
                do { processed = try await processBatch() } catch {
                    logger.error("shop delivery processing failed", metadata: ["error": "\(String(reflecting: error))"])
                    processed = 0
                }
                if processed == 0 { try? await Task.sleep(for: .milliseconds(200)) }
            }
        }
    }

    /// Claims and applies up to 20 deliveries; returns how many.
    func processBatch() async throws -> Int {
        let d = database.dialect
        let now = Date()
        let claimed = try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE integration_deliveries SET lease_owner = \(bind: owner), lease_expires_at = \(bind: now.addingTimeInterval(120)), attempts = attempts + 1
                WHERE id IN (
                    SELECT id FROM integration_deliveries WHERE processed_at IS NULL AND (lease_expires_at IS NULL OR lease_expires_at < \(bind: now))
                    ORDER BY received_at, id LIMIT 20\(d.skipLocked))
                RETURNING id, integration_id, topic, body, attempts
                """
            ).all().map {
                Claimed(
                    id: try $0.decode(column: "id", as: UUID.self), integrationID: try $0.decode(column: "integration_id", as: UUID.self),
                    topic: try $0.decode(column: "topic", as: String.self), body: try $0.decode(column: "body", as: Data.self),
                    attempts: try $0.decode(column: "attempts", as: Int.self)
                )
            }
        }
        guard !claimed.isEmpty else { return 0 }
        // Deliveries apply in the order they came: a shop's orders/updated must not overtake its orders/create.
        var touched: [UUID: Date] = [:]
        for delivery in claimed.sorted(by: { $0.id.uuidString < $1.id.uuidString }) {
            await apply(delivery)
            touched[delivery.integrationID] = Date()
        }
        let seen = touched
        try? await database.transaction { sql in
            for (id, at) in seen {
                try await sql.raw("UPDATE integrations SET last_delivery_at = \(bind: at) WHERE id = \(bind: id)").run()
            }
        }
        return claimed.count
    }

    func apply(_ delivery: Claimed) async {
        do {
            guard let integration = try await integrations.find(integrationID: delivery.integrationID) else { return }
            let known = try await productCategories(for: delivery, integration: integration)
            let country = try await workspaces.find(id: integration.workspaceID)?.defaultCountry
            let (store, d) = (contacts, database.dialect)
            let outcome = try await database.transaction(retryingConflicts: 3) { sql in
                var applier = ShopApplier(integration: integration, workspaceDefaultCountry: country, contacts: store, dialect: d, sql: sql)
                applier.categories = known
                let outcome = try await PendingRollups.collecting(dialect: d, in: sql) {
                    let outcome = try await applier.apply(topic: delivery.topic, body: delivery.body)
                    try await applier.finish()
                    return outcome
                }
                try await sql.raw(
                    """
                    UPDATE integration_deliveries SET processed_at = \(bind: Date()), lease_owner = NULL, error = NULL, outcome = \(bind: outcome.rawValue)
                    WHERE id = \(bind: delivery.id)
                    """
                ).run()
                return outcome
            }
            logger.debug("shop delivery applied", metadata: ["delivery_id": "\(delivery.id)", "topic": "\(delivery.topic)", "outcome": "\(outcome.rawValue)"])
        } catch {
            // A payload Herald cannot read will not read better later: it is given up at once, with the reason kept.
            let unreadable = error is ShopPayloadError
            let giveUp = unreadable || delivery.attempts >= Self.maxAttempts
            logger.error(
                "a shop delivery could not be applied",
                metadata: ["delivery_id": "\(delivery.id)", "topic": "\(delivery.topic)", "error": "\(String(reflecting: error))"]
            )
            try? await database.transaction { sql in
                try await sql.raw(
                    """
                    UPDATE integration_deliveries SET error = \(bind: String(describing: error).prefix(500).description), lease_owner = NULL,
                        lease_expires_at = \(bind: Date().addingTimeInterval(Self.backoff(attempt: delivery.attempts))), outcome = CASE WHEN \(bind: giveUp) THEN 'failed' ELSE NULL END,
                        processed_at = CASE WHEN \(bind: giveUp) THEN \(bind: Date()) ELSE NULL END WHERE id = \(bind: delivery.id)
                    """
                ).run()
            }
        }
    }

    /// The categories of the delivery's products that Herald has not stored yet.
    func productCategories(for delivery: Claimed, integration: Integration) async throws -> [String: String] {
        let isOrder = ShopifyPayload.orderTopics.contains(delivery.topic) || WooCommercePayload.orderTopics.contains(delivery.topic)
        guard isOrder, let json = try? ShopJSON(parsing: delivery.body) else { return [:] }
        return try await lookup.categories(orders: [json], integration: integration)
    }
}
