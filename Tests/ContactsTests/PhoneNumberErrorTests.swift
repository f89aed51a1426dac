import Testing
import Contacts

@Suite("Phone number errors")
struct PhoneNumberErrorTests {
    private func error(_ raw: String, _ defaultCountry: String? = nil) -> PhoneNumberError? {
        do {
            _ = try PhoneNumber.parse(raw, defaultCountry: defaultCountry)
            return nil
        } catch {
            return error
        }
    }

    @Test("rejects input without digits as empty", arguments: ["", "   ", "+", "( ) -"])
    func empty(_ raw: String) {
        #expect(error(raw, "DE") == .empty)
    }

    @Test("rejects letters and stray symbols", arguments: [
        "+49 151 CALL ME", "555-CALL", "+49+151", "49+151", "#123 456 789", "415 555 2671 x12", "٤١٥٥٥٥٢٦٧١",
    ])
    func invalidCharacters(_ raw: String) {
        #expect(error(raw, "US") == .invalidCharacters)
    }

    @Test("requires a country code when there is no default country", arguments: [
        "(415) 555-2671", "0151 12345678", "020 7946 0958",
    ])
    func missingCountryCode(_ raw: String) {
        #expect(error(raw) == .missingCountryCode)
    }

    @Test("rejects calling codes that do not exist")
    func unknownCountryCode() {
        #expect(error("+999 123 456 789") == .unknownCountryCode)
        #expect(error("+425 1234 5678") == .unknownCountryCode)
        #expect(error("+0 123 456 789") == .unknownCountryCode)
        #expect(error("00 0 123 456 789") == .unknownCountryCode)
    }

    @Test("rejects an unknown default country for national numbers")
    func unknownDefaultCountry() {
        #expect(error("0151 12345678", "XX") == .unknownCountryCode)
    }

    @Test("rejects numbers of the wrong length", arguments: [
        ("+49 12345", nil),                 // 7 digits in total
        ("+1", nil),                        // calling code only
        ("+1 415 555 267", nil),            // NANP needs 10 digits
        ("+1 415 555 26711", nil),
        ("+44 20 7946 09581", nil),         // GB: 9 or 10
        ("+33 6 12 34 56 7", nil),          // FR: 9
        ("+91 98765 4321", nil),            // IN: 10
        ("+49 1234 5678 9012 3456", nil),   // more than 15 digits
        ("+264 1234567890123", nil),        // 16 digits, no per-country rule
        ("0151 12", "DE"),
        ("(415) 555-267", "US"),
    ] as [(String, String?)])
    func wrongLength(_ raw: String, _ defaultCountry: String?) {
        #expect(error(raw, defaultCountry) == .wrongLength)
    }

    @Test("explains every error in a sentence")
    func messages() {
        let all: [PhoneNumberError] = [.empty, .invalidCharacters, .missingCountryCode, .unknownCountryCode, .wrongLength]
        #expect(Set(all.map(\.message)).count == all.count)
        for error in all {
            #expect(error.message.hasPrefix("phone number "))
        }
        #expect(PhoneNumberError.missingCountryCode.message
            == "phone number must include a country code, like +44 20 7946 0958")
    }
}
