import Foundation

/// A broadcast of one approved template to an audience, sent from one WhatsApp account.
public struct Campaign: Sendable, Encodable {
    public let id: UUID
    public let workspaceID: UUID
    public var name: String
    public var status: CampaignStatus
    public var accountID: UUID?
    public var templateID: UUID?
    public var templateName: String?
    public var templateLanguage: String?
    public var variables: [String: VariableSource]
    public var mediaID: UUID?
    public var ctaURL: String?
    public var audience: Audience
    public var scheduledAt: Date?
    public var startedAt: Date?
    public var completedAt: Date?
    public var statusReason: String?
    public var audienceSize: Int?
    public let createdAt: Date
    public var updatedAt: Date
    /// What it may cost before the `spend_over_budget` alert fires; nil for no budget.
    public var budget: CampaignBudget? = nil

    enum CodingKeys: String, CodingKey {
        case id, name, status, variables, audience, budget
        case accountID = "account_id", templateID = "template_id", templateName = "template_name", templateLanguage = "template_language"
        case mediaID = "media_id", ctaURL = "cta_url", scheduledAt = "scheduled_at", startedAt = "started_at"
        case completedAt = "completed_at", statusReason = "status_reason", audienceSize = "audience_size"
        case createdAt = "created_at", updatedAt = "updated_at"
    }

    /// Fields without a value are left out, except `budget`, which is `null` when there is none, so a client sees the
    /// field it can set.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(accountID, forKey: .accountID)
        try c.encodeIfPresent(templateID, forKey: .templateID)
        try c.encodeIfPresent(templateName, forKey: .templateName)
        try c.encodeIfPresent(templateLanguage, forKey: .templateLanguage)
        try c.encode(variables, forKey: .variables)
        try c.encodeIfPresent(mediaID, forKey: .mediaID)
        try c.encodeIfPresent(ctaURL, forKey: .ctaURL)
        try c.encode(audience, forKey: .audience)
        try c.encodeIfPresent(scheduledAt, forKey: .scheduledAt)
        try c.encodeIfPresent(startedAt, forKey: .startedAt)
        try c.encodeIfPresent(completedAt, forKey: .completedAt)
        try c.encodeIfPresent(statusReason, forKey: .statusReason)
        try c.encodeIfPresent(audienceSize, forKey: .audienceSize)
        try c.encode(budget, forKey: .budget)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }

    /// Campaigns that may still be edited.
    public var isEditable: Bool { status.isEditable }
}

/// Where a template variable's value comes from for each recipient.
public struct VariableSource: Sendable, Codable, Equatable {
    /// A contact field (`name`, `first_name`, `email`, `city`, `country`, `phone`) or `attributes.<key>`.
    public var field: String?
    /// A fixed text, the same for everyone.
    public var text: String?
    /// Used when the field is empty for a contact.
    public var fallback: String?

    public init(field: String? = nil, text: String? = nil, fallback: String? = nil) {
        self.field = field
        self.text = text
        self.fallback = fallback
    }

    static let contactFields: Set<String> = ["name", "first_name", "email", "city", "country", "phone", "language"]
}

/// Who a campaign is sent to. Segments arrive with the segmentation engine; `all` is every opted-in contact.
public struct Audience: Sendable, Codable, Equatable {
    public var type: String
    public var segmentID: UUID?

    enum CodingKeys: String, CodingKey {
        case type, segmentID = "segment_id"
    }

    public static let everyone = Audience(type: "all", segmentID: nil)
}
