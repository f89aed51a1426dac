import Foundation

/// One webhook POST from Meta: up to 1,000 updates about messages, templates and user preferences.
///
/// Deliveries are retried for days, so the same update can arrive twice and out of order.
public struct WebhookDelivery: Sendable, Equatable {
    /// `whatsapp_business_account` for WhatsApp deliveries.
    public var object: String
    public var entries: [WebhookEntry]

    public init(object: String = "whatsapp_business_account", entries: [WebhookEntry]) {
        self.object = object
        self.entries = entries
    }

    /// All changes of all entries, in order.
    public var changes: [WebhookChange] { entries.flatMap(\.changes) }

    /// Parses a delivery body. Unknown fields are ignored, unknown change fields are kept as
    /// `.unknown(field:)`, and single status or message items that cannot be read are skipped.
    /// Throws `WebhookDecodingError` when the body is not a webhook envelope at all.
    public static func decode(_ bytes: [UInt8]) throws -> WebhookDelivery {
        let wire: WebhookWire.Delivery
        do {
            wire = try WireJSON.decode(WebhookWire.Delivery.self, from: bytes)
        } catch {
            throw WebhookDecodingError.malformed(String(describing: error))
        }
        return WebhookDelivery(wire)
    }

    /// The body Meta would POST for this delivery (timestamps as strings of Unix seconds,
    /// except `user_preferences`, where Meta sends numbers).
    public func jsonBody() -> [UInt8] {
        WireJSON.encode(WebhookWire.Delivery(self))
    }
}

/// A delivery body that is not a WhatsApp webhook envelope.
public enum WebhookDecodingError: Error, Sendable, Equatable {
    case malformed(String)
}

/// The updates for one business account within a delivery.
public struct WebhookEntry: Sendable, Equatable {
    /// The WhatsApp Business Account ID.
    public var id: String
    public var changes: [WebhookChange]

    public init(id: String, changes: [WebhookChange]) {
        self.id = id
        self.changes = changes
    }
}

/// One change of an entry, by its `field`.
public enum WebhookChange: Sendable, Equatable {
    /// `messages`: statuses of our messages and messages from users.
    case messages(MessagesValue)
    /// `message_template_status_update`: a template was approved, rejected, paused, disabled, …
    case templateStatus(TemplateStatusUpdate)
    /// `message_template_quality_update`: a template's quality rating changed.
    case templateQuality(TemplateQualityUpdate)
    /// `user_preferences`: users stopped or resumed marketing messages.
    case userPreferences([UserPreference])
    /// `user_id_update`: users' business-scoped user IDs changed (Meta also reports this as `system` messages).
    case userIDUpdates([UserIDChange])
    /// A field Herald does not handle (yet).
    case unknown(field: String)

    /// The webhook field name, e.g. `messages`.
    public var field: String {
        switch self {
        case .messages: "messages"
        case .templateStatus: "message_template_status_update"
        case .templateQuality: "message_template_quality_update"
        case .userPreferences: "user_preferences"
        case .userIDUpdates: "user_id_update"
        case .unknown(let field): field
        }
    }
}
