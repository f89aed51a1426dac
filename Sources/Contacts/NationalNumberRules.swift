/// Per-country rules for national significant numbers: trunk prefixes and lengths.
enum NationalNumberRules {
    /// Allowed national significant number lengths, keyed by calling code.
    static let lengths: [String: ClosedRange<Int>] = [
        "1": 10...10,    // US, CA and the rest of the NANP
        "44": 9...10,    // GB
        "49": 6...13,    // DE
        "91": 10...10,   // IN
        "55": 10...11,   // BR
        "33": 9...9,     // FR
        "34": 9...9,     // ES
        "39": 6...11,    // IT
        "52": 10...10,   // MX
        "62": 8...12,    // ID
        "234": 10...10,  // NG
        "27": 9...9,     // ZA
        "61": 9...9,     // AU
        "971": 8...9,    // AE
        "966": 9...9,    // SA
        "20": 10...10,   // EG
        "90": 10...10,   // TR
        "92": 10...10,   // PK
        "254": 9...9,    // KE
        "63": 10...10,   // PH
    ]

    /// Calling codes (Italy and Vatican City, San Marino) whose leading 0 is part of
    /// the number rather than a trunk prefix.
    static let keepsLeadingZero: Set<String> = ["39", "378"]

    /// Removes the national trunk prefix from a nationally written number.
    static func stripTrunkPrefix(_ digits: Substring, callingCode: String) -> Substring {
        switch callingCode {
        case "1":
            return digits.count == 11 && digits.first == "1" ? digits.dropFirst() : digits
        case "7":
            return digits.count == 11 && digits.first == "8" ? digits.dropFirst() : digits
        case "36":
            return digits.hasPrefix("06") ? digits.dropFirst(2) : digits
        default:
            if keepsLeadingZero.contains(callingCode) { return digits }
            return digits.first == "0" ? digits.dropFirst() : digits
        }
    }

    /// Whether a national significant number has a plausible length for its calling code.
    static func isValidLength(_ nationalNumber: Substring, callingCode: String) -> Bool {
        let total = callingCode.count + nationalNumber.count
        guard !nationalNumber.isEmpty, (8...15).contains(total) else { return false }
        return lengths[callingCode]?.contains(nationalNumber.count) ?? true
    }
}
