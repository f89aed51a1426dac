import Foundation
import SQLKit
import Storage
import WhatsApp

/// Inbound messages and preference changes: replies to campaign messages, and consent from
/// keywords, the stop-promotions button and Meta's marketing preference.
struct InboundApplier {
    let workspaceID: UUID
    let dialect: Dialect
    let sql: any SQLDatabase
    static let replyWindow: TimeInterval = 72 * 3600

    var identities: ContactIdentityStore { ContactIdentityStore(workspaceID: workspaceID, dialect: dialect, sql: sql) }

    /// Applies one inbound message: a number or BSUID change, or a message from a user who is found (by BSUID, then
    /// phone) or becomes a contact; a STOP opts out every contact that holds the user's identifiers.
    func apply(_ message: InboundMessage, contacts: [WebhookContact]) async throws {
        if message.system != nil {
            if let change = IdentityApplier.change(from: message) {
                try await IdentityApplier(workspaceID: workspaceID, dialect: dialect, sql: sql).apply(change)
            }
            return
        }
        let user = WhatsAppUser(sender: message, contacts: contacts)
        let keywords = try await ConsentChange.keywords(workspaceID: workspaceID, dialect: dialect, in: sql)
        let intent: ConsentIntent? =
            if let payload = message.buttonPayload { keywords.intent(ofButtonPayload: payload) }
            else if let id = message.interactiveReplyID, let byID = keywords.intent(ofButtonPayload: id) { byID }
            else if let text = message.replyText { keywords.intent(of: text) }
            else { nil }
        guard let match = try await identities.findOrCreate(user, at: message.timestamp) else { return }
        try await learn(user, match: match, at: message.timestamp)
        try await sql.raw(
            """
            UPDATE contacts SET last_inbound_at = CASE WHEN last_inbound_at IS NULL OR last_inbound_at < \(bind: message.timestamp)
                THEN \(bind: message.timestamp) ELSE last_inbound_at END
            WHERE id = \(bind: match.id)
            """
        ).run()
        switch intent {
        case .optOut?:
            let source: ConsentSource = message.buttonPayload != nil || message.interactiveReplyID != nil ? .stopButton : .keyword
            for contact in [match.id, match.duplicate].compactMap({ $0 }) {
                try await ConsentChange.optOut(contactID: contact, source: source, at: message.timestamp, in: sql)
            }
        case .optIn? where !match.created:
            // A stranger's first word does not make them a subscriber: their consent stays unknown.
            try await ConsentChange.optIn(contactID: match.id, source: .keyword, at: message.timestamp, in: sql)
        default: break
        }
        try await recordReply(message, contactID: match.id, optsOut: intent == .optOut)
    }

    /// Completes the contact from the payload, applies identity changes that waited for what it learned, and reports
    /// two contacts for one user.
    func learn(_ user: WhatsAppUser, match: ContactIdentityStore.Match, at: Date) async throws {
        if try await identities.learn(user, contactID: match.id, at: at) || match.created {
            try await IdentityApplier(workspaceID: workspaceID, dialect: dialect, sql: sql).applyPending(contactID: match.id)
        }
        if let duplicate = match.duplicate {
            try await AlertStore.raise(
                workspaceID: workspaceID, level: "info", kind: "contact_duplicate",
                message: "Contacts \(match.id.uuidString.lowercased()) (by WhatsApp user id) and \(duplicate.uuidString.lowercased()) (by phone) are the same WhatsApp user; merge them by hand. Opt-outs apply to both.",
                perMessage: true, in: sql
            )
        }
    }

    /// Links the reply to the campaign message it answers: by `context.id`, else the latest campaign
    /// message to the contact in the last 72 hours. An opt-out also marks the message (`opted_out_at`), so an A/B
    /// test's reply metric does not count a STOP as a success and shows opt-outs per variation.
    func recordReply(_ message: InboundMessage, contactID: UUID, optsOut: Bool = false) async throws {
        var target: (id: UUID, campaign: UUID, variation: UUID?)?
        if let context = message.contextID {
            target = try await sql.raw(
                "SELECT id, campaign_id, variation_id FROM messages WHERE workspace_id = \(bind: workspaceID) AND wamid = \(bind: context)"
            ).first().map { (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "campaign_id", as: UUID.self), try $0.decode(column: "variation_id", as: UUID?.self)) }
        }
        if target == nil {
            target = try await sql.raw(
                """
                SELECT id, campaign_id, variation_id FROM messages
                WHERE contact_id = \(bind: contactID) AND COALESCE(accepted_at, attempted_at) > \(bind: message.timestamp.addingTimeInterval(-Self.replyWindow))
                  AND status NOT IN ('queued', 'suppressed', 'cancelled')
                ORDER BY COALESCE(accepted_at, attempted_at) DESC LIMIT 1
                """
            ).first().map { (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "campaign_id", as: UUID.self), try $0.decode(column: "variation_id", as: UUID?.self)) }
        }
        guard let target else { return }
        if optsOut {
            try await sql.raw(
                """
                UPDATE messages SET opted_out_at = COALESCE(opted_out_at, \(bind: message.timestamp)), updated_at = \(bind: Date())
                WHERE id = \(bind: target.id)
                """
            ).run()
        }
        let detail = try String(decoding: JSONEncoder().encode(["type": message.type, "text": message.replyText ?? ""]), as: UTF8.self)
        // The writer keeps the message's reply count and first reply (replied_at) for new replies only.
        try await EventWriter.recordAndFlush([EventRecord(
            workspaceID: workspaceID, contactID: contactID, campaignID: target.campaign, messageID: target.id, variationID: target.variation,
            type: "replied", at: message.timestamp, dedupeKey: "reply:\(message.wamid)", detail: detail
        )], dialect: dialect, in: sql)
    }

    /// Meta's marketing preference: `stop` from a user Herald has never seen still creates an opted-out contact, so a
    /// later import of their number cannot message them; `resume` applies only to a known contact.
    func apply(_ preference: UserPreference) async throws {
        guard preference.category.isEmpty || preference.category == "marketing_messages" else { return }
        let user = WhatsAppUser(waID: preference.waID, userID: preference.userID)
        switch preference.value.lowercased() {
        case "stop":
            guard let match = try await identities.findOrCreate(user, at: preference.timestamp) else { return }
            try await learn(user, match: match, at: preference.timestamp)
            for contact in [match.id, match.duplicate].compactMap({ $0 }) {
                try await ConsentChange.optOut(contactID: contact, source: .userPreferences, at: preference.timestamp, in: sql)
            }
        case "resume":
            guard let match = try await identities.find(user, at: preference.timestamp) else { return }
            try await ConsentChange.optIn(contactID: match.id, source: .userPreferences, at: preference.timestamp, in: sql)
        default: break
        }
    }
}
