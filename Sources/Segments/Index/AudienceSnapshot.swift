import Foundation

/// One workspace's audience in memory, column by column: what ``IndexSegmentEvaluator`` answers from.
///
/// Contacts are dense ordinals in ascending id order (the order of the SQL engine's keyset pages), so a page of
/// members is a scan of a bit set from an ordinal. Paid orders and message events are grouped by contact in
/// compressed sparse rows: contact `o`'s rows are `offsets[o]..<offsets[o + 1]` of the parallel arrays. Times are
/// seconds since 1970 (`Double`, exact to the microsecond). A snapshot is immutable once built; see
/// docs/design-audience-index.md.
public struct AudienceSnapshot: Sendable {
    /// How stored text compares ignoring case, as the engine's `LOWER` does: SQLite lowers ASCII letters only.
    public enum Lowering: Sendable { case ascii, unicode }

    public let workspaceID: UUID
    /// Contact ids by ordinal, ascending.
    public let ids: [UUID]
    let ordinals: [UUID: Int32]
    let lowering: Lowering

    // Contact fields.
    let country: TextColumn, city: TextColumn, language: TextColumn, username: TextColumn
    /// The first bytes of the phone, for calling-code prefixes (see ``PhoneHead``).
    let phoneHead: [UInt64]
    let createdAt: [Double]
    /// Ordinals in `createdAt` order (contacts without a time left out), for periods by binary search.
    let createdOrder: [Int32]
    /// ``Consent`` codes.
    let consent: [UInt8]
    /// Members per tag, and the contacts with at least one tag.
    let tags: [String: OrdinalSet]
    let tagged: OrdinalSet
    let attributes: [String: AttributeColumn]

    // Purchases: paid orders by contact, in time order.
    let orderOffsets: [Int32]
    let orderTime: [Double]
    let orderTotal: [Int64]
    /// Lines of order `k`: `lineOffsets[k]..<lineOffsets[k + 1]` of `lineProduct` (product codes).
    let lineOffsets: [Int32]
    let lineProduct: [Int32]
    /// Product codes by id, and each product's category code (-1 for none).
    let productCodes: [UUID: Int32]
    let productCategory: [Int32]
    let categoryCodes: [UUID: Int32]
    /// Per contact over all paid orders (NaN without any), kept so all-time rules are one column scan.
    let firstPurchase: [Double], lastPurchase: [Double]
    let lifetimeSpend: [Int64]

    // Message events by contact, in time order.
    let eventOffsets: [Int32]
    let eventType: [UInt8]
    let eventTime: [Double]
    /// Campaign codes (-1 for none).
    let eventCampaign: [Int32]
    let eventTypeCodes: [String: UInt8]
    let campaignCodes: [UUID: Int32]
    /// The latest event of each type code per contact (NaN if never): `lastEvent[type][ordinal]`.
    let lastEvent: [[Double]]
    /// The latest read, click or reply per contact (NaN if never): the events that count as engagement.
    let lastEngaged: [Double]

    public var contactCount: Int { ids.count }
    public var orderCount: Int { orderTime.count }
    public var eventCount: Int { eventTime.count }

    /// Every contact.
    var universe: OrdinalSet { OrdinalSet(0..<ids.count) }

    func ordinal(of id: UUID) -> Int? { ordinals[id].map(Int.init) }

    /// The contacts created in `period`.
    func created(in period: Range<Double>) -> OrdinalSet {
        /// The first position in `createdOrder` whose time is not below `time`.
        func position(_ time: Double) -> Int {
            var low = 0, high = createdOrder.count
            while low < high {
                let middle = (low + high) / 2
                if createdAt[Int(createdOrder[middle])] < time { low = middle + 1 } else { high = middle }
            }
            return low
        }
        let from = position(period.lowerBound), to = position(period.upperBound)
        guard from < to else { return OrdinalSet() }
        // Sized for every contact at once: the ordinals come in creation order, not ascending.
        var created = OrdinalSet(words: [UInt](repeating: 0, count: OrdinalSet.wordCount(ids.count)))
        for ordinal in createdOrder[from..<to] { created.insert(Int(ordinal)) }
        return created
    }

    /// An estimate of the snapshot's memory, for the budget and `/metrics`.
    public var estimatedBytes: Int {
        let n = ids.count
        var bytes = n * (16 + 4 + 8 + 8 + 4 + 1 + 4 * 4) + n * 40  // ids, ordinals (map), columns, phone, created (+ order), consent
        bytes += tags.count * (n / 8) + n / 8
        for column in attributes.values { bytes += column.estimatedBytes(contacts: n) }
        bytes += orderTime.count * (8 + 8) + lineProduct.count * 4 + lineOffsets.count * 4 + orderOffsets.count * 4 + n * 24
        bytes += eventTime.count * (8 + 1 + 4) + eventOffsets.count * 4 + (lastEvent.count + 1) * n * 8
        return bytes
    }

    enum Consent {
        static let codes: [String: UInt8] = ["opted_in": 0, "opted_out": 1, "unknown": 2]
        static func code(_ status: String) -> UInt8 { codes[status] ?? 3 }
    }
}

/// A text column as dictionary codes: a condition is tested once per distinct value, then the codes are scanned.
struct TextColumn: Sendable {
    /// Distinct values; a code is an index.
    let values: [String]
    /// Per ordinal; -1 for NULL.
    let codes: [Int32]

    /// Which codes pass `test` (NULL never passes).
    func passing(_ test: (String) -> Bool) -> [Bool] { values.map(test) }
}

/// A custom attribute's values by JSON type, as the SQL engine reads them (a value of another type reads as NULL).
struct AttributeColumn: Sendable {
    /// JSON strings (text and date attributes).
    var strings: TextColumn?
    /// JSON numbers; NaN where the value is not one.
    var numbers: [Double]?
    /// JSON booleans: 1 true, 0 false, -1 not a boolean.
    var booleans: [Int8]?
    /// Arrays: members per string item, and the contacts whose array is not empty.
    var listItems: [String: OrdinalSet] = [:]
    var nonEmptyList: OrdinalSet = OrdinalSet()

    func estimatedBytes(contacts n: Int) -> Int {
        (strings.map { $0.codes.count * 4 + $0.values.count * 24 } ?? 0) + (numbers?.count ?? 0) * 8 + (booleans?.count ?? 0)
            + (listItems.count + 1) * (n / 8)
    }
}

/// The first seven bytes of a phone packed with its length, so a calling-code prefix is one mask and compare.
enum PhoneHead {
    static let none = UInt64.max

    static func pack(_ phone: String?) -> UInt64 {
        guard let phone else { return none }
        var head: UInt64 = 0
        var length: UInt64 = 0
        for byte in phone.utf8.prefix(7) {
            head |= UInt64(byte) << (8 * length)
            length += 1
        }
        return head | (length << 56)
    }

    /// The (mask, value) a packed head must match to start with `prefix` (at most seven bytes).
    static func matcher(_ prefix: String) -> (mask: UInt64, value: UInt64, length: UInt64)? {
        let bytes = Array(prefix.utf8)
        guard bytes.count <= 7 else { return nil }
        var value: UInt64 = 0
        for (index, byte) in bytes.enumerated() { value |= UInt64(byte) << (8 * UInt64(index)) }
        let mask: UInt64 = bytes.count == 0 ? 0 : (UInt64.max >> (64 - 8 * UInt64(bytes.count)))
        return (mask, value, UInt64(bytes.count))
    }

    static func matches(_ head: UInt64, _ m: (mask: UInt64, value: UInt64, length: UInt64)) -> Bool {
        head != none && (head >> 56) >= m.length && (head & m.mask) == m.value
    }
}

extension String {
    /// Lower-cased as the engine's `LOWER` does.
    func lowered(_ lowering: AudienceSnapshot.Lowering) -> String {
        switch lowering {
        case .unicode: return lowercased()
        case .ascii:
            guard utf8.contains(where: { $0 >= 65 && $0 <= 90 }) else { return self }
            return String(decoding: utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
        }
    }
}
