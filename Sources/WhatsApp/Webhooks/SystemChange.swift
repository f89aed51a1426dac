/// The `system` object of a `system` message: Meta telling the business that a user's identifiers changed.
/// System messages carry no `contacts` array.
///
/// `user_changed_number` gives the new phone (`wa_id`) and, as a new number means a new business-scoped
/// user ID, the new `user_id` with the `previous_user_id`; `user_changed_user_id` gives only the BSUIDs.
public struct SystemChange: Sendable, Equatable {
    /// `user_changed_number`, `user_changed_user_id`, or the legacy `customer_changed_number` / `customer_identity_changed` (kept raw).
    public var type: String?
    /// The human-readable text, e.g. `User Sheena changed from 16505551234 to 12195555358`.
    public var body: String?
    /// The new phone number in digits (`wa_id`, or the legacy `new_wa_id`).
    public var waID: String?
    /// The new business-scoped user ID.
    public var userID: String?
    /// The new parent business-scoped user ID.
    public var parentUserID: String?
    /// The business-scoped user ID before the change.
    public var previousUserID: String?
    /// The parent business-scoped user ID before the change.
    public var previousParentUserID: String?
    /// The legacy `customer` field: the user the change is about, as a WhatsApp ID.
    public var customer: String?

    public init(
        type: String? = nil,
        body: String? = nil,
        waID: String? = nil,
        userID: String? = nil,
        parentUserID: String? = nil,
        previousUserID: String? = nil,
        previousParentUserID: String? = nil,
        customer: String? = nil
    ) {
        self.type = type
        self.body = body
        self.waID = waID
        self.userID = userID
        self.parentUserID = parentUserID
        self.previousUserID = previousUserID
        self.previousParentUserID = previousParentUserID
        self.customer = customer
    }

    /// The user changed phone number (which also gives them a new business-scoped user ID).
    public var isNumberChange: Bool { type == "user_changed_number" || type == "customer_changed_number" }

    /// Only the user's business-scoped user ID changed.
    public var isUserIDChange: Bool { type == "user_changed_user_id" }
}
