import Foundation

/// A status of a message we sent: `sent`, `delivered`, `read`, `failed`, `played`, … (kept raw).
///
/// A message read at once may never get `delivered`: `read` implies delivered.
public struct StatusUpdate: Sendable, Equatable {
    /// The wamid returned when the message was sent.
    public var wamid: String
    public var status: String
    public var timestamp: Date
    /// The recipient's WhatsApp ID.
    public var recipientID: String?
    /// The recipient's business-scoped user ID: `recipient_user_id`, else the matching `contacts` entry's `user_id`.
    /// A failed status of a message sent to a phone number has none.
    public var userID: String?
    /// The recipient's phone number (`contacts[].wa_id`) when Meta shares it; failed statuses carry no contacts.
    public var waID: String?
    /// The recipient's parent business-scoped user ID, when parent BSUIDs are enabled.
    public var parentUserID: String?
    /// The recipient's username, on delivered and read statuses of users who have one.
    public var username: String?
    /// Our `biz_opaque_callback_data`, echoed back.
    public var callbackData: String?
    /// What Meta charges for the message; comes with `sent` and with `delivered` or `read`.
    public var pricing: Pricing?
    /// Why the message failed, for `failed`.
    public var errors: [WebhookError]
    /// `conversation.id`, only in free-entry-point windows from v24.0 on.
    public var conversationID: String?

    public init(
        wamid: String,
        status: String,
        timestamp: Date,
        recipientID: String? = nil,
        userID: String? = nil,
        callbackData: String? = nil,
        pricing: Pricing? = nil,
        errors: [WebhookError] = [],
        conversationID: String? = nil,
        waID: String? = nil,
        parentUserID: String? = nil,
        username: String? = nil
    ) {
        self.wamid = wamid
        self.status = status
        self.timestamp = timestamp
        self.recipientID = recipientID
        self.userID = userID
        self.callbackData = callbackData
        self.pricing = pricing
        self.errors = errors
        self.conversationID = conversationID
        self.waID = waID
        self.parentUserID = parentUserID
        self.username = username
    }
}

/// The `pricing` object of a status.
public struct Pricing: Sendable, Equatable {
    public var billable: Bool?
    /// `PMP` (per-message pricing) since 2025-07-01.
    public var pricingModel: String?
    /// `regular` is charged; `free_customer_service` and `free_entry_point` are not.
    public var type: String?
    /// `marketing`, `utility`, `authentication`, `service`, …
    public var category: String?

    public init(billable: Bool? = nil, pricingModel: String? = nil, type: String? = nil, category: String? = nil) {
        self.billable = billable
        self.pricingModel = pricingModel
        self.type = type
        self.category = category
    }

    /// Whether Meta charges for the message: `type` is `regular`, or (older payloads) `billable` is true.
    public var isCharged: Bool { type.map { $0 == "regular" } ?? (billable ?? false) }
}

/// An error in a `failed` status, with the same codes as `CloudAPIError`.
public struct WebhookError: Sendable, Equatable {
    public var code: Int
    public var title: String?
    public var message: String?
    /// `error_data.details`.
    public var details: String?
    /// A link to Meta's page about the error code.
    public var href: String?

    public init(code: Int, title: String? = nil, message: String? = nil, details: String? = nil, href: String? = nil) {
        self.code = code
        self.title = title
        self.message = message
        self.details = details
        self.href = href
    }

    /// What a bulk sender does about this error.
    public var action: ErrorAction { ErrorAction.classify(code: code) }
}
