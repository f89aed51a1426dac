/// A message template as Meta stores it: what `GET /{waba-id}/message_templates` lists and what
/// `POST /{waba-id}/message_templates` creates.
///
/// Codable in Meta's own JSON shape (snake_case keys); unknown fields are ignored.
public struct TemplateDefinition: Sendable, Equatable, Codable {
    /// Meta's template ID; nil for a draft not yet submitted.
    public var id: String?
    /// Lowercase letters, digits and underscores.
    public var name: String
    /// Language code, e.g. `en_US`.
    public var language: String
    /// `MARKETING`, `UTILITY` or `AUTHENTICATION`.
    public var category: String
    /// `APPROVED`, `PENDING`, `REJECTED`, `PAUSED`, `DISABLED`, … (only APPROVED templates can be sent).
    public var status: String
    /// `POSITIONAL` (`{{1}}`) or `NAMED` (`{{first_name}}`); nil means positional.
    public var parameterFormat: String?
    /// Header, body, footer and buttons, in Meta's order.
    public var components: [TemplateComponent]
    /// The quality rating (`GREEN`, `YELLOW`, `RED`, `UNKNOWN`) when Meta reports one.
    public var qualityScore: String?
    /// Why Meta rejected the template (`NONE` when it did not).
    public var rejectedReason: String?

    public init(
        id: String? = nil,
        name: String,
        language: String,
        category: String,
        status: String = "PENDING",
        parameterFormat: String? = nil,
        components: [TemplateComponent],
        qualityScore: String? = nil,
        rejectedReason: String? = nil
    ) {
        self.id = id
        self.name = name
        self.language = language
        self.category = category
        self.status = status
        self.parameterFormat = parameterFormat
        self.components = components
        self.qualityScore = qualityScore
        self.rejectedReason = rejectedReason
    }

    /// Whether messages may be sent with this template now.
    public var isApproved: Bool { status == "APPROVED" }

    enum CodingKeys: String, CodingKey {
        case id, name, language, category, status, components
        case parameterFormat = "parameter_format"
        case qualityScore = "quality_score"
        case rejectedReason = "rejected_reason"
    }

    /// Meta nests the rating: `"quality_score":{"score":"GREEN","date":…}`.
    private struct QualityScore: Codable {
        var score: String?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(LenientString.self, forKey: .id)?.value
        name = try container.decode(String.self, forKey: .name)
        language = try container.decodeIfPresent(String.self, forKey: .language) ?? ""
        category = try container.decodeIfPresent(String.self, forKey: .category) ?? ""
        status = try container.decodeIfPresent(String.self, forKey: .status) ?? ""
        parameterFormat = try container.decodeIfPresent(String.self, forKey: .parameterFormat)
        components = try container.decodeIfPresent([TemplateComponent].self, forKey: .components) ?? []
        qualityScore = (try? container.decodeIfPresent(QualityScore.self, forKey: .qualityScore))?.score
        rejectedReason = try container.decodeIfPresent(String.self, forKey: .rejectedReason)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(language, forKey: .language)
        try container.encode(category, forKey: .category)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(parameterFormat, forKey: .parameterFormat)
        try container.encode(components, forKey: .components)
        try container.encodeIfPresent(qualityScore.map { QualityScore(score: $0) }, forKey: .qualityScore)
        try container.encodeIfPresent(rejectedReason, forKey: .rejectedReason)
    }
}
