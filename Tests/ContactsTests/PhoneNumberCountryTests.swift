import Testing
@testable import Contacts

@Suite("Phone number countries")
struct PhoneNumberCountryTests {
    private func country(_ raw: String) throws -> String? {
        try PhoneNumber.parse(raw, defaultCountry: nil).country
    }

    @Test("derives +1 countries from the area code, defaulting to US")
    func northAmerica() throws {
        #expect(try country("+1 212 555 0100") == "US")
        #expect(try country("+1 800 555 0100") == "US")
        #expect(try country("+1 416 555 0100") == "CA")
        #expect(try country("+1 514 555 0100") == "CA")
        #expect(try country("+1 876 555 0100") == "JM")
        #expect(try country("+1 787 555 0100") == "PR")
        #expect(try country("+1 242 555 0100") == "BS")
    }

    @Test("tells Kazakhstan from Russia inside +7")
    func russiaAndKazakhstan() throws {
        #expect(try country("+7 912 345 67 89") == "RU")
        #expect(try country("+7 495 123 45 67") == "RU")
        #expect(try country("+7 701 234 56 78") == "KZ")
        #expect(try country("+7 727 123 45 67") == "KZ")
        #expect(try country("+7 612 345 67 89") == "KZ")
    }

    @Test("uses the main country of other shared codes")
    func sharedCodes() throws {
        #expect(try country("+44 1534 123456") == "GB")
        #expect(try country("+262 269 12 34 56") == "YT")
        #expect(try country("+262 262 12 34 56") == "RE")
        #expect(try country("+358 18 123456") == "AX")
        #expect(try country("+358 9 1234567") == "FI")
    }

    @Test("looks up calling codes by country, ignoring case")
    func callingCodeForCountry() {
        #expect(PhoneNumber.callingCode(forCountry: "DE") == "49")
        #expect(PhoneNumber.callingCode(forCountry: "gb") == "44")
        #expect(PhoneNumber.callingCode(forCountry: "US") == "1")
        #expect(PhoneNumber.callingCode(forCountry: "CA") == "1")
        #expect(PhoneNumber.callingCode(forCountry: "JM") == "1")
        #expect(PhoneNumber.callingCode(forCountry: "KZ") == "7")
        #expect(PhoneNumber.callingCode(forCountry: "JE") == "44")
        #expect(PhoneNumber.callingCode(forCountry: "VA") == "39")
        #expect(PhoneNumber.callingCode(forCountry: "SH") == "290")
        #expect(PhoneNumber.callingCode(forCountry: "IE") == "353")
        #expect(PhoneNumber.callingCode(forCountry: "XX") == nil)
        #expect(PhoneNumber.callingCode(forCountry: "") == nil)
    }

    @Test("knows every ISO 3166-1 country that has a calling code")
    func everyCountryIsKnown() {
        let iso = """
            AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ \
            BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM \
            DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS \
            GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN \
            KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ \
            MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM \
            PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV \
            SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI \
            VN VU WF WS YE YT ZA ZM ZW
            """.split(separator: " ").map(String.init)
        #expect(iso.count == 249)
        let withoutPhones: Set = ["BV", "HM", "UM"]
        for code in iso where !withoutPhones.contains(code) {
            #expect(PhoneNumber.isKnownCountry(code), "\(code)")
        }
        #expect(!PhoneNumber.isKnownCountry("ZZ"))
    }

    @Test("finds every calling code in the table by prefix and maps its country back")
    func tableIsConsistent() {
        for (code, iso) in CallingCodes.countryByCode {
            #expect(PhoneNumber.callingCode(forCountry: iso) != nil, "\(iso)")
            #expect(CallingCodes.match(Substring(code + "5555555")) == code)
        }
    }
}
