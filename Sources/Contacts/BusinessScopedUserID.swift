/// A WhatsApp business-scoped user ID (BSUID): the stable id Meta gives a user per business portfolio, sent as
/// `user_id` in webhooks and accepted as `recipient` when sending. A user with a username may reach a business with
/// a BSUID and no phone number.
///
/// Format: the user's ISO 3166 alpha-2 country, a period, then up to 128 letters or digits (`US.13491208655302741918`).
/// A parent BSUID, shared by linked portfolios, has `ENT` after the country (`US.ENT.1181…`).
public struct BusinessScopedUserID: Sendable, Hashable, CustomStringConvertible {
    /// The id as Meta writes it.
    public let value: String
    /// Whether this is a parent BSUID (`parent_user_id`).
    public let isParent: Bool

    /// The two-letter country the id starts with.
    public var country: String { String(value.prefix(2)) }
    public var description: String { value }

    /// Reads a BSUID, ignoring surrounding white space.
    public static func parse(_ raw: String) throws(BusinessScopedUserIDError) -> BusinessScopedUserID {
        try parse(raw, parent: false)
    }

    /// Reads a parent BSUID, ignoring surrounding white space.
    public static func parseParent(_ raw: String) throws(BusinessScopedUserIDError) -> BusinessScopedUserID {
        try parse(raw, parent: true)
    }

    private static func parse(_ raw: String, parent: Bool) throws(BusinessScopedUserIDError) -> BusinessScopedUserID {
        let text = String(trimmed(Substring(raw)))
        guard !text.isEmpty else { throw .empty }
        var parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == (parent ? 3 : 2), !parent || parts[1] == "ENT" else { throw .malformed }
        let country = parts.removeFirst()
        let local = parts.removeLast()
        guard country.count == 2, country.utf8.allSatisfy({ (65...90).contains($0) }),
            (1...128).contains(local.utf8.count), local.utf8.allSatisfy(isASCIIAlphanumeric)
        else { throw .malformed }
        guard PhoneNumber.isKnownCountry(String(country)) else { throw .unknownCountry }
        return BusinessScopedUserID(value: text, isParent: parent)
    }

    private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
    }
}

/// A WhatsApp username. Users change it at will, so it is never what identifies them; Herald keeps it to show and find.
public enum WhatsAppUsername {
    public static let maxLength = 100

    /// The stored form: trimmed, without one leading `@`, lower-case (our choice, so a search for `@Krish` finds `krish`).
    /// Nil when nothing is left.
    public static func normalise(_ raw: String) throws(BusinessScopedUserIDError) -> String? {
        var text = trimmed(Substring(raw))
        if text.hasPrefix("@") { text = text.dropFirst() }
        let name = trimmed(text).lowercased()
        guard !name.isEmpty else { return nil }
        guard name.count <= maxLength else { throw .usernameTooLong }
        guard !name.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) else {
            throw .malformedUsername
        }
        return name
    }
}

/// `text` without white space at either end (this module does without Foundation).
func trimmed(_ text: Substring) -> Substring {
    var text = text
    while text.first?.isWhitespace == true { text.removeFirst() }
    while text.last?.isWhitespace == true { text.removeLast() }
    return text
}

/// Why a BSUID or a username was refused.
public enum BusinessScopedUserIDError: Error, Sendable, Equatable {
    case empty
    /// Not a country code, a period and 1 to 128 letters or digits (a parent has `ENT.` after the period).
    case malformed
    /// The two letters are not a country.
    case unknownCountry
    case usernameTooLong
    case malformedUsername

    /// A human-readable sentence explaining the problem.
    public var message: String {
        switch self {
        case .empty: "the WhatsApp user ID is empty"
        case .malformed:
            "a WhatsApp user ID is a two-letter country code, a period and up to 128 letters or digits, like US.13491208655302741918"
                + " (a parent ID has ENT. after the period)"
        case .unknownCountry: "the WhatsApp user ID starts with a country code that does not exist"
        case .usernameTooLong: "a WhatsApp username has at most \(WhatsAppUsername.maxLength) characters"
        case .malformedUsername: "a WhatsApp username has no spaces or control characters"
        }
    }
}
