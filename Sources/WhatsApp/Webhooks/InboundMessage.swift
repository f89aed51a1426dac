import Foundation

/// A message a user sent us: text, a quick-reply tap, an interactive reply, or another type kept raw.
public struct InboundMessage: Sendable, Equatable {
    public var wamid: String
    /// The sender's phone number in digits; empty or absent for users with a username.
    public var from: String?
    /// The sender's business-scoped user ID (`from_user_id`).
    public var userID: String?
    /// The sender's parent business-scoped user ID (`from_parent_user_id`), when parent BSUIDs are enabled.
    public var parentUserID: String?
    public var timestamp: Date
    /// `text`, `button`, `interactive`, `image`, `reaction`, `system`, …
    public var type: String
    /// `text.body`.
    public var text: String?
    /// `button.payload` of a quick-reply tap on a template.
    public var buttonPayload: String?
    /// `button.text`: the label the user tapped.
    public var buttonText: String?
    /// `interactive.type`: `button_reply` or `list_reply`.
    public var interactiveType: String?
    /// The `id` of an interactive `button_reply` or `list_reply`.
    public var interactiveReplyID: String?
    /// The `title` of an interactive `button_reply` or `list_reply`.
    public var interactiveReplyTitle: String?
    /// `context.id`: the wamid of our message this one answers, linking a reply to its campaign.
    public var contextID: String?
    /// `context.from`: our number, as the user saw it.
    public var contextFrom: String?
    /// What changed, for a `system` message (a user changed their number or business-scoped user ID).
    public var system: SystemChange?

    public init(
        wamid: String,
        from: String? = nil,
        userID: String? = nil,
        parentUserID: String? = nil,
        timestamp: Date,
        type: String,
        text: String? = nil,
        buttonPayload: String? = nil,
        buttonText: String? = nil,
        interactiveType: String? = nil,
        interactiveReplyID: String? = nil,
        interactiveReplyTitle: String? = nil,
        contextID: String? = nil,
        contextFrom: String? = nil,
        system: SystemChange? = nil
    ) {
        self.wamid = wamid
        self.from = from
        self.userID = userID
        self.parentUserID = parentUserID
        self.timestamp = timestamp
        self.type = type
        self.text = text
        self.buttonPayload = buttonPayload
        self.buttonText = buttonText
        self.interactiveType = interactiveType
        self.interactiveReplyID = interactiveReplyID
        self.interactiveReplyTitle = interactiveReplyTitle
        self.contextID = contextID
        self.contextFrom = contextFrom
        self.system = system
    }

    /// What the user said, whichever way they said it.
    public var replyText: String? { text ?? buttonText ?? interactiveReplyTitle }

    /// The sender's phone number in digits, or nil when Meta withheld it (`from` absent or empty).
    /// For a `system` message this is the number before the change.
    public var fromPhone: String? { from.flatMap { $0.isEmpty ? nil : $0 } }
}
