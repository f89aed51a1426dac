/// The value of a `messages` change: what happened to our messages and what users sent us,
/// for one business phone number.
public struct MessagesValue: Sendable, Equatable {
    /// The business phone number's ID (`metadata.phone_number_id`).
    public var phoneNumberID: String?
    /// The business phone number as shown (`metadata.display_phone_number`).
    public var displayPhoneNumber: String?
    /// The users the inbound messages came from, and (from 2026) the recipients of sent, delivered and read statuses.
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
    /// The parent business-scoped user ID (`parent_user_id`, e.g. `US.ENT.1181…`), when Meta enables it for linked portfolios.
    public var parentUserID: String?
    /// The user's WhatsApp username (`profile.username`), when they have one. It can change at any time: never an identity key.
    public var username: String?

    public init(
        waID: String? = nil,
        userID: String? = nil,
        profileName: String? = nil,
        parentUserID: String? = nil,
        username: String? = nil
    ) {
        self.waID = waID
        self.userID = userID
        self.profileName = profileName
        self.parentUserID = parentUserID
        self.username = username
    }
}
