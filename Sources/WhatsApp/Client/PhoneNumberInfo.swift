/// What `GET /{phone-number-id}` says about the business number: enough to show that a connection works.
public struct PhoneNumberInfo: Sendable, Equatable {
    public var id: String
    /// The number as WhatsApp users see it, e.g. `+1 555-078-3881`.
    public var displayPhoneNumber: String?
    /// The business name Meta verified for this number.
    public var verifiedName: String?
    /// `GREEN`, `YELLOW`, `RED` or `UNKNOWN`.
    public var qualityRating: String?

    public init(id: String, displayPhoneNumber: String? = nil, verifiedName: String? = nil, qualityRating: String? = nil) {
        self.id = id
        self.displayPhoneNumber = displayPhoneNumber
        self.verifiedName = verifiedName
        self.qualityRating = qualityRating
    }

    /// Parses the Graph API's answer; nil when it has no `id`.
    public init?(jsonBody bytes: [UInt8]) {
        guard let wire = try? WireJSON.decode(Wire.self, from: bytes) else { return nil }
        self.init(
            id: wire.id.value,
            displayPhoneNumber: wire.displayPhoneNumber,
            verifiedName: wire.verifiedName,
            qualityRating: wire.qualityRating
        )
    }

    /// The answer the Graph API would give (for the simulator and tests).
    public func jsonBody() -> [UInt8] {
        WireJSON.encode(
            Wire(id: LenientString(id), displayPhoneNumber: displayPhoneNumber, verifiedName: verifiedName, qualityRating: qualityRating)
        )
    }

    private struct Wire: Codable {
        var id: LenientString
        var displayPhoneNumber: String?
        var verifiedName: String?
        var qualityRating: String?
        enum CodingKeys: String, CodingKey {
            case id
            case displayPhoneNumber = "display_phone_number"
            case verifiedName = "verified_name"
            case qualityRating = "quality_rating"
        }
    }
}
