/// The identifiers and token that let Herald act for one WhatsApp Business account.
///
/// `description` never shows the access token, so credentials can be logged or interpolated safely.
public struct WhatsAppCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The business phone number's ID (not the phone number itself); messages and media go through it.
    public var phoneNumberID: String
    /// The WhatsApp Business Account ID; templates belong to it.
    public var wabaID: String
    /// A system-user or temporary access token, sent as `Authorization: Bearer <token>`.
    public var accessToken: String

    public init(phoneNumberID: String, wabaID: String, accessToken: String) {
        self.phoneNumberID = phoneNumberID
        self.wabaID = wabaID
        self.accessToken = accessToken
    }

    public var description: String {
        "WhatsAppCredentials(phoneNumberID: \(phoneNumberID), wabaID: \(wabaID), accessToken: <redacted>)"
    }

    public var debugDescription: String { description }
}
