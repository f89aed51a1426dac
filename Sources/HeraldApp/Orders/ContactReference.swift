import Contacts
import Foundation
import SQLKit

/// How orders and events name their contact: by id, phone or email.
enum ContactReference: Sendable, Hashable {
    case id(UUID)
    case phone(String)
    case email(String)

    static func parse(_ reader: FieldReader, key: String, rules: ContactRules) throws(APIError) -> ContactReference {
        switch reader.fields[key] {
        case .string(let phone)?:
            return .phone(try rules.phone(phone, field: reader.name(key)).e164)
        case .object?:
            let ref = try reader.object(key)!
            try ref.rejectUnknown(["id", "phone", "email"])
            if let text = try ref.string("id") {
                guard let id = UUID(uuidString: text) else { throw APIError.invalid(ref.name("id"), "id must be a UUID") }
                return .id(id)
            }
            if let phone = try ref.string("phone") { return .phone(try rules.phone(phone, field: ref.name("phone")).e164) }
            if let email = try ref.string("email") { return .email(email.lowercased()) }
            throw APIError.invalid(reader.name(key), "give the contact's id, phone or email", code: "required")
        case nil, .null?:
            throw APIError.invalid(reader.name(key), "\(key) is required: {\"phone\": \"+44...\"}, {\"email\": ...} or {\"id\": ...}", code: "required")
        case let other?:
            throw APIError.invalid(reader.name(key), "\(key) must be an object or a phone string, not \(other.typeName)", code: "invalid_type")
        }
    }

    /// Finds the contact's id; an unknown phone creates a contact (a shop customer Herald has not met).
    func resolve(_ sql: any SQLDatabase, workspaceID: UUID, store: ContactStore, field: String, createByPhone: Bool) async throws -> UUID {
        let row: (any SQLRow)?
        switch self {
        case .id(let id): row = try await sql.raw("SELECT id FROM contacts WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)").first()
        case .phone(let phone): row = try await sql.raw("SELECT id FROM contacts WHERE workspace_id = \(bind: workspaceID) AND phone = \(bind: phone)").first()
        case .email(let email):
            row = try await sql.raw("SELECT id FROM contacts WHERE workspace_id = \(bind: workspaceID) AND email = \(bind: email) ORDER BY created_at LIMIT 1").first()
        }
        if let row { return try row.decode(column: "id", as: UUID.self) }
        if case .phone(let phone) = self, createByPhone {
            let contact = ContactStore.blank(phone: phone, now: Date())
            var withCountry = contact
            withCountry.country = try? PhoneNumber.parse(phone, defaultCountry: nil).country
            try await store.insert(sql, workspaceID: workspaceID, [withCountry])
            return contact.id
        }
        throw APIError.invalid(field, "no contact matches \(self)", code: "unknown_contact")
    }
}
