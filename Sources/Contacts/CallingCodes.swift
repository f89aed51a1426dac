/// ITU-T E.164 country calling codes and their ISO 3166-1 alpha-2 countries.
enum CallingCodes {
    /// Every assigned geographic calling code mapped to its main country.
    /// Codes shared by several countries map to the main one; the others are
    /// listed in `sharedCountries` and some are told apart by `regions`.
    static let countryByCode: [String: String] = [
        // Zone 1: North American Numbering Plan (see NANPAreaCodes).
        "1": "US",
        // Zone 2: Africa and some islands.
        "20": "EG", "211": "SS", "212": "MA", "213": "DZ", "216": "TN", "218": "LY",
        "220": "GM", "221": "SN", "222": "MR", "223": "ML", "224": "GN", "225": "CI",
        "226": "BF", "227": "NE", "228": "TG", "229": "BJ", "230": "MU", "231": "LR",
        "232": "SL", "233": "GH", "234": "NG", "235": "TD", "236": "CF", "237": "CM",
        "238": "CV", "239": "ST", "240": "GQ", "241": "GA", "242": "CG", "243": "CD",
        "244": "AO", "245": "GW", "246": "IO", "247": "SH", "248": "SC", "249": "SD",
        "250": "RW", "251": "ET", "252": "SO", "253": "DJ", "254": "KE", "255": "TZ",
        "256": "UG", "257": "BI", "258": "MZ", "260": "ZM", "261": "MG", "262": "RE",
        "263": "ZW", "264": "NA", "265": "MW", "266": "LS", "267": "BW", "268": "SZ",
        "269": "KM", "27": "ZA", "290": "SH", "291": "ER", "297": "AW", "298": "FO",
        "299": "GL",
        // Zones 3 and 4: Europe.
        "30": "GR", "31": "NL", "32": "BE", "33": "FR", "34": "ES", "350": "GI",
        "351": "PT", "352": "LU", "353": "IE", "354": "IS", "355": "AL", "356": "MT",
        "357": "CY", "358": "FI", "359": "BG", "36": "HU", "370": "LT", "371": "LV",
        "372": "EE", "373": "MD", "374": "AM", "375": "BY", "376": "AD", "377": "MC",
        "378": "SM", "379": "VA", "380": "UA", "381": "RS", "382": "ME", "383": "XK",
        "385": "HR", "386": "SI", "387": "BA", "389": "MK", "39": "IT",
        "40": "RO", "41": "CH", "420": "CZ", "421": "SK", "423": "LI", "43": "AT",
        "44": "GB", "45": "DK", "46": "SE", "47": "NO", "48": "PL", "49": "DE",
        // Zone 5: Central and South America.
        "500": "FK", "501": "BZ", "502": "GT", "503": "SV", "504": "HN", "505": "NI",
        "506": "CR", "507": "PA", "508": "PM", "509": "HT", "51": "PE", "52": "MX",
        "53": "CU", "54": "AR", "55": "BR", "56": "CL", "57": "CO", "58": "VE",
        "590": "GP", "591": "BO", "592": "GY", "593": "EC", "594": "GF", "595": "PY",
        "596": "MQ", "597": "SR", "598": "UY", "599": "CW",
        // Zone 6: Southeast Asia and Oceania.
        "60": "MY", "61": "AU", "62": "ID", "63": "PH", "64": "NZ", "65": "SG",
        "66": "TH", "670": "TL", "672": "NF", "673": "BN", "674": "NR", "675": "PG",
        "676": "TO", "677": "SB", "678": "VU", "679": "FJ", "680": "PW", "681": "WF",
        "682": "CK", "683": "NU", "685": "WS", "686": "KI", "687": "NC", "688": "TV",
        "689": "PF", "690": "TK", "691": "FM", "692": "MH",
        // Zone 7: Russia and Kazakhstan.
        "7": "RU",
        // Zone 8: East Asia.
        "81": "JP", "82": "KR", "84": "VN", "850": "KP", "852": "HK", "853": "MO",
        "855": "KH", "856": "LA", "86": "CN", "880": "BD", "886": "TW",
        // Zone 9: West, Central and South Asia.
        "90": "TR", "91": "IN", "92": "PK", "93": "AF", "94": "LK", "95": "MM",
        "960": "MV", "961": "LB", "962": "JO", "963": "SY", "964": "IQ", "965": "KW",
        "966": "SA", "967": "YE", "968": "OM", "970": "PS", "971": "AE", "972": "IL",
        "973": "BH", "974": "QA", "975": "BT", "976": "MN", "977": "NP", "98": "IR",
        "992": "TJ", "993": "TM", "994": "AZ", "995": "GE", "996": "KG", "998": "UZ",
    ]

    /// Non-geographic codes (global services, satellite networks): valid, but no country.
    static let nonGeographicCodes: Set<String> = [
        "800", "808", "870", "881", "882", "883", "888", "979",
    ]

    /// Countries that dial through another country's code, or whose usable code
    /// differs from the one `countryByCode` would give.
    static let sharedCountries: [String: String] = [
        "KZ": "7",
        "GG": "44", "JE": "44", "IM": "44",
        "AX": "358", "SJ": "47", "VA": "39", "SH": "290",
        "BL": "590", "MF": "590", "BQ": "599", "YT": "262", "TF": "262",
        "CX": "61", "CC": "61", "AQ": "672", "PN": "64", "GS": "500", "EH": "212",
    ]

    /// Countries told apart inside a shared code by the start of the national number.
    static let regions: [String: [(prefix: String, country: String)]] = [
        "7": [("6", "KZ"), ("7", "KZ")],
        "358": [("18", "AX")],
        "262": [("269", "YT"), ("639", "YT")],
        "599": [("3", "BQ"), ("4", "BQ"), ("7", "BQ")],
        "39": [("06698", "VA")],
    ]

    /// ISO country to calling code, covering main and shared countries.
    static let codeByCountry: [String: String] = {
        var result: [String: String] = [:]
        for (code, country) in countryByCode {
            // A country listed under several codes keeps the shortest, then smallest.
            if let existing = result[country],
               (existing.count, existing) < (code.count, code) {
                continue
            }
            result[country] = code
        }
        for country in Set(NANPAreaCodes.countryByAreaCode.values) {
            result[country] = "1"
        }
        result.merge(sharedCountries) { _, shared in shared }
        return result
    }()

    /// Longest calling code in the table, in digits.
    static let maxCodeLength = 3

    /// Finds the calling code at the start of `digits` by longest-prefix match.
    static func match(_ digits: Substring) -> String? {
        for length in stride(from: min(maxCodeLength, digits.count), through: 1, by: -1) {
            let candidate = String(digits.prefix(length))
            if countryByCode[candidate] != nil || nonGeographicCodes.contains(candidate) {
                return candidate
            }
        }
        return nil
    }

    /// Best-guess country for a calling code and national significant number.
    static func country(callingCode: String, nationalNumber: String) -> String? {
        if callingCode == "1" {
            return NANPAreaCodes.country(nationalNumber: nationalNumber)
        }
        for region in regions[callingCode] ?? [] where nationalNumber.hasPrefix(region.prefix) {
            return region.country
        }
        return countryByCode[callingCode]
    }
}
