/// Whom a message goes to: a phone number while Herald knows it, else the user's business-scoped user ID.
///
/// The Cloud API takes a phone number as `to` and a BSUID (or parent BSUID) as `recipient`; given both,
/// `to` wins, so a request carries exactly one of them.
public enum MessageAddress: Sendable, Hashable {
    /// A phone number as digits only, without `+`.
    case phone(String)
    /// A business-scoped user ID such as `US.13491208655302741918`, or a parent BSUID.
    case businessScopedUserID(String)

    /// The address with a phone number reduced to digits (`+91 98123-45678` → `919812345678`); a BSUID is kept as given.
    public var normalized: MessageAddress {
        switch self {
        case .phone(let number): .phone(WhatsAppRecipient.digits(fromE164: number))
        case .businessScopedUserID: self
        }
    }

    /// The identifier as sent: the phone digits or the BSUID.
    public var value: String {
        switch self {
        case .phone(let digits): digits
        case .businessScopedUserID(let id): id
        }
    }

    /// The `to` field: the phone digits, or nil for a BSUID.
    var to: String? {
        if case .phone(let digits) = self { digits } else { nil }
    }

    /// The `recipient` field: the BSUID, or nil for a phone number.
    var recipient: String? {
        if case .businessScopedUserID(let id) = self { id } else { nil }
    }
}
