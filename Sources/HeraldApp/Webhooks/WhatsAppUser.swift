import Contacts
import Foundation
import WhatsApp

/// A WhatsApp user as one webhook item names them: a phone when Meta shares it, a business-scoped user id
/// (BSUID) always on current payloads, a parent BSUID and a username when known, and the profile name.
/// Meta is the authority on these values, so they are normalised, not refused: a phone becomes `+digits`,
/// a username is stored the way the contacts API stores it.
struct WhatsAppUser: Sendable, Equatable {
    var phone: String?
    var bsuid: String?
    var parentBSUID: String?
    var username: String?
    var profileName: String?

    init(waID: String?, userID: String?, parentUserID: String? = nil, username: String? = nil, profileName: String? = nil) {
        let digits = waID?.filter(\.isNumber) ?? ""
        phone = digits.isEmpty ? nil : "+" + digits
        bsuid = Self.identifier(userID)
        parentBSUID = Self.identifier(parentUserID)
        self.username = username.flatMap { try? WhatsAppUsername.normalise($0) }
        self.profileName = profileName.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The sender of an inbound message, completed from the delivery's `contacts` entry that names them.
    init(sender message: InboundMessage, contacts: [WebhookContact]) {
        let entry =
            contacts.first { $0.userID != nil && $0.userID == message.userID }
            ?? contacts.first { $0.waID != nil && $0.waID == message.fromPhone }
            ?? (contacts.count == 1 ? contacts.first : nil)
        self.init(
            waID: message.fromPhone ?? entry?.waID, userID: message.userID ?? entry?.userID,
            parentUserID: message.parentUserID ?? entry?.parentUserID, username: entry?.username, profileName: entry?.profileName
        )
    }

    var isEmpty: Bool { phone == nil && bsuid == nil }

    /// The country a new contact gets: the phone's, else the BSUID's two letters.
    var country: String? {
        if let phone, let parsed = try? PhoneNumber.parse(phone, defaultCountry: nil), let country = parsed.country { return country }
        if let bsuid, bsuid.count > 2, PhoneNumber.isKnownCountry(String(bsuid.prefix(2))) { return String(bsuid.prefix(2)) }
        return nil
    }

    private static func identifier(_ raw: String?) -> String? {
        guard let text = raw?.trimmingCharacters(in: .whitespaces), !text.isEmpty, text.count <= 160 else { return nil }
        return text
    }
}
