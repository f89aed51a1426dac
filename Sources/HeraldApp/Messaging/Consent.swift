import Foundation
import WhatsApp
import SQLKit
import Storage

/// Where an opt-out or opt-in came from, stored with the contact.
enum ConsentSource: String {
    case keyword = "whatsapp_keyword"
    case stopButton = "whatsapp_stop_button"
    case userPreferences = "meta_user_preferences"
    case error131050 = "meta_131050"
    /// Not a consent: the time a user unknown to Herald first wrote, when their contact was created with consent unknown.
    case firstMessage = "whatsapp_first_message"
}

/// Consent changes that arrive through WhatsApp. Opted-out contacts are also checked at send time,
/// so a change here stops messages already queued.
///
/// Webhooks arrive late and out of order (Meta retries for days), so a change applies only if it is
/// newer than the contact's stored consent (`consent_at`). Meta's times are whole seconds: an opt-out
/// applies unless the stored consent is at least a second newer, an opt-in only if it is strictly
/// newer, so within the same second an opt-out wins. A stored consent that did not come from WhatsApp
/// (the API, an import) was timed by another clock, so an opt-out yields to it only when it is more than
/// ``otherClockTolerance`` newer: clock skew never keeps someone who said STOP opted in.
enum ConsentChange {
    static let otherClockTolerance: TimeInterval = 300
    static let whatsAppSources = [ConsentSource.keyword, .stopButton, .userPreferences, .error131050, .firstMessage].map(\.rawValue)

    /// Returns whether the contact's consent was written.
    @discardableResult
    static func optOut(contactID: UUID, source: ConsentSource, at: Date, in sql: any SQLDatabase) async throws -> Bool {
        let before = try await status(contactID, in: sql)
        let written = try await sql.raw(
            """
            UPDATE contacts SET consent_status = 'opted_out', consent_source = \(bind: source.rawValue), consent_at = \(bind: at),
                updated_at = \(bind: Date())
            WHERE id = \(bind: contactID)
              AND (consent_at IS NULL OR consent_at < \(bind: at.addingTimeInterval(1))
                OR (COALESCE(consent_source, '') NOT IN (\(binds: whatsAppSources)) AND consent_at < \(bind: at.addingTimeInterval(otherClockTolerance))))
              AND NOT (consent_status = 'opted_out' AND consent_at >= \(bind: at))
            RETURNING workspace_id
            """
        ).first()
        return try await recordHistory(written, contactID: contactID, before: before, after: "opted_out", source: source, at: at, in: sql)
    }

    /// Returns whether the contact's consent was written.
    @discardableResult
    static func optIn(contactID: UUID, source: ConsentSource, at: Date, in sql: any SQLDatabase) async throws -> Bool {
        let before = try await status(contactID, in: sql)
        let written = try await sql.raw(
            """
            UPDATE contacts SET consent_status = 'opted_in', consent_source = \(bind: source.rawValue), consent_at = \(bind: at),
                updated_at = \(bind: Date())
            WHERE id = \(bind: contactID) AND (consent_at IS NULL OR consent_at < \(bind: at))
            RETURNING workspace_id
            """
        ).first()
        return try await recordHistory(written, contactID: contactID, before: before, after: "opted_in", source: source, at: at, in: sql)
    }

    /// The stored status before a change: RETURNING shows only the new row, and the history wants real changes only.
    private static func status(_ contactID: UUID, in sql: any SQLDatabase) async throws -> String? {
        try await sql.raw("SELECT consent_status FROM contacts WHERE id = \(bind: contactID)").first()?.decode(column: "consent_status", as: String.self)
    }

    /// Adds the history row when the update wrote a different status; returns whether it wrote anything.
    private static func recordHistory(
        _ written: (any SQLRow)?, contactID: UUID, before: String?, after: String, source: ConsentSource, at: Date, in sql: any SQLDatabase
    ) async throws -> Bool {
        guard let written else { return false }
        if before != after {
            let change = ConsentHistory.Change(contactID: contactID, status: after, source: source.rawValue, at: at)
            try await ConsentHistory.record(workspaceID: try written.decode(column: "workspace_id", as: UUID.self), [change], in: sql)
        }
        return true
    }

    /// The workspace's keywords, or the defaults when it has not set its own.
    static func keywords(workspaceID: UUID, dialect: Dialect, in sql: any SQLDatabase) async throws -> ConsentKeywords {
        let text = try await sql.raw("SELECT \(dialect.jsonText("opt_out_keywords")) AS k FROM workspaces WHERE id = \(bind: workspaceID)")
            .first()?.decode(column: "k", as: String?.self)
        return ConsentKeywordsSetting.decode(text)
    }
}
