import Foundation

/// An A/B test of a campaign's message: 2–5 variations sent to a test share of the campaign's audience, the winner
/// to the rest (docs/design-ab-testing.md). The campaign keeps the name, account and audience; the test row its settings.
public struct ABTest: Sendable {
    public let id: UUID
    public let workspaceID: UUID
    public let campaignID: UUID
    public var name: String
    public var status: ABTestStatus
    public var settings: ABTestSettings
    public var variations: [ABTestVariation]
    /// From the campaign: who the test is sent to and from which account.
    public var accountID: UUID?
    public var audience: Audience
    public var winnerVariationID: UUID?
    public var recommendedVariationID: UUID?
    public var decision: ABTestDecision?
    public var audienceSize: Int?
    public var testAudienceSize: Int?
    public var startedAt: Date?
    public var endsAt: Date?
    public var endedAt: Date?
    public let createdAt: Date
    public var updatedAt: Date
}

/// What the marketer chooses for a test; every field has a default (design section 6).
public struct ABTestSettings: Sendable, Equatable {
    public var testPercentage = 20
    public var durationHours = 24
    public var successMetric = SuccessMetric.click
    public var outcomeWindowSeconds = 3600
    public var autoSendWinner = true
    public var inconclusivePolicy = InconclusivePolicy.manual
    public var allocation = ABTestAllocation.fixed
}

/// How the test audience is split: by the fixed shares (a measurement), or by Thompson sampling in batches (3+
/// variations; shifts messages toward better arms, optimising the outcome rather than measuring it).
public enum ABTestAllocation: String, Sendable, CaseIterable, Codable {
    case fixed, thompson
}

public enum ABTestStatus: String, Sendable, CaseIterable, Codable {
    case draft, running, paused, deciding, completed, cancelled
}

/// What counts as a success: a read, a click on the tracked link, a reply (not an opt-out), or a conversion (an order
/// attributed to the message, docs/analytics.md).
public enum SuccessMetric: String, Sendable, CaseIterable, Codable {
    case read, click, reply, conversion

    /// The message column that holds the moment of the first success.
    var messageColumn: String {
        switch self {
        case .read: "read_at"
        case .click: "clicked_at"
        case .reply: "replied_at"
        case .conversion: "converted_at"
        }
    }
}

/// What happens when the duration ends without a winner: wait for a person, send the control, or send the leader.
public enum InconclusivePolicy: String, Sendable, CaseIterable, Codable {
    case manual, control, leader
}

/// One version of the message. Position 0 is the control.
public struct ABTestVariation: Sendable, Equatable {
    public var id: UUID
    public var position: Int
    public var name: String
    /// Percent of the test audience.
    public var share: Int
    public var templateID: UUID?
    public var templateName: String?
    public var templateLanguage: String?
    public var variables: [String: VariableSource]
    public var mediaID: UUID?
    public var ctaURL: String?

    public var isControl: Bool { position == 0 }
}

/// Who chose the winner, how and why.
public struct ABTestDecision: Sendable, Equatable, Encodable {
    public let kind: String
    public let by: String?
    public let at: Date?
    public let reason: String?
}
