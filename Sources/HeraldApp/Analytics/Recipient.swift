import Foundation

/// How far a campaign message got with its recipient. The furthest milestone wins (converted → clicked → read →
/// delivered); a message that failed before it was delivered shows `failed` even if Meta first said `sent`; one that
/// never left Herald shows `queued`, `suppressed` (opted out or not sendable) or `imported` (history without milestones).
public enum RecipientStep: String, Sendable, CaseIterable, Encodable {
    case converted, clicked, read, delivered, failed, sent, suppressed, imported, queued
}

/// What a campaign's recipient list and its CSV are filtered by. `after` is the contact id the page starts after.
public struct RecipientFilter: Sendable, Equatable {
    public var search: String?
    public var step: RecipientStep?
    public var after: UUID?
    public var limit: Int

    public init(search: String? = nil, step: RecipientStep? = nil, after: UUID? = nil, limit: Int = 50) {
        self.search = search
        self.step = step
        self.after = after
        self.limit = limit
    }
}

/// One recipient of a campaign: the contact, the message's dimensions, its step and when it reached each milestone.
public struct RecipientRow: Sendable, Encodable, Equatable {
    public struct Variation: Sendable, Encodable, Equatable {
        public let id: UUID
        public let name: String?
    }

    public let contactID: UUID
    public let messageID: UUID
    public let name: String?
    public let phone: String?
    public let bsuid: String?
    public let variation: Variation?
    public let country: String?
    public let status: String
    public let step: RecipientStep
    public let sentAt: Date?
    public let deliveredAt: Date?
    public let readAt: Date?
    public let clickedAt: Date?
    public let convertedAt: Date?
    public let failedAt: Date?
    public let errorCode: Int?

    /// Where the message went: the phone, or the BSUID of a contact known only by it.
    public var address: String? { phone ?? bsuid }

    enum CodingKeys: String, CodingKey {
        case contactID = "contact_id", messageID = "message_id", name, phone, bsuid, variation, country, status, step, sentAt = "sent_at"
        case deliveredAt = "delivered_at", readAt = "read_at", clickedAt = "clicked_at", convertedAt = "converted_at", failedAt = "failed_at"
        case errorCode = "error_code"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(contactID, forKey: .contactID)
        try c.encode(messageID, forKey: .messageID)
        try c.encode(name, forKey: .name)
        try c.encode(phone, forKey: .phone)
        try c.encode(bsuid, forKey: .bsuid)
        try c.encode(variation, forKey: .variation)
        try c.encode(country, forKey: .country)
        try c.encode(status, forKey: .status)
        try c.encode(step, forKey: .step)
        for (key, date) in [(CodingKeys.sentAt, sentAt), (.deliveredAt, deliveredAt), (.readAt, readAt), (.clickedAt, clickedAt),
                            (.convertedAt, convertedAt), (.failedAt, failedAt)] {
            try c.encode(date, forKey: key)
        }
        try c.encode(errorCode, forKey: .errorCode)
    }

    static let csvHeader = [
        "contact_id", "name", "phone", "variation", "country", "status", "step", "sent_at", "delivered_at", "read_at", "clicked_at",
        "converted_at", "failed_at", "error_code",
    ]

    /// The CSV record (`Contacts.CSVWriter` neutralises formula cells when it writes it).
    var csvRecord: [String] {
        let time: (Date?) -> String = { $0.map(ISODate.format) ?? "" }
        return [
            contactID.uuidString.lowercased(), name ?? "", address ?? "", variation?.name ?? "", country ?? "", status, step.rawValue,
            time(sentAt), time(deliveredAt), time(readAt), time(clickedAt), time(convertedAt), time(failedAt), errorCode.map(String.init) ?? "",
        ]
    }
}

/// One page of recipients, by contact id, and the `after` of the next page.
public struct RecipientPage: Sendable, Encodable {
    public let data: [RecipientRow]
    public let nextAfter: String?
    enum CodingKeys: String, CodingKey {
        case data
        case nextAfter = "next_after"
    }
}
