import Foundation
import SQLKit
import Storage

/// One step of an account's send loop: take tokens from the account's shared bucket and claim that
/// many due messages. The bucket lives in the account row, so every process sharing the database
/// draws from the same budget; the row lock (PostgreSQL) or the single writer (SQLite) serialises it.
enum SendClaim {
    case batch([Recipient])
    case wait(Double)
    case idle
    case halted

    /// Refill rate and burst are set a little under the account's throughput, so that no one-second
    /// window ever carries more than the limit.
    static func rates(throughput: Int) -> (rate: Double, burst: Double) {
        let limit = Double(max(1, throughput))
        return (limit * 0.90, max(1, limit * 0.04))
    }

    /// The claim also records the address each message goes to, read from its contact now rather than when the
    /// audience was frozen: a number change or a phone learned since then is used (by phone while one is known,
    /// else by BSUID).
    static func claim(
        accountID: UUID, owner: String, maxBatch: Int, inDoubtSeconds: Double, database: Database
    ) async throws -> SendClaim {
        let d = database.dialect
        return try await database.transaction { sql in
            guard let account = try await sql.raw(
                "SELECT status, throughput, bucket_tokens, bucket_at FROM whatsapp_accounts WHERE id = \(bind: accountID)\(d.forUpdate)"
            ).first() else { return .halted }
            guard try account.decode(column: "status", as: String.self) == "active" else { return .halted }
            let now = Date()
            let (rate, burst) = rates(throughput: try account.decode(column: "throughput", as: Int.self))
            let last = try account.decode(column: "bucket_at", as: Date?.self) ?? now.addingTimeInterval(-1)
            let stored = try account.decode(column: "bucket_tokens", as: Double.self)
            let tokens = min(burst, stored + max(0, now.timeIntervalSince(last)) * rate)
            let wanted = min(Int(tokens.rounded(.down)), maxBatch)
            if wanted < 1 { return .wait((1 - tokens) / rate) }
            let ids = try await sql.raw(
                """
                UPDATE messages SET status = 'sending', lease_owner = \(bind: owner), lease_expires_at = \(bind: now.addingTimeInterval(inDoubtSeconds)),
                    attempts = attempts + 1, attempted_at = \(bind: now), updated_at = \(bind: now),
                    phone = (SELECT c.phone FROM contacts c WHERE c.id = messages.contact_id),
                    bsuid = (SELECT CASE WHEN c.phone IS NULL THEN c.bsuid END FROM contacts c WHERE c.id = messages.contact_id)
                WHERE id IN (
                    SELECT m.id FROM messages m
                    WHERE m.campaign_id IN (SELECT id FROM campaigns WHERE account_id = \(bind: accountID) AND status = 'sending')
                      AND m.status = 'queued' AND m.next_attempt_at <= \(bind: now)
                      AND NOT EXISTS (
                        SELECT 1 FROM messages p WHERE p.contact_id = m.contact_id AND p.attempted_at > \(bind: now.addingTimeInterval(-6)) AND p.id <> m.id)
                    ORDER BY m.next_attempt_at, m.id LIMIT \(bind: wanted)\(d.skipLocked)
                )
                RETURNING id
                """
            ).all().map { try $0.decode(column: "id", as: UUID.self) }
            try await sql.raw(
                "UPDATE whatsapp_accounts SET bucket_tokens = \(bind: tokens - Double(ids.count)), bucket_at = \(bind: now) WHERE id = \(bind: accountID)"
            ).run()
            if ids.isEmpty { return .idle }
            let rows = try await sql.raw(
                """
                SELECT m.id, m.campaign_id, m.contact_id, m.variation_id, m.ab_phase, m.phone, m.bsuid, m.click_token, m.attempts, c.consent_status,
                    c.name, c.email, c.city, c.country, c.language, \(d.jsonText("attributes", of: "c")) AS attributes
                FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.id IN (\(binds: ids))
                """
            ).all()
            var seenContacts = Set<UUID>()
            var recipients: [Recipient] = []
            var deferred: [UUID] = []
            for row in rows {
                let recipient = try decode(row)
                // Two campaigns may reach the same contact in one batch: keep the 6 s gap.
                if seenContacts.insert(recipient.contactID).inserted { recipients.append(recipient) } else { deferred.append(recipient.messageID) }
            }
            if !deferred.isEmpty {
                try await sql.raw(
                    """
                    UPDATE messages SET status = 'queued', attempts = attempts - 1, attempted_at = NULL, lease_owner = NULL, lease_expires_at = NULL,
                        next_attempt_at = \(bind: now.addingTimeInterval(6)) WHERE id IN (\(binds: deferred))
                    """
                ).run()
            }
            return .batch(recipients)
        }
    }

    static func decode(_ row: any SQLRow) throws -> Recipient {
        let attributesText = try row.decode(column: "attributes", as: String?.self) ?? "{}"
        var attributes: [String: JSONValue] = [:]
        if case .object(let object)? = try? JSONValue.parse(Data(attributesText.utf8)) { attributes = object }
        return Recipient(
            messageID: try row.decode(column: "id", as: UUID.self), campaignID: try row.decode(column: "campaign_id", as: UUID.self),
            contactID: try row.decode(column: "contact_id", as: UUID.self), variationID: try row.decode(column: "variation_id", as: UUID?.self),
            address: ContactAddress(phone: try row.decode(column: "phone", as: String?.self), bsuid: try row.decode(column: "bsuid", as: String?.self)),
            clickToken: try row.decode(column: "click_token", as: String?.self),
            attempts: try row.decode(column: "attempts", as: Int.self), consent: try row.decode(column: "consent_status", as: String.self),
            name: try row.decode(column: "name", as: String?.self), email: try row.decode(column: "email", as: String?.self),
            city: try row.decode(column: "city", as: String?.self), country: try row.decode(column: "country", as: String?.self),
            language: try row.decode(column: "language", as: String?.self), attributes: attributes,
            abPhase: try row.decode(column: "ab_phase", as: String?.self)
        )
    }
}
