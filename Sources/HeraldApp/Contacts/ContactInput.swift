import Contacts
import Foundation

/// Validated changes to one contact. `nil` means "not given"; `.some(nil)` means "clear it".
public struct ContactInput: Sendable {
    public var phone: PhoneNumber??
    public var bsuid: BusinessScopedUserID??
    public var parentBSUID: BusinessScopedUserID??
    public var username: String??
    public var name: String??
    public var email: String??
    public var country: String??
    public var language: String??
    public var city: String??
    public var tags: [String]?
    /// Attributes to set; a `.null` value removes the attribute.
    public var attributes: [String: JSONValue]?
    public var consent: Consent?

    static let builtInFields: Set<String> = writableFields.union(["id", "created_at", "updated_at"])
    static let writableFields: Set<String> = [
        "phone", "bsuid", "parent_bsuid", "username", "name", "email", "country", "language", "city", "tags", "attributes", "consent",
    ]

    public init() {}

    /// The phone or BSUID this input sets, if any: what a new contact is found or created by.
    var phoneNumber: PhoneNumber? { phone ?? nil }
    var userID: BusinessScopedUserID? { bsuid ?? nil }

    /// Reads and checks a JSON object. Every problem names its field, prefixed by `path`. With `requireIdentity`
    /// (a new contact) a phone or a BSUID must be given; a username alone never identifies anyone.
    static func parse(_ reader: FieldReader, rules: ContactRules, requireIdentity: Bool) throws(APIError) -> ContactInput {
        try reader.rejectUnknown(writableFields)
        var input = ContactInput()
        if reader.has("phone") {
            let raw = try reader.string("phone", maxLength: 40)
            input.phone = .some(try raw.map { raw throws(APIError) in try rules.phone(raw, field: reader.name("phone")) })
        }
        if reader.has("bsuid") { input.bsuid = .some(try userID(reader, "bsuid", parent: false)) }
        if reader.has("parent_bsuid") { input.parentBSUID = .some(try userID(reader, "parent_bsuid", parent: true)) }
        if reader.has("username") {
            let raw = try reader.string("username", maxLength: 200)
            do throws(BusinessScopedUserIDError) {
                input.username = .some(try raw.flatMap { raw throws(BusinessScopedUserIDError) in try WhatsAppUsername.normalise(raw) })
            } catch {
                throw APIError.invalid(reader.name("username"), error.message, code: "invalid_username")
            }
        }
        if requireIdentity, input.phoneNumber == nil, input.userID == nil {
            throw APIError.invalid(reader.name("phone"), "a contact needs a phone number or a WhatsApp user ID (bsuid)", code: "required")
        }
        if reader.has("name") { input.name = .some(try reader.string("name", maxLength: 200).flatMap { $0.isEmpty ? nil : $0 }) }
        if reader.has("email") {
            let email = try reader.string("email", maxLength: 254).flatMap { $0.isEmpty ? nil : $0.lowercased() }
            if let email, !UserStore.looksLikeEmail(email) { throw APIError.invalid(reader.name("email"), "'\(email)' is not an email address") }
            input.email = .some(email)
        }
        if reader.has("country") {
            let country = try reader.string("country", maxLength: 2).flatMap { $0.isEmpty ? nil : $0.uppercased() }
            if let country, !PhoneNumber.isKnownCountry(country) {
                throw APIError.invalid(reader.name("country"), "'\(country)' is not a two-letter ISO country code")
            }
            input.country = .some(country)
        }
        if reader.has("language") {
            let language = try reader.string("language", maxLength: 16).flatMap { $0.isEmpty ? nil : $0 }
            if let language, language.range(of: "^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$", options: .regularExpression) == nil {
                throw APIError.invalid(reader.name("language"), "'\(language)' is not a language code such as en or pt_BR")
            }
            input.language = .some(language)
        }
        if reader.has("city") { input.city = .some(try reader.string("city", maxLength: 200).flatMap { $0.isEmpty ? nil : $0 }) }
        if let tags = try reader.strings("tags") { input.tags = try rules.tags(tags, field: reader.name("tags")) }
        if let attributes = try reader.object("attributes") {
            var result: [String: JSONValue] = [:]
            for (key, value) in attributes.fields {
                result[key] = try rules.attribute(key, value, field: attributes.name(key))
            }
            input.attributes = result
        }
        switch reader.fields["consent"] {
        case nil, .null?: break
        case .string(let status)?:
            input.consent = try rules.consent(status: status, source: nil, at: nil, field: reader.name("consent"))
        case .object?:
            let consent = try reader.object("consent")!
            try consent.rejectUnknown(["status", "source", "at"])
            let at = try consent.date("at")
            // A consent time from the future (a typo, a time-zone slip) would outrank every later opt-out.
            if let at, at > Date().addingTimeInterval(ConsentChange.otherClockTolerance) {
                throw APIError.invalid(consent.name("at"), "consent.at is in the future; give the time the contact gave or withdrew consent")
            }
            input.consent = try rules.consent(
                status: try consent.string("status", required: true)!, source: try consent.string("source", maxLength: 100),
                at: at, field: consent.name("status")
            )
        case let other?:
            throw APIError.invalid(reader.name("consent"), "consent must be a status string or an object, not \(other.typeName)", code: "invalid_type")
        }
        return input
    }

    /// Applies the changes to an existing contact (or a blank one for a new phone number or BSUID). A contact's
    /// country, when unknown, comes from its phone number, else from its BSUID.
    func apply(to contact: inout Contact, now: Date) {
        if let phone { contact.phone = phone?.e164 }
        if let bsuid { contact.bsuid = bsuid?.value }
        if let parentBSUID { contact.parentBSUID = parentBSUID?.value }
        if let username { contact.username = username }
        let derivedCountry = phoneNumber?.country ?? userID?.country
        if country == nil, contact.country == nil { contact.country = derivedCountry }
        if let name { contact.name = name }
        if let email { contact.email = email }
        if let country { contact.country = country ?? derivedCountry }
        if let language { contact.language = language }
        if let city { contact.city = city }
        if let tags { contact.tags = tags }
        if let attributes {
            for (key, value) in attributes {
                if value == .null { contact.attributes[key] = nil } else { contact.attributes[key] = value }
            }
        }
        if let consent, consent.status != contact.consent.status || consent.source != contact.consent.source {
            contact.consent = Consent(status: consent.status, source: consent.source, at: consent.at ?? now)
        }
        contact.updatedAt = now
    }
}

extension ContactInput {
    /// A BSUID (or parent BSUID) field: a string of Meta's form, or null to clear it.
    static func userID(_ reader: FieldReader, _ key: String, parent: Bool) throws(APIError) -> BusinessScopedUserID? {
        guard let raw = try reader.string(key, maxLength: 200) else { return nil }
        do throws(BusinessScopedUserIDError) {
            return parent ? try BusinessScopedUserID.parseParent(raw) : try BusinessScopedUserID.parse(raw)
        } catch {
            throw APIError.invalid(reader.name(key), error.message, code: "invalid_bsuid")
        }
    }
}

/// What a workspace's settings say about valid contact data.
struct ContactRules: Sendable {
    let defaultCountry: String?
    let fields: [String: CustomField]

    func phone(_ raw: String, field: String) throws(APIError) -> PhoneNumber {
        do {
            return try PhoneNumber.parse(raw, defaultCountry: defaultCountry)
        } catch {
            throw APIError.invalid(field, error.message, code: "invalid_phone")
        }
    }

    func tags(_ tags: [String], field: String) throws(APIError) -> [String] {
        var seen = Set<String>(), result: [String] = []
        for tag in tags.map({ $0.trimmingCharacters(in: .whitespaces) }) where !tag.isEmpty {
            guard tag.count <= 100 else { throw APIError.invalid(field, "a tag is longer than 100 characters") }
            if seen.insert(tag.lowercased()).inserted { result.append(tag) }
        }
        guard result.count <= 100 else { throw APIError.invalid(field, "a contact can have at most 100 tags") }
        return result
    }

    func attribute(_ key: String, _ value: JSONValue, field: String) throws(APIError) -> JSONValue {
        guard let definition = fields[key] else {
            throw APIError.invalid(field, "'\(key)' is not a custom field of this workspace; define it in Settings first", code: "unknown_field")
        }
        return try definition.normalise(value, field: field)
    }

    func consent(status: String, source: String?, at: Date?, field: String) throws(APIError) -> Consent {
        guard let parsed = Consent.Status(rawValue: status.lowercased()) else {
            throw APIError.invalid(field, "consent must be opted_in, opted_out or unknown")
        }
        return Consent(status: parsed, source: source ?? "api", at: at)
    }
}
