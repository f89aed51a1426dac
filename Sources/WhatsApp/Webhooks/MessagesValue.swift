/// The value of a `messages` change: what happened to our messages and what users sent us,
/// for one business phone number.
public struct MessagesValue: Sendable, Equatable {
    /// The business phone number's ID (`metadata.phone_number_id`).
    public var phoneNumberID: String?
    /// The business phone number as shown (`metadata.display_phone_number`).
    public var displayPhoneNumber: String?
    /// The users the inbound messages came from.
    public var contacts: [WebhookContact]
    /// Status updates of messages we sent.
    public var statuses: [StatusUpdate]
    /// Messages users sent us.
    public var messages: [InboundMessage]

    public init(
        phoneNumberID: String? = nil,
        displayPhoneNumber: String? = nil,
        contacts: [WebhookContact] = [],
        statuses: [StatusUpdate] = [],
        messages: [InboundMessage] = []
    ) {
        self.phoneNumberID = phoneNumberID
        self.displayPhoneNumber = displayPhoneNumber
        self.contacts = contacts
        self.statuses = statuses
        self.messages = messages
    }
}

/// A user named in a `messages` change.
public struct WebhookContact: Sendable, Equatable {
    /// The user's WhatsApp ID (normally their phone number in digits); absent for some username users.
    public var waID: String?
    /// The business-scoped user ID, e.g. `IN.1410018717833190`, given alongside or instead of `waID`.
    public var userID: String?
    /// The name on the user's WhatsApp profile.
    public var profileName: String?

    public init(waID: String? = nil, userID: String? = nil, profileName: String? = nil) {
        self.waID = waID
        self.userID = userID
        self.profileName = profileName
    }
}
