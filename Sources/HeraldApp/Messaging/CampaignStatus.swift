import Foundation

/// Where a campaign is in its life. The raw values are the `campaigns.status` column's (its CHECK constraint).
public enum CampaignStatus: String, Sendable, Codable, CaseIterable {
    case draft, scheduled, sending, paused, completed, cancelled
    /// Reserved: nothing moves a campaign here yet.
    case failed
    /// Named only by imported historical events; it has no life of its own.
    case imported

    /// Draft and scheduled campaigns may still be edited (and scheduled again).
    public var isEditable: Bool { self == .draft || self == .scheduled }
    /// Set `completed_at` when a campaign arrives here.
    var isFinal: Bool { self == .completed || self == .cancelled || self == .failed }

    /// Whether `action` may move a campaign from this status.
    public func allows(_ action: CampaignAction) -> Bool { action.from.contains(self) }
}

/// What moves a campaign from one status to another. The one transition table: `from` and `to` of each action.
/// `CampaignStore.perform` is the one place that applies it.
public enum CampaignAction: String, Sendable, CaseIterable {
    /// The marketer sets the send time (again, while still scheduled).
    case schedule
    /// The send loop starts a scheduled campaign whose time has come.
    case start
    /// The marketer pauses it.
    case pause
    /// Herald pauses it with a reason: the template stopped being sendable, the account halted, the audience cannot be resolved.
    case hold
    /// The marketer resumes a paused campaign: back to sending once started, else to scheduled.
    case resume
    case cancel
    /// Nothing is left to send.
    case complete
    /// Reserved, like the status.
    case fail

    public var from: Set<CampaignStatus> {
        switch self {
        case .schedule: [.draft, .scheduled]
        case .start: [.scheduled]
        case .pause, .hold: [.scheduled, .sending]
        case .resume: [.paused]
        case .cancel: [.draft, .scheduled, .sending, .paused]
        case .complete: [.sending]
        case .fail: [.scheduled, .sending, .paused]
        }
    }

    /// The status reached; `started` says whether the campaign had started sending (it matters only to resume).
    public func to(started: Bool) -> CampaignStatus {
        switch self {
        case .schedule: .scheduled
        case .start: .sending
        case .pause, .hold: .paused
        case .resume: started ? .sending : .scheduled
        case .cancel: .cancelled
        case .complete: .completed
        case .fail: .failed
        }
    }

    /// The participle the refusal names: "a completed campaign cannot be paused".
    var verb: String {
        switch self {
        case .schedule: "scheduled"
        case .start: "started"
        case .pause: "paused"
        case .hold: "held"
        case .resume: "resumed"
        case .cancel: "cancelled"
        case .complete: "completed"
        case .fail: "failed"
        }
    }
}
