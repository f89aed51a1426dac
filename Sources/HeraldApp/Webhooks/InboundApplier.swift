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

    func apply(_ message: InboundMessage, contacts: [WebhookContact]) async throws {
        let contact = try await findContact(from: message.from, userID: message.userID, profileName: contacts.first?.profileName)
        let keywords = try await ConsentChange.keywords(workspaceID: workspaceID, dialect: dialect, in: sql)
        let intent: ConsentIntent? =
            if let payload = message.buttonPayload { keywords.intent(ofButtonPayload: payload) }
            else if let id = message.interactiveReplyID, let byID = keywords.intent(ofButtonPayload: id) { byID }
            else if let text = message.replyText { keywords.intent(of: text) }
            else { nil }
        guard let contact else { return }
        try await sql.raw(
            "UPDATE contacts SET last_inbound_at = \(bind: message.timestamp), bsuid = COALESCE(\(bind: message.userID), bsuid) WHERE id = \(bind: contact)"
        ).run()
        switch intent {
        case .optOut?:
            let source: ConsentSource = message.buttonPayload != nil || message.interactiveReplyID != nil ? .stopButton : .keyword
            try await ConsentChange.optOut(contactID: contact, source: source, at: message.timestamp, in: sql)
        case .optIn?:
            try await ConsentChange.optIn(contactID: contact, source: .keyword, at: message.timestamp, in: sql)
        case nil: break
        }
        try await recordReply(message, contactID: contact)
    }

    /// Links the reply to the campaign message it answers: by `context.id`, else the latest campaign
    /// message to the contact in the last 72 hours.
    func recordReply(_ message: InboundMessage, contactID: UUID) async throws {
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
        try await sql.raw(
            "UPDATE messages SET replied_at = COALESCE(replied_at, \(bind: message.timestamp)), updated_at = \(bind: Date()) WHERE id = \(bind: target.id)"
        ).run()
        let detail = try String(decoding: JSONEncoder().encode(["type": message.type, "text": message.replyText ?? ""]), as: UTF8.self)
        try await EventWriter.insert(
            workspaceID: workspaceID, contactID: contactID, campaignID: target.campaign, messageID: target.id, variationID: target.variation,
            type: "replied", at: message.timestamp, dedupeKey: "reply:\(message.wamid)", detail: detail, dialect: dialect, in: sql
        )
    }

    func apply(_ preference: UserPreference) async throws {
        guard preference.category.isEmpty || preference.category == "marketing_messages",
            let contact = try await findContact(from: preference.waID, userID: preference.userID, profileName: nil)
        else { return }
        switch preference.value.lowercased() {
        case "stop": try await ConsentChange.optOut(contactID: contact, source: .userPreferences, at: preference.timestamp, in: sql)
        case "resume": try await ConsentChange.optIn(contactID: contact, source: .userPreferences, at: preference.timestamp, in: sql)
        default: break
        }
    }

    /// The contact by phone number, or by the business-scoped user id of a username user.
    func findContact(from: String?, userID: String?, profileName: String?) async throws -> UUID? {
        if let from, !from.isEmpty {
            let phone = "+" + from.filter(\.isNumber)
            if let id = try await sql.raw("SELECT id FROM contacts WHERE workspace_id = \(bind: workspaceID) AND phone = \(bind: phone)").first()?
                .decode(column: "id", as: UUID.self)
            { return id }
        }
        if let userID, !userID.isEmpty {
            return try await sql.raw("SELECT id FROM contacts WHERE workspace_id = \(bind: workspaceID) AND bsuid = \(bind: userID)").first()?
                .decode(column: "id", as: UUID.self)
        }
        return nil
    }
}
