import Foundation

/// Webhook bodies exactly as Meta sends them, for the simulator and for tests.
public enum WebhookPayloads {
    /// A `messages` delivery with status updates of messages we sent.
    public static func statuses(
        wabaID: String,
        phoneNumberID: String,
        displayPhoneNumber: String,
        statuses: [StatusUpdate]
    ) -> [UInt8] {
        let value = MessagesValue(phoneNumberID: phoneNumberID, displayPhoneNumber: displayPhoneNumber, statuses: statuses)
        return delivery(wabaID: wabaID, change: .messages(value))
    }

    /// A `messages` delivery with messages users sent, and the contacts they came from.
    public static func messages(
        wabaID: String,
        phoneNumberID: String,
        displayPhoneNumber: String,
        contacts: [WebhookContact],
        messages: [InboundMessage]
    ) -> [UInt8] {
        let value = MessagesValue(
            phoneNumberID: phoneNumberID,
            displayPhoneNumber: displayPhoneNumber,
            contacts: contacts,
            messages: messages
        )
        return delivery(wabaID: wabaID, change: .messages(value))
    }

    /// A `message_template_status_update` delivery.
    public static func templateStatus(wabaID: String, update: TemplateStatusUpdate) -> [UInt8] {
        delivery(wabaID: wabaID, change: .templateStatus(update))
    }

    /// A `message_template_quality_update` delivery.
    public static func templateQuality(wabaID: String, update: TemplateQualityUpdate) -> [UInt8] {
        delivery(wabaID: wabaID, change: .templateQuality(update))
    }

    /// A `user_preferences` delivery, with the metadata and contacts Meta includes.
    public static func userPreferences(
        wabaID: String,
        phoneNumberID: String,
        displayPhoneNumber: String,
        preferences: [UserPreference]
    ) -> [UInt8] {
        let value = WebhookWire.UserPreferencesValue(
            metadata: .init(displayPhoneNumber: displayPhoneNumber, phoneNumberID: phoneNumberID),
            contacts: preferences.map { WebhookWire.Contact(profile: nil, waID: $0.waID, userID: $0.userID) },
            preferences: preferences.map(WebhookWire.Preference.init)
        )
        let change = WebhookWire.Change(field: "user_preferences", value: .userPreferences(value))
        return WireJSON.encode(
            WebhookWire.Delivery(object: "whatsapp_business_account", entry: [.init(id: LenientString(wabaID), changes: [change])])
        )
    }

    /// A delivery with one entry holding one change.
    public static func delivery(wabaID: String, change: WebhookChange) -> [UInt8] {
        WebhookDelivery(entries: [WebhookEntry(id: wabaID, changes: [change])]).jsonBody()
    }
}
