/// Why a phone number could not be normalised to E.164.
public enum PhoneNumberError: Error, Sendable, Equatable {
    /// The input contains no digits.
    case empty
    /// The input contains letters or other symbols that never appear in a phone number.
    case invalidCharacters
    /// The number is written nationally and no default country was given.
    case missingCountryCode
    /// The country calling code (or the default country) is not known.
    case unknownCountryCode
    /// The number has too few or too many digits.
    case wrongLength

    /// A human-readable sentence explaining the problem.
    public var message: String {
        switch self {
        case .empty:
            "phone number is empty"
        case .invalidCharacters:
            "phone number may only contain digits, spaces, dashes, dots, parentheses and a leading +"
        case .missingCountryCode:
            "phone number must include a country code, like +44 20 7946 0958"
        case .unknownCountryCode:
            "phone number has a country code that does not exist"
        case .wrongLength:
            "phone number has the wrong number of digits for its country"
        }
    }
}
