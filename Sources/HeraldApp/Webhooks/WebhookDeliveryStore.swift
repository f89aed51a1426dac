import Foundation
import SQLKit
import Storage

/// Stored webhook deliveries: one row per account a delivery is for, applied later by the processor.
struct WebhookDeliveryStore {
    let database: Database

    /// Stores the body once for each account, in one transaction. An account deleted since the
    /// secrets were cached is skipped.
    func receive(body: [UInt8], accountIDs: [UUID]) async throws {
        let now = Date()
        try await database.transaction { sql in
            for accountID in accountIDs {
                try await sql.raw(
                    """
                    INSERT INTO webhook_deliveries (id, account_id, body, received_at)
                    SELECT \(bind: UUID.timeOrdered()), id, \(bind: Data(body)), \(bind: now) FROM whatsapp_accounts WHERE id = \(bind: accountID)
                    """
                ).run()
            }
        }
    }
}
