import Foundation
import Logging
import ServiceLifecycle
import Storage

/// WooCommerce never retries a webhook that failed (and disables one after five failures), so every `interval` each
/// WooCommerce connection gets a catch-up: an import of the orders modified since the last catch-up began, less a
/// margin. Servers sharing a database start each catch-up once: starting is a conditional update of its sync row.
struct ShopCatchUpWorker: Service {
    let integrations: IntegrationStore
    let syncs: ShopSyncStore
    let interval: Double
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { _ = try await startDue() } catch {
                    logger.warning("shop catch-up scheduling failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: .seconds(min(60, max(1, interval / 4))))
            }
        }
    }

    /// Starts every catch-up that is due; returns how many this server started.
    func startDue() async throws -> Int {
        var started = 0
        let database = syncs.database
        for id in try await syncs.dueCatchUps(interval: interval) {
            guard let integration = try await integrations.find(integrationID: id) else { continue }
            let (_, didStart) = try await database.transaction { sql in
                try await syncs.start(integration, resource: .catchup, in: sql, dialect: database.dialect)
            }
            if didStart {
                started += 1
                logger.debug("shop catch-up started", metadata: ["integration_id": "\(id)"])
            }
        }
        return started
    }
}
