/// The simulator's own calling code → country table, enough to give simulated users a plausible
/// BSUID country (the simulator shares no code with Herald). Longest prefix wins; a number whose
/// code is not listed belongs to `ZZ` (ISO's user-assigned code).
enum UserCountries {
    static let byCallingCode: [String: String] = [
        "1": "US", "7": "RU", "20": "EG", "27": "ZA", "30": "GR", "31": "NL", "32": "BE", "33": "FR", "34": "ES", "36": "HU",
        "39": "IT", "40": "RO", "41": "CH", "43": "AT", "44": "GB", "45": "DK", "46": "SE", "47": "NO", "48": "PL", "49": "DE",
        "51": "PE", "52": "MX", "53": "CU", "54": "AR", "55": "BR", "56": "CL", "57": "CO", "58": "VE", "60": "MY", "61": "AU",
        "62": "ID", "63": "PH", "64": "NZ", "65": "SG", "66": "TH", "81": "JP", "82": "KR", "84": "VN", "86": "CN", "90": "TR",
        "91": "IN", "92": "PK", "93": "AF", "94": "LK", "95": "MM", "98": "IR", "212": "MA", "213": "DZ", "216": "TN",
        "221": "SN", "225": "CI", "233": "GH", "234": "NG", "237": "CM", "251": "ET", "254": "KE", "255": "TZ", "256": "UG",
        "260": "ZM", "263": "ZW", "351": "PT", "352": "LU", "353": "IE", "358": "FI", "359": "BG", "370": "LT", "371": "LV",
        "372": "EE", "380": "UA", "381": "RS", "385": "HR", "386": "SI", "420": "CZ", "421": "SK", "502": "GT", "503": "SV",
        "506": "CR", "507": "PA", "591": "BO", "593": "EC", "595": "PY", "598": "UY", "852": "HK", "880": "BD", "886": "TW",
        "961": "LB", "962": "JO", "965": "KW", "966": "SA", "968": "OM", "971": "AE", "972": "IL", "974": "QA", "977": "NP",
    ]

    /// Countries of the North American Numbering Plan (calling code 1), where Meta does not deliver marketing templates.
    static let northAmerican: Set<String> = [
        "US", "CA", "PR", "VI", "GU", "AS", "MP", "AG", "AI", "BB", "BM", "BS", "DM", "DO", "GD", "JM", "KN", "KY", "LC", "MS",
        "SX", "TC", "TT", "VC", "VG",
    ]

    /// The ISO 3166 alpha-2 country of a phone number given as digits.
    static func country(ofPhone digits: String) -> String {
        for length in [3, 2, 1] where digits.count > length {
            if let country = byCallingCode[String(digits.prefix(length))] { return country }
        }
        return "ZZ"
    }
}
