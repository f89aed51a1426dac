import Contacts
import Foundation
import WhatsApp

/// How Herald reaches a contact on WhatsApp: by phone while one is known, else by business-scoped user id
/// (sent as `recipient`). One place for the rules that depend on it: the +1 marketing rule and pricing.
struct ContactAddress: Sendable, Equatable {
    let phone: String?
    let bsuid: String?

    /// What a send uses: the phone's digits, else the BSUID; nil for neither (a stored contact always has one).
    var message: MessageAddress? {
        if let phone { return .phone(WhatsAppRecipient.digits(fromE164: phone)) }
        return bsuid.map { .businessScopedUserID($0) }
    }

    /// The BSUID a send used, when it went by BSUID.
    var sentBSUID: String? { phone == nil ? bsuid : nil }

    /// The calling code that prices the message and decides the +1 rule: the phone's, else that of the BSUID's country.
    var pricingPrefix: String? {
        if let phone { return phone }
        guard let bsuid, bsuid.count > 2, let code = PhoneNumber.callingCode(forCountry: String(bsuid.prefix(2))) else { return nil }
        return "+" + code
    }

    /// The recipient's country (ISO 3166 alpha-2) for reports: the phone's, else the BSUID's; nil when neither says.
    var country: String? {
        if let phone, let parsed = try? PhoneNumber.parse(phone, defaultCountry: nil) { return parsed.country }
        guard let bsuid, bsuid.count > 2 else { return nil }
        let code = String(bsuid.prefix(2)).uppercased()
        return PhoneNumber.isKnownCountry(code) ? code : nil
    }

    /// Meta does not deliver marketing templates to US and Canadian users: a +1 phone, or a BSUID of a +1 country.
    var isNANP: Bool { pricingPrefix.map(WhatsAppRecipient.isNANP) ?? false }

    /// The same rules for a country's two letters, as pre-flight counts phone-less contacts by them.
    static func pricingPrefix(country: String) -> String? {
        PhoneNumber.callingCode(forCountry: country).map { "+" + $0 }
    }
}
