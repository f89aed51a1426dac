/// A `message_template_status_update`: Meta approved, rejected, paused or disabled a template.
public struct TemplateStatusUpdate: Sendable, Equatable {
    /// `APPROVED`, `REJECTED`, `PAUSED`, `DISABLED`, `PENDING_DELETION`, … (kept raw).
    public var event: String
    /// Meta's template ID (a number in the JSON, kept as a string).
    public var templateID: String?
    public var templateName: String?
    public var language: String?
    /// Why, e.g. a rejection reason; `NONE` or absent otherwise.
    public var reason: String?

    public init(event: String, templateID: String? = nil, templateName: String? = nil, language: String? = nil, reason: String? = nil) {
        self.event = event
        self.templateID = templateID
        self.templateName = templateName
        self.language = language
        self.reason = reason
    }
}

/// A `message_template_quality_update`: a template's rating moved between GREEN, YELLOW, RED and UNKNOWN.
public struct TemplateQualityUpdate: Sendable, Equatable {
    public var previousQualityScore: String?
    public var newQualityScore: String
    public var templateID: String?
    public var templateName: String?
    public var language: String?

    public init(
        previousQualityScore: String? = nil,
        newQualityScore: String,
        templateID: String? = nil,
        templateName: String? = nil,
        language: String? = nil
    ) {
        self.previousQualityScore = previousQualityScore
        self.newQualityScore = newQualityScore
        self.templateID = templateID
        self.templateName = templateName
        self.language = language
    }
}
