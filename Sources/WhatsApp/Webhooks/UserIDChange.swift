import Foundation

/// One item of a `user_id_update` change: a user's business-scoped user ID changed.
///
/// Meta has not published this field's shape (its changelog says BSUID changes come as `system`
/// messages); the parser accepts `previous_user_id`/`old_user_id` and `user_id`/`new_user_id`, as a
/// list, a single object or the value itself, and skips items without both IDs.
public struct UserIDChange: Sendable, Equatable {
    /// The user's phone number in digits, when Meta shares it.
    public var waID: String?
    /// The business-scoped user ID before the change.
    public var previousUserID: String
    /// The new business-scoped user ID.
    public var userID: String
    /// The new parent business-scoped user ID, when parent BSUIDs are enabled.
    public var parentUserID: String?
    /// The parent business-scoped user ID before the change.
    public var previousParentUserID: String?
    public var timestamp: Date
    /// The business phone number the change came through (the change's `metadata.phone_number_id`), if named.
    public var phoneNumberID: String?

    public init(
        waID: String? = nil,
        previousUserID: String,
        userID: String,
        parentUserID: String? = nil,
        previousParentUserID: String? = nil,
        timestamp: Date,
        phoneNumberID: String? = nil
    ) {
        self.waID = waID
        self.previousUserID = previousUserID
        self.userID = userID
        self.parentUserID = parentUserID
        self.previousParentUserID = previousParentUserID
        self.timestamp = timestamp
        self.phoneNumberID = phoneNumberID
    }
}
