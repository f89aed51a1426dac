import Contacts
import Testing

@Suite("Business-scoped user IDs and usernames")
struct BusinessScopedUserIDTests {
    @Test(
        "a BSUID is a country code, a period and up to 128 letters or digits",
        arguments: [
            "US.13491208655302741918", "DE.1", "GB.abcXYZ019", "US." + String(repeating: "7", count: 128),
        ]
    )
    func valid(_ raw: String) throws {
        let id = try BusinessScopedUserID.parse(" \(raw) ")
        #expect(id.value == raw)
        #expect(id.country == String(raw.prefix(2)))
        #expect(!id.isParent)
    }

    @Test(
        "malformed BSUIDs are refused",
        arguments: [
            "13491208655302741918", "us.1349", "USA.1", "US.", "US-1349", "US.13 49", "US.ENT.1181", "US." + String(repeating: "7", count: 129),
            "+4915112345678",
        ]
    )
    func malformed(_ raw: String) {
        #expect(throws: BusinessScopedUserIDError.malformed) { try BusinessScopedUserID.parse(raw) }
    }

    @Test("an empty BSUID and an unknown country are told apart")
    func emptyAndUnknownCountry() {
        #expect(throws: BusinessScopedUserIDError.empty) { try BusinessScopedUserID.parse("  ") }
        #expect(throws: BusinessScopedUserIDError.unknownCountry) { try BusinessScopedUserID.parse("QQ.1234") }
        #expect(BusinessScopedUserIDError.unknownCountry.message.contains("country"))
    }

    @Test("a parent BSUID has ENT after the country; a plain BSUID is not one")
    func parent() throws {
        let parent = try BusinessScopedUserID.parseParent("US.ENT.11815799212886844830")
        #expect(parent.isParent)
        #expect(parent.country == "US")
        #expect(throws: BusinessScopedUserIDError.malformed) { try BusinessScopedUserID.parseParent("US.1181") }
    }

    @Test(
        "usernames are trimmed, lose one leading @ and are lower-cased",
        arguments: [
            ("@Krish", "krish"), ("  jess.m_1 ", "jess.m_1"), ("@@x", "@x"),
        ]
    )
    func username(_ pair: (String, String)) throws {
        #expect(try WhatsAppUsername.normalise(pair.0) == pair.1)
    }

    @Test("an empty username means none; spaces inside and more than 100 characters are refused")
    func usernameLimits() throws {
        #expect(try WhatsAppUsername.normalise(" @ ") == nil)
        #expect(try WhatsAppUsername.normalise(String(repeating: "a", count: 100))?.count == 100)
        #expect(throws: BusinessScopedUserIDError.usernameTooLong) { try WhatsAppUsername.normalise(String(repeating: "a", count: 101)) }
        #expect(throws: BusinessScopedUserIDError.malformedUsername) { try WhatsAppUsername.normalise("jess m") }
    }
}
