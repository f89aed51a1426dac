import Foundation

/// One moment of a contact's journey: a campaign message, one of its events, an order (with the message it was
/// attributed to), a segment entry or exit, a consent change or an identity change. Fields that do not apply to the
/// kind are left out of the JSON.
public struct JourneyItem: Sendable, Encodable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        // Declared in the order that items of one millisecond happen in: a reply before the opt-out it carried.
        case identity, segment, message, sent, delivered, read, failed, clicked, replied, consent, order

        /// Position among items of the same millisecond.
        public var rank: Int { Self.allCases.firstIndex(of: self)! }
    }

    public struct Reference: Sendable, Encodable, Equatable {
        public let id: UUID
        public let name: String?
    }

    public struct Order: Sendable, Encodable, Equatable {
        public let externalID: String
        public let totalMinor: Int64
        public let currency: String
        public let status: String
        public let attribution: Attribution?
        enum CodingKeys: String, CodingKey {
            case externalID = "external_id", totalMinor = "total_minor", currency, status, attribution
        }
    }

    /// The conversion an order counts as: the campaign message it was attributed to.
    public struct Attribution: Sendable, Encodable, Equatable {
        public let messageID: UUID
        public let campaign: Reference
        public let touch: String
        public let touchedAt: Date
        public let reversedAt: Date?
        enum CodingKeys: String, CodingKey {
            case messageID = "message_id", campaign, touch, touchedAt = "touched_at", reversedAt = "reversed_at"
        }
    }

    public struct Identity: Sendable, Encodable, Equatable {
        public let change: String
        public let previousPhone: String?
        public let phone: String?
        public let previousBSUID: String?
        public let bsuid: String?
        enum CodingKeys: String, CodingKey {
            case change, previousPhone = "previous_phone", phone, previousBSUID = "previous_bsuid", bsuid
        }
    }

    public let at: Date
    /// `at` in whole Unix milliseconds as the database computed it: the sort key and the cursor's first part.
    public let atMilliseconds: Int64
    public let kind: Kind
    public let id: UUID
    public var campaign: Reference? = nil
    public var messageID: UUID? = nil
    public var template: String? = nil
    public var variation: Reference? = nil
    /// A message's delivery status, an order's status, a consent status.
    public var status: String? = nil
    public var errorCode: Int? = nil
    public var source: String? = nil
    public var segment: Reference? = nil
    /// A segment change: `entered` or `left`.
    public var change: String? = nil
    public var order: Order? = nil
    public var identity: Identity? = nil

    enum CodingKeys: String, CodingKey {
        case at, kind, id, campaign, messageID = "message_id", template, variation, status, errorCode = "error_code", source, segment,
            change, order, identity, cursor
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(at, forKey: .at)
        try c.encode(kind.rawValue, forKey: .kind)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(campaign, forKey: .campaign)
        try c.encodeIfPresent(messageID, forKey: .messageID)
        try c.encodeIfPresent(template, forKey: .template)
        try c.encodeIfPresent(variation, forKey: .variation)
        try c.encodeIfPresent(status, forKey: .status)
        try c.encodeIfPresent(errorCode, forKey: .errorCode)
        try c.encodeIfPresent(source, forKey: .source)
        try c.encodeIfPresent(segment, forKey: .segment)
        try c.encodeIfPresent(change, forKey: .change)
        try c.encodeIfPresent(order, forKey: .order)
        try c.encodeIfPresent(identity, forKey: .identity)
        try c.encode(cursor.encoded, forKey: .cursor)
    }

    /// Where this item sits in the journey's order, newest first.
    public var cursor: JourneyCursor { JourneyCursor(milliseconds: atMilliseconds, kind: kind, id: id) }
}

/// A position in a journey: `<unix ms>|<kind>|<id>`. Items are ordered by these three, newest first, so a page that
/// ends inside a millisecond shared by several items continues exactly after the last one shown.
public struct JourneyCursor: Sendable, Equatable, Comparable {
    public let milliseconds: Int64
    public let kind: JourneyItem.Kind
    public let id: UUID

    public var encoded: String { "\(milliseconds)|\(kind.rawValue)|\(id.uuidString.lowercased())" }

    public init(milliseconds: Int64, kind: JourneyItem.Kind, id: UUID) {
        self.milliseconds = milliseconds
        self.kind = kind
        self.id = id
    }

    /// nil when the text is not a cursor this API wrote.
    public init?(_ text: String) {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 3, let ms = Int64(parts[0]), let kind = JourneyItem.Kind(rawValue: String(parts[1])),
            let id = UUID(uuidString: String(parts[2]))
        else { return nil }
        self.init(milliseconds: ms, kind: kind, id: id)
    }

    /// Lower-case UUID text order is PostgreSQL's byte order and SQLite's text order of one-case UUIDs.
    public static func < (a: JourneyCursor, b: JourneyCursor) -> Bool {
        (a.milliseconds, a.kind.rank, a.id.uuidString.lowercased()) < (b.milliseconds, b.kind.rank, b.id.uuidString.lowercased())
    }
}

/// One page of a journey, newest first, and the cursor of the next (older) page.
public struct JourneyPage: Sendable, Encodable {
    public let data: [JourneyItem]
    public let nextBefore: String?
    enum CodingKeys: String, CodingKey {
        case data
        case nextBefore = "next_before"
    }
}
