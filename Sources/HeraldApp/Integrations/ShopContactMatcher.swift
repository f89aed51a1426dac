import Contacts
import Foundation
import SQLKit

/// Finds a shop's buyer among the workspace's contacts: by phone (normalised to E.164 with the buyer's country, else
/// the connection's), then by email. An unknown buyer with a phone becomes a contact whose consent is unknown: buying
/// never opts anyone in to WhatsApp marketing. Blank name, email and country of a found contact are filled in.
struct ShopContactMatcher {
    let workspaceID: UUID
    let defaultCountry: String?
    let contacts: ContactStore

    enum Match: Equatable {
        case found(UUID, filled: Bool)
        case created(UUID)
        /// No phone Herald can read and no email it knows: the buyer cannot be a WhatsApp contact.
        case none

        var contactID: UUID? {
            switch self {
            case .found(let id, _), .created(let id): id
            case .none: nil
            }
        }
    }

    /// The buyer's phone in E.164, or nil when it is missing or not a phone number.
    func phone(_ buyer: ShopBuyer) -> PhoneNumber? {
        guard let raw = buyer.phone else { return nil }
        let country = buyer.country.flatMap { $0.count == 2 ? $0.uppercased() : nil } ?? defaultCountry
        return try? PhoneNumber.parse(raw, defaultCountry: country)
    }

    func match(_ buyer: ShopBuyer, in sql: any SQLDatabase) async throws -> Match {
        let phone = phone(buyer)
        let email = buyer.email?.lowercased()
        var row: (any SQLRow)?
        if let phone {
            row = try await sql.raw("SELECT id, name, email, country FROM contacts WHERE workspace_id = \(bind: workspaceID) AND phone = \(bind: phone.e164)").first()
        }
        if row == nil, let email {
            row = try await sql.raw(
                "SELECT id, name, email, country FROM contacts WHERE workspace_id = \(bind: workspaceID) AND email = \(bind: email) ORDER BY created_at LIMIT 1"
            ).first()
        }
        if let row {
            let id = try row.decode(column: "id", as: UUID.self)
            let name = try row.decode(column: "name", as: String?.self), known = try row.decode(column: "email", as: String?.self)
            let country = try row.decode(column: "country", as: String?.self)
            let fillName = name == nil ? buyer.name : nil, fillEmail = known == nil ? email : nil
            let fillCountry = country == nil ? phone?.country : nil
            guard fillName != nil || fillEmail != nil || fillCountry != nil else { return .found(id, filled: false) }
            try await sql.raw(
                """
                UPDATE contacts SET name = COALESCE(name, \(bind: fillName)), email = COALESCE(email, \(bind: fillEmail)),
                    country = COALESCE(country, \(bind: fillCountry)), updated_at = \(bind: Date()) WHERE id = \(bind: id)
                """
            ).run()
            return .found(id, filled: true)
        }
        guard let phone else { return .none }
        var contact = ContactStore.blank(phone: phone.e164, now: Date())
        contact.name = buyer.name
        contact.email = email
        contact.country = phone.country
        try await contacts.insert(sql, workspaceID: workspaceID, [contact])
        return .created(contact.id)
    }
}
