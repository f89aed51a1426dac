import Foundation

/// A user stopped or resumed marketing messages from the business in WhatsApp's own settings.
public struct UserPreference: Sendable, Equatable {
    /// The user's WhatsApp ID.
    public var waID: String?
    /// The user's business-scoped user ID.
    public var userID: String?
    /// e.g. `User requested to stop marketing messages`.
    public var detail: String?
    /// `marketing_messages`.
    public var category: String
    /// `stop` or `resume` (kept raw).
    public var value: String
    public var timestamp: Date
    /// The business phone number the preference is about (the change's `metadata.phone_number_id`).
    public var phoneNumberID: String?

    public init(
        waID: String? = nil,
        userID: String? = nil,
        detail: String? = nil,
        category: String = "marketing_messages",
        value: String,
        timestamp: Date,
        phoneNumberID: String? = nil
    ) {
        self.waID = waID
        self.userID = userID
        self.detail = detail
        self.category = category
        self.value = value
        self.timestamp = timestamp
        self.phoneNumberID = phoneNumberID
    }

    /// The preference as a consent change: `stop` opts out, `resume` opts back in.
    public var intent: ConsentIntent? {
        switch value.lowercased() {
        case "stop": .optOut
        case "resume": .optIn
        default: nil
        }
    }
}
