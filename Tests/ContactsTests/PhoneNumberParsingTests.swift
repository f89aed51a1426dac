import Testing
@testable import Contacts

@Suite("Phone number parsing")
struct PhoneNumberParsingTests {
    /// Input, default country, expected E.164, expected country.
    static let cases: [(String, String?, String, String?)] = [
        // Germany: international, 00 prefix, national with trunk 0, "(0)" notation.
        ("+49 151 1234 5678", nil, "+4915112345678", "DE"),
        ("0049 151 12345678", nil, "+4915112345678", "DE"),
        ("0151 12345678", "DE", "+4915112345678", "DE"),
        ("+49 (0)151 1234-5678", nil, "+4915112345678", "DE"),
        ("030/1234567", "de", "+49301234567", "DE"),
        // United States and Canada.
        ("(415) 555-2671", "US", "+14155552671", "US"),
        ("+1 415.555.2671", nil, "+14155552671", "US"),
        ("1-415-555-2671", "US", "+14155552671", "US"),
        ("+1 (416) 555-0199", nil, "+14165550199", "CA"),
        ("604 555 0101", "CA", "+16045550101", "CA"),
        ("011 44 20 7946 0958", "US", "+442079460958", "GB"),
        // United Kingdom.
        ("+44 20 7946 0958", nil, "+442079460958", "GB"),
        ("020 7946 0958", "GB", "+442079460958", "GB"),
        ("07700 900123", "GB", "+447700900123", "GB"),
        ("+44 (0)20 7946 0958", nil, "+442079460958", "GB"),
        ("0044(0)2079460958", nil, "+442079460958", "GB"),
        ("(0)20 7946 0958", "GB", "+442079460958", "GB"),
        // Italy keeps its leading 0.
        ("06 1234 5678", "IT", "+390612345678", "IT"),
        ("+39 06 1234 5678", nil, "+390612345678", "IT"),
        ("+39 (0)6 1234 5678", nil, "+390612345678", "IT"),
        ("0039 (0)6 1234 5678", nil, "+390612345678", "IT"),
        ("333 123 4567", "IT", "+393331234567", "IT"),
        // More countries in their usual national formats.
        ("06 12 34 56 78", "FR", "+33612345678", "FR"),
        ("612 34 56 78", "ES", "+34612345678", "ES"),
        ("+91 98765 43210", nil, "+919876543210", "IN"),
        ("098765 43210", "IN", "+919876543210", "IN"),
        ("+55 11 91234-5678", nil, "+5511912345678", "BR"),
        ("(11) 3123-4567", "BR", "+551131234567", "BR"),
        ("+52 55 1234 5678", nil, "+525512345678", "MX"),
        ("8 (912) 345-67-89", "RU", "+79123456789", "RU"),
        ("090-1234-5678", "JP", "+819012345678", "JP"),
        ("+86 138 0013 8000", nil, "+8613800138000", "CN"),
        ("0412 345 678", "AU", "+61412345678", "AU"),
        ("0803 123 4567", "NG", "+2348031234567", "NG"),
        ("082 123 4567", "ZA", "+27821234567", "ZA"),
        ("050 123 4567", "AE", "+971501234567", "AE"),
        ("+966 50 123 4567", nil, "+966501234567", "SA"),
        ("010 1234 5678", "EG", "+201012345678", "EG"),
        ("0532 123 45 67", "TR", "+905321234567", "TR"),
        ("0300 1234567", "PK", "+923001234567", "PK"),
        ("0712 345678", "KE", "+254712345678", "KE"),
        ("0917 123 4567", "PH", "+639171234567", "PH"),
        ("0812-3456-7890", "ID", "+6281234567890", "ID"),
        ("06 30 123 4567", "HU", "+36301234567", "HU"),
        ("+353 1 234 5678", nil, "+35312345678", "IE"),
        ("+31 6 12345678", nil, "+31612345678", "NL"),
        ("\u{00A0}+41\u{2009}44 668 18 00 ", nil, "+41446681800", "CH"),
    ]

    @Test("normalises numbers from many countries to E.164", arguments: cases)
    func normalises(_ input: String, _ defaultCountry: String?, _ e164: String, _ country: String?) throws {
        let number = try PhoneNumber.parse(input, defaultCountry: defaultCountry)
        #expect(number.e164 == e164)
        #expect(number.country == country)
        #expect(number.description == e164)
    }

    @Test("splits the calling code from the national number")
    func splitsCallingCode() throws {
        let number = try PhoneNumber.parse("+49 151 1234 5678", defaultCountry: nil)
        #expect(number.callingCode == "49")
        #expect(number.nationalNumber == "15112345678")
    }

    @Test("matches the longest calling code")
    func longestPrefix() throws {
        #expect(try PhoneNumber.parse("+353 1 234 5678", defaultCountry: nil).callingCode == "353")
        #expect(try PhoneNumber.parse("+420 601 123 456", defaultCountry: nil).callingCode == "420")
        #expect(try PhoneNumber.parse("+7 912 345 67 89", defaultCountry: nil).callingCode == "7")
        #expect(try PhoneNumber.parse("+1 242 357 1234", defaultCountry: nil).callingCode == "1")
    }

    @Test("ignores the default country for international numbers")
    func internationalIgnoresDefault() throws {
        let number = try PhoneNumber.parse("+44 20 7946 0958", defaultCountry: "US")
        #expect(number.e164 == "+442079460958")
    }

    @Test("accepts non-geographic codes without a country")
    func nonGeographic() throws {
        let number = try PhoneNumber.parse("+800 1234 5678", defaultCountry: nil)
        #expect(number.e164 == "+80012345678")
        #expect(number.callingCode == "800")
        #expect(number.country == nil)
    }

    @Test("equal numbers parsed from different formats are equal and hash alike")
    func hashable() throws {
        let a = try PhoneNumber.parse("+49 151 1234 5678", defaultCountry: nil)
        let b = try PhoneNumber.parse("0151-1234-5678", defaultCountry: "DE")
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
    }
}
