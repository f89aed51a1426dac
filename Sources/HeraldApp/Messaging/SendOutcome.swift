import Foundation
import SQLKit
import Storage
import WhatsApp

/// What happened to one claimed message, recorded with the rest of its batch in one transaction.
enum SendOutcome: Sendable {
    case accepted(wamid: String)
    /// The request may have reached Meta (timeout, reset, no answer): the message stays `sending` until its
    /// status webhook settles it or the in-doubt window ends; it is never sent again at once.
    case inDoubt(detail: String)
    case retry(after: Double, code: Int?, detail: String)
    case failed(code: Int?, detail: String)
    case suppressedContact(code: Int, detail: String)
    case skipped(reason: String)
    case holdCampaign(code: Int, detail: String)
    case haltAccount(code: Int, detail: String)

    static let maxAttempts = 8

    /// What a message's `error_detail` says: Meta's code and text, or how the transport failed, never the body of an
    /// answer that was not the Cloud API's (the API and console show this text).
    static func detail(_ error: any Error) -> String {
        switch error {
        case let api as CloudAPIError: "(#\(api.code)) \(api.details ?? api.message)"
        case CloudAPITransportError.badResponse(let status, _): "unexpected Cloud API response (HTTP \(status))"
        default: String(describing: error)
        }
    }

    /// Maps an error from the Cloud API to what the pipeline does about it. `sending` says the error
    /// came from sending the message itself: a transport failure after its request may have reached
    /// Meta leaves it in doubt instead of retrying.
    static func from(error: any Error, attempts: Int, sending: Bool = true, random: Double = Double.random(in: 0..<1)) -> SendOutcome {
        let api = error as? CloudAPIError
        let code = api?.code
        let detail = Self.detail(error)
        if sending, let transport = error as? CloudAPITransportError, transport.mayHaveReachedMeta { return .inDoubt(detail: detail) }
        switch errorAction(for: error) {
        case .retry:
            if attempts >= maxAttempts { return .failed(code: code, detail: "gave up after \(attempts) attempts: \(detail)") }
            return .retry(after: Backoff.delay(attempt: attempts, random: random), code: code, detail: detail)
        case .pairRateLimited:
            if attempts >= maxAttempts { return .failed(code: code, detail: "gave up after \(attempts) attempts: \(detail)") }
            return .retry(after: Backoff.pairRateDelay(attempt: attempts), code: code, detail: detail)
        case .retryAfter(let seconds):
            if attempts >= 3 { return .failed(code: code, detail: detail) }
            return .retry(after: seconds, code: code, detail: detail)
        case .suppressContact: return .suppressedContact(code: code ?? 131050, detail: detail)
        case .drop: return .failed(code: code, detail: detail)
        case .holdCampaign: return .holdCampaign(code: code ?? 0, detail: detail)
        case .haltAccount: return .haltAccount(code: code ?? 0, detail: detail)
        }
    }

    /// Writes a batch's outcomes. A message the webhook already advanced (its status arrived first,
    /// matched through the callback data) keeps its later status.
    static func record(
        _ results: [(Recipient, SendOutcome)], accountID: UUID, workspaceID: UUID, owner: String, inDoubtSeconds: Double, database: Database
    ) async throws {
        let d = database.dialect
        let now = Date()
        try await database.transaction(retryingConflicts: 5) { sql in try await PendingRollups.collecting(dialect: d, in: sql) {
            var acceptedWamids: [String] = []
            // Rows in id order, the same order the webhook processor locks them in.
            for (recipient, outcome) in results.sorted(by: { $0.0.messageID.uuidString < $1.0.messageID.uuidString }) {
                let id = recipient.messageID
                switch outcome {
                case .accepted(let wamid):
                    acceptedWamids.append(wamid)
                    // The cohort (the rollups' time axis) and country are fixed when the message first leaves Herald.
                    try await sql.raw(
                        """
                        UPDATE messages SET wamid = \(bind: wamid), accepted_at = COALESCE(accepted_at, \(bind: now)),
                            country = CASE WHEN cohort_at IS NULL THEN \(bind: recipient.address.country) ELSE country END,
                            cohort_at = COALESCE(cohort_at, \(bind: now)),
                            status = CASE WHEN status = 'sending' THEN 'accepted' ELSE status END,
                            lease_owner = NULL, lease_expires_at = NULL, error_code = NULL, error_detail = NULL, updated_at = \(bind: now)
                        WHERE id = \(bind: id)
                        """
                    ).run()
                case .inDoubt(let detail):
                    try await sql.raw(
                        """
                        UPDATE messages SET lease_expires_at = \(bind: now.addingTimeInterval(inDoubtSeconds)),
                            error_detail = \(bind: "in doubt: " + detail), updated_at = \(bind: now)
                        WHERE id = \(bind: id) AND status = 'sending'
                        """
                    ).run()
                case .retry(let after, let code, let detail):
                    try await requeue(id, at: now.addingTimeInterval(after), code: code, detail: detail, refund: false, in: sql)
                case .failed(let code, let detail):
                    try await fail(recipient, code: code, detail: detail, status: "failed", at: now, workspaceID: workspaceID, dialect: d, in: sql)
                case .suppressedContact(let code, let detail):
                    try await fail(recipient, code: code, detail: detail, status: "failed", at: now, workspaceID: workspaceID, dialect: d, in: sql)
                    try await ConsentChange.optOut(contactID: recipient.contactID, source: .error131050, at: now, in: sql)
                case .skipped(let reason):
                    try await sql.raw(
                        """
                        UPDATE messages SET status = 'suppressed', error_detail = \(bind: reason), lease_owner = NULL, lease_expires_at = NULL,
                            updated_at = \(bind: now) WHERE id = \(bind: id) AND status = 'sending'
                        """
                    ).run()
                case .holdCampaign(let code, let detail):
                    try await requeue(id, at: now, code: code, detail: detail, refund: true, in: sql)
                    let reason = "held: \(detail)"
                    if try await CampaignStore.perform(.hold, workspaceID: workspaceID, id: recipient.campaignID, reason: reason, in: sql) {
                        try await AlertStore.raise(
                            workspaceID: workspaceID, level: "warning", kind: "campaign_held",
                            message: "Campaign held because its template cannot be sent: \(detail). Resume it once the template is approved again.",
                            campaignID: recipient.campaignID, in: sql
                        )
                    }
                case .haltAccount(let code, let detail):
                    try await requeue(id, at: now, code: code, detail: detail, refund: true, in: sql)
                    try await halt(accountID: accountID, workspaceID: workspaceID, detail: detail, in: sql)
                }
            }
            if !acceptedWamids.isEmpty {
                try await StatusApplier.applyUnmatched(wamids: acceptedWamids, dialect: d, in: sql)
            }
        } }
    }

    static func requeue(_ id: UUID, at: Date, code: Int?, detail: String, refund: Bool, in sql: any SQLDatabase) async throws {
        let attempts: SQLQueryString = refund ? "attempts = attempts - 1, " : ""
        try await sql.raw(
            """
            UPDATE messages SET status = 'queued', \(attempts)next_attempt_at = \(bind: at), error_code = \(bind: code), error_detail = \(bind: detail),
                lease_owner = NULL, lease_expires_at = NULL, attempted_at = CASE WHEN \(bind: refund) THEN NULL ELSE attempted_at END, updated_at = \(bind: Date())
            WHERE id = \(bind: id) AND status = 'sending'
            """
        ).run()
    }

    static func fail(
        _ r: Recipient, code: Int?, detail: String, status: String, at: Date, workspaceID: UUID, dialect: Dialect, in sql: any SQLDatabase
    ) async throws {
        let failed = try await sql.raw(
            """
            UPDATE messages SET status = \(bind: status), error_code = \(bind: code), error_detail = \(bind: detail), failed_at = \(bind: at),
                country = CASE WHEN cohort_at IS NULL THEN \(bind: r.address.country) ELSE country END, cohort_at = COALESCE(cohort_at, \(bind: at)),
                lease_owner = NULL, lease_expires_at = NULL, updated_at = \(bind: at)
            WHERE id = \(bind: r.messageID) AND status = 'sending' RETURNING id
            """
        ).first()
        guard failed != nil else { return }
        try await EventWriter.recordAndFlush([EventRecord(
            workspaceID: workspaceID, contactID: r.contactID, campaignID: r.campaignID, messageID: r.messageID, variationID: r.variationID,
            type: "failed", at: at, dedupeKey: "failed:\(r.messageID.uuidString.lowercased())", errorCode: code
        )], dialect: dialect, in: sql)
    }

    /// Stops the account and holds every campaign sending from it or scheduled on it, with a critical alert.
    static func halt(accountID: UUID, workspaceID: UUID, detail: String, in sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            UPDATE whatsapp_accounts SET status = 'halted', status_reason = \(bind: detail), updated_at = \(bind: Date())
            WHERE id = \(bind: accountID)
            """
        ).run()
        try await CampaignStore.perform(.hold, on: .account(accountID), reason: "account halted: " + detail, in: sql)
        try await AlertStore.raise(
            workspaceID: workspaceID, level: "critical", kind: "account_halted",
            message: "Sending from this WhatsApp account stopped: \(detail). Fix the account in Settings, then resume it and its campaigns.",
            accountID: accountID, in: sql
        )
    }
}
