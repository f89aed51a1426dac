/// A phone number normalised to E.164, e.g. "+4915112345678".
public struct PhoneNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number in E.164 form: "+", the calling code, then the national number.
    public let e164: String
    /// The country calling code without "+", e.g. "49".
    public let callingCode: String
    /// Best-guess ISO 3166-1 alpha-2 country, e.g. "DE"; nil for non-geographic codes.
    public let country: String?

    /// The national significant number, i.e. the E.164 digits after the calling code.
    public var nationalNumber: String { String(e164.dropFirst(1 + callingCode.count)) }

    /// The E.164 form.
    public var description: String { e164 }

    /// Parses a phone number written internationally ("+49 151 …", "0049 151 …") or,
    /// when `defaultCountry` (ISO alpha-2) is given, nationally ("0151 …", "(415) 555-2671").
    public static func parse(_ raw: String, defaultCountry: String?) throws(PhoneNumberError) -> PhoneNumber {
        let scanned = try PhoneNumberScanner.scan(raw)
        guard !scanned.digits.isEmpty else { throw .empty }
        let digits = Substring(scanned.digits)
        let defaultCode = defaultCountry.flatMap { callingCode(forCountry: $0) }

        let code: String
        let national: Substring
        if let international = internationalPart(digits, hasPlus: scanned.hasPlus, defaultCode: defaultCode) {
            guard let match = CallingCodes.match(international) else { throw .unknownCountryCode }
            code = match
            national = dropOptionalTrunkZero(international.dropFirst(match.count), of: scanned, callingCode: match)
        } else {
            guard defaultCountry != nil else { throw .missingCountryCode }
            guard let defaultCode else { throw .unknownCountryCode }
            code = defaultCode
            national = NationalNumberRules.stripTrunkPrefix(digits, callingCode: code)
        }
        guard NationalNumberRules.isValidLength(national, callingCode: code) else { throw .wrongLength }

        let nationalNumber = String(national)
        return PhoneNumber(
            e164: "+" + code + nationalNumber,
            callingCode: code,
            country: CallingCodes.country(callingCode: code, nationalNumber: nationalNumber))
    }

    /// The calling code (without "+") of an ISO alpha-2 country, e.g. "44" for "GB".
    public static func callingCode(forCountry iso: String) -> String? {
        CallingCodes.codeByCountry[iso.uppercased()]
    }

    /// Whether an ISO alpha-2 country code is known to have a calling code.
    public static func isKnownCountry(_ iso: String) -> Bool {
        callingCode(forCountry: iso) != nil
    }

    /// Drops a trunk zero written as "(0)" right after the calling code, as in
    /// "+44 (0)20 …", unless the country keeps its leading zero.
    private static func dropOptionalTrunkZero(
        _ national: Substring, of scanned: PhoneNumberScanner.Result, callingCode: String
    ) -> Substring {
        // `national` is a suffix of the scanned ASCII digits.
        let nationalOffset = scanned.digits.utf8.count - national.utf8.count
        guard scanned.optionalZeroOffset == nationalOffset,
              !NationalNumberRules.keepsLeadingZero.contains(callingCode)
        else { return national }
        return national.dropFirst()
    }

    /// The digits after the international prefix ("+", "00", or "011" in the NANP), if any.
    private static func internationalPart(_ digits: Substring, hasPlus: Bool, defaultCode: String?) -> Substring? {
        if hasPlus { return digits }
        if digits.hasPrefix("00") { return digits.dropFirst(2) }
        if defaultCode == "1", digits.hasPrefix("011") { return digits.dropFirst(3) }
        return nil
    }
}
