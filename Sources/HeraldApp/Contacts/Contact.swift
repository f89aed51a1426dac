import Foundation

/// A person the workspace can message, as the API shows it. Known by a phone number (E.164), a WhatsApp
/// business-scoped user ID (`bsuid`) or both; the parent BSUID and the username are kept when known.
public struct Contact: Sendable, Encodable {
    public var id: UUID
    public var phone: String?
    public var bsuid: String?
    public var parentBSUID: String?
    public var username: String?
    public var name: String?
    public var email: String?
    public var country: String?
    public var language: String?
    public var city: String?
    public var tags: [String]
    public var attributes: [String: JSONValue]
    public var consent: Consent
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, phone, bsuid, username, name, email, country, language, city, tags, attributes, consent
        case parentBSUID = "parent_bsuid"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// How lists and pages name the contact: the name, else the phone, else `@username`, else the BSUID.
    public var displayLabel: String {
        name ?? phone ?? username.map { "@" + $0 } ?? bsuid ?? id.uuidString.lowercased()
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(phone, forKey: .phone)
        try c.encode(bsuid, forKey: .bsuid)
        try c.encode(parentBSUID, forKey: .parentBSUID)
        try c.encode(username, forKey: .username)
        try c.encode(name, forKey: .name)
        try c.encode(email, forKey: .email)
        try c.encode(country, forKey: .country)
        try c.encode(language, forKey: .language)
        try c.encode(city, forKey: .city)
        try c.encode(tags, forKey: .tags)
        try c.encode(attributes, forKey: .attributes)
        try c.encode(consent, forKey: .consent)
        try c.encode(ISODate.format(createdAt), forKey: .createdAt)
        try c.encode(ISODate.format(updatedAt), forKey: .updatedAt)
    }
}

/// Whether a contact agreed to marketing messages, how and when.
public struct Consent: Sendable, Encodable, Equatable {
    public enum Status: String, Sendable, CaseIterable { case optedIn = "opted_in", optedOut = "opted_out", unknown }
    public var status: Status
    public var source: String?
    public var at: Date?

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status.rawValue, forKey: .status)
        try c.encode(source, forKey: .source)
        try c.encode(at.map(ISODate.format), forKey: .at)
    }
    enum CodingKeys: String, CodingKey { case status, source, at }
}
