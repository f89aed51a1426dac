extension WebhookWire {
    /// The `system` object of a `system` message.
    struct System: Codable {
        var type: String?
        var body: String?
        var waID: String?
        /// Legacy name of `wa_id` in `customer_changed_number`.
        var newWaID: String?
        var userID: String?
        var parentUserID: String?
        var previousUserID: String?
        var previousParentUserID: String?
        var customer: String?
        enum CodingKeys: String, CodingKey {
            case type, body
            case waID = "wa_id"
            case newWaID = "new_wa_id"
            case userID = "user_id"
            case parentUserID = "parent_user_id"
            case previousUserID = "previous_user_id"
            case previousParentUserID = "previous_parent_user_id"
            case customer
        }
    }

    /// One `user_id_update` item; older and newer key names are both read, the newer ones written.
    struct UserIDUpdate: Codable {
        var waID: String?
        var previousUserID: String?
        var userID: String?
        var parentUserID: String?
        var previousParentUserID: String?
        var timestamp: LenientString?

        init(
            waID: String?, previousUserID: String?, userID: String?, parentUserID: String?, previousParentUserID: String?,
            timestamp: LenientString?
        ) {
            self.waID = waID
            self.previousUserID = previousUserID
            self.userID = userID
            self.parentUserID = parentUserID
            self.previousParentUserID = previousParentUserID
            self.timestamp = timestamp
        }

        enum CodingKeys: String, CodingKey {
            case waID = "wa_id"
            case previousUserID = "previous_user_id"
            case oldUserID = "old_user_id"
            case userID = "user_id"
            case newUserID = "new_user_id"
            case parentUserID = "parent_user_id"
            case previousParentUserID = "previous_parent_user_id"
            case timestamp
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func string(_ key: CodingKeys) -> String? {
                (try? container.decodeIfPresent(LenientString.self, forKey: key))?.value
            }
            waID = string(.waID)
            previousUserID = string(.previousUserID) ?? string(.oldUserID)
            userID = string(.newUserID) ?? string(.userID)
            parentUserID = string(.parentUserID)
            previousParentUserID = string(.previousParentUserID)
            timestamp = try? container.decodeIfPresent(LenientString.self, forKey: .timestamp)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(waID, forKey: .waID)
            try container.encodeIfPresent(previousUserID, forKey: .previousUserID)
            try container.encodeIfPresent(userID, forKey: .userID)
            try container.encodeIfPresent(parentUserID, forKey: .parentUserID)
            try container.encodeIfPresent(previousParentUserID, forKey: .previousParentUserID)
            try container.encodeIfPresent(timestamp, forKey: .timestamp)
        }
    }

    /// The value of a `user_id_update` change: `user_id_update` as a list or a single object, or the value itself.
    struct UserIDUpdateValue: Codable {
        var messagingProduct: String? = "whatsapp"
        var metadata: Metadata?
        var updates: [UserIDUpdate] = []

        init(metadata: Metadata? = nil, updates: [UserIDUpdate] = []) {
            self.metadata = metadata
            self.updates = updates
        }

        enum CodingKeys: String, CodingKey {
            case messagingProduct = "messaging_product"
            case metadata
            case updates = "user_id_update"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            messagingProduct = try? container.decodeIfPresent(String.self, forKey: .messagingProduct)
            metadata = try? container.decodeIfPresent(Metadata.self, forKey: .metadata)
            if container.contains(.updates) {
                if let list = try? container.decode(LossyArray<UserIDUpdate>.self, forKey: .updates) {
                    updates = list.elements
                } else if let single = try? container.decode(UserIDUpdate.self, forKey: .updates) {
                    updates = [single]
                }
            } else if let itself = try? UserIDUpdate(from: decoder) {
                updates = [itself]
            }
        }
    }
}

extension SystemChange {
    init(_ wire: WebhookWire.System) {
        self.init(
            type: wire.type,
            body: wire.body,
            waID: wire.waID ?? wire.newWaID,
            userID: wire.userID,
            parentUserID: wire.parentUserID,
            previousUserID: wire.previousUserID,
            previousParentUserID: wire.previousParentUserID,
            customer: wire.customer
        )
    }
}

extension WebhookWire.System {
    init(_ change: SystemChange) {
        self.init(
            type: change.type,
            body: change.body,
            waID: change.waID,
            userID: change.userID,
            parentUserID: change.parentUserID,
            previousUserID: change.previousUserID,
            previousParentUserID: change.previousParentUserID,
            customer: change.customer
        )
    }
}

extension UserIDChange {
    /// Nil for an item without both business-scoped user IDs.
    init?(_ wire: WebhookWire.UserIDUpdate, phoneNumberID: String?) {
        guard let previous = wire.previousUserID, !previous.isEmpty, let current = wire.userID, !current.isEmpty else { return nil }
        self.init(
            waID: wire.waID,
            previousUserID: previous,
            userID: current,
            parentUserID: wire.parentUserID,
            previousParentUserID: wire.previousParentUserID,
            timestamp: (wire.timestamp ?? LenientString("0")).unixDate,
            phoneNumberID: phoneNumberID
        )
    }
}

extension WebhookWire.UserIDUpdate {
    init(_ change: UserIDChange) {
        self.init(
            waID: change.waID,
            previousUserID: change.previousUserID,
            userID: change.userID,
            parentUserID: change.parentUserID,
            previousParentUserID: change.previousParentUserID,
            timestamp: LenientString.unixSeconds(change.timestamp)
        )
    }
}
