extension WebhookWire {
    struct Preference: Codable {
        var waID: String?
        var userID: String?
        var detail: String?
        var category: String?
        var value: String
        var timestamp: NumericString?
        enum CodingKeys: String, CodingKey {
            case waID = "wa_id"
            case userID = "user_id"
            case detail, category, value, timestamp
        }
    }

    /// `value.user_preferences` is an array in Meta's documentation; a single object, under that
    /// key or as the value itself, is accepted too.
    struct UserPreferencesValue: Codable {
        var messagingProduct: String? = "whatsapp"
        var metadata: Metadata?
        var contacts: LossyArray<Contact>?
        var preferences: [Preference]

        init(metadata: Metadata?, contacts: [Contact]?, preferences: [Preference]) {
            self.metadata = metadata
            self.contacts = contacts.map(LossyArray.init)
            self.preferences = preferences
        }

        enum CodingKeys: String, CodingKey {
            case messagingProduct = "messaging_product"
            case metadata, contacts
            case preferences = "user_preferences"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            messagingProduct = try container.decodeIfPresent(String.self, forKey: .messagingProduct)
            metadata = try container.decodeIfPresent(Metadata.self, forKey: .metadata)
            contacts = try container.decodeIfPresent(LossyArray<Contact>.self, forKey: .contacts)
            if let list = try? container.decodeIfPresent(LossyArray<Preference>.self, forKey: .preferences) {
                preferences = list.elements
            } else if let single = try? container.decodeIfPresent(Preference.self, forKey: .preferences) {
                preferences = [single]
            } else if let itself = try? Preference(from: decoder) {
                preferences = [itself]
            } else {
                preferences = []
            }
        }
    }
}
