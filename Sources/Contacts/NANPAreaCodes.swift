/// Area codes of the North American Numbering Plan (+1) that belong to a
/// country other than the United States.
enum NANPAreaCodes {
    /// Canadian geographic area codes.
    static let canada: [String] = [
        "204", "226", "236", "249", "250", "257", "263", "289", "306", "343", "354",
        "365", "367", "368", "382", "387", "403", "416", "418", "428", "431", "437",
        "438", "450", "460", "468", "474", "506", "514", "519", "548", "579", "581",
        "584", "587", "604", "613", "639", "647", "672", "683", "705", "709", "742",
        "753", "778", "780", "782", "807", "819", "825", "867", "873", "879", "902",
        "905", "942",
    ]

    /// Caribbean and Pacific members of the plan.
    static let islands: [String: String] = [
        "242": "BS", "246": "BB", "264": "AI", "268": "AG", "284": "VG", "340": "VI",
        "345": "KY", "441": "BM", "473": "GD", "649": "TC", "658": "JM", "664": "MS",
        "670": "MP", "671": "GU", "684": "AS", "721": "SX", "758": "LC", "767": "DM",
        "784": "VC", "787": "PR", "809": "DO", "829": "DO", "849": "DO", "868": "TT",
        "869": "KN", "876": "JM", "939": "PR",
    ]

    /// Every non-US area code mapped to its country.
    static let countryByAreaCode: [String: String] = {
        var result = islands
        for code in canada {
            result[code] = "CA"
        }
        return result
    }()

    /// Country for a 10-digit NANP national number; "US" when the area code is not listed.
    static func country(nationalNumber: String) -> String {
        countryByAreaCode[String(nationalNumber.prefix(3))] ?? "US"
    }
}
