// Where a `messages` change names its users: the `contacts` block, shared by its messages and statuses.

extension WebhookContact {
    init(_ wire: WebhookWire.Contact) {
        self.init(
            waID: wire.waID,
            userID: wire.userID,
            profileName: wire.profile?.name,
            parentUserID: wire.parentUserID,
            username: wire.profile?.username
        )
    }
}

extension WebhookWire.Contact {
    init(_ contact: WebhookContact) {
        let hasProfile = contact.profileName != nil || contact.username != nil
        self.init(
            profile: hasProfile ? Profile(name: contact.profileName, username: contact.username) : nil,
            waID: contact.waID,
            userID: contact.userID,
            parentUserID: contact.parentUserID
        )
    }
}

extension WebhookWire.Status {
    /// The `contacts` entry about this status's recipient: the one whose `user_id` is `recipient_user_id`, else whose
    /// `wa_id` is `recipient_id`, else the only one (unless it names another user, or the status failed: Meta sends
    /// failed statuses without contacts, so a lone entry there is someone else's).
    func recipient(in contacts: [WebhookWire.Contact]) -> WebhookWire.Contact? {
        if let id = recipientUserID ?? userID, let match = contacts.first(where: { $0.userID == id }) { return match }
        if let id = recipientID, let match = contacts.first(where: { $0.waID == id || $0.userID == id }) { return match }
        guard contacts.count == 1, status != "failed", let only = contacts.first else { return nil }
        if let id = recipientUserID ?? userID, let other = only.userID, other != id { return nil }
        return only
    }
}

extension WebhookWire.MessagesValue {
    /// The value's contacts, plus one for each user a sent, delivered or read status knows and the list does not
    /// yet name, as Meta sends them since 2026. Nil when there are none.
    static func contacts(of value: MessagesValue) -> [WebhookWire.Contact]? {
        var contacts = value.contacts.map(WebhookWire.Contact.init)
        for status in value.statuses where status.status != "failed" {
            guard status.waID != nil || status.userID != nil || status.parentUserID != nil || status.username != nil else { continue }
            let named = contacts.contains {
                (status.userID != nil && $0.userID == status.userID) || (status.waID != nil && $0.waID == status.waID)
            }
            if named { continue }
            contacts.append(
                WebhookWire.Contact(
                    profile: status.username.map { .init(name: nil, username: $0) },
                    waID: status.waID,
                    userID: status.userID,
                    parentUserID: status.parentUserID
                )
            )
        }
        return contacts.isEmpty ? nil : contacts
    }
}
