/// Meta's webhook JSON, field for field. Decoding is tolerant: every field but the few that
/// identify an item is optional, and unreadable items are skipped.
enum WebhookWire {
    struct Delivery: Codable {
        var object: String
        var entry: [Entry]?
    }

    struct Entry: Codable {
        var id: LenientString?
        var changes: [Change]?
    }

    struct Metadata: Codable {
        var displayPhoneNumber: String?
        var phoneNumberID: String?
        enum CodingKeys: String, CodingKey {
            case displayPhoneNumber = "display_phone_number"
            case phoneNumberID = "phone_number_id"
        }
    }

    struct Change: Codable {
        enum Value {
            case messages(MessagesValue)
            case templateStatus(TemplateStatus)
            case templateQuality(TemplateQuality)
            case userPreferences(UserPreferencesValue)
            case userIDUpdate(UserIDUpdateValue)
            case unknown
        }

        var field: String
        var value: Value

        init(field: String, value: Value) {
            self.field = field
            self.value = value
        }

        enum CodingKeys: String, CodingKey { case field, value }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            field = try container.decodeIfPresent(String.self, forKey: .field) ?? ""
            switch field {
            case "messages":
                value = .messages(try container.decodeIfPresent(MessagesValue.self, forKey: .value) ?? MessagesValue())
            case "message_template_status_update":
                value = .templateStatus(try container.decode(TemplateStatus.self, forKey: .value))
            case "message_template_quality_update":
                value = .templateQuality(try container.decode(TemplateQuality.self, forKey: .value))
            case "user_preferences":
                value = .userPreferences(try container.decode(UserPreferencesValue.self, forKey: .value))
            case "user_id_update":
                // The shape is unconfirmed: anything unreadable gives no changes rather than failing the delivery.
                value = .userIDUpdate((try? container.decodeIfPresent(UserIDUpdateValue.self, forKey: .value)) ?? UserIDUpdateValue())
            default:
                value = .unknown
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(field, forKey: .field)
            switch value {
            case .messages(let value): try container.encode(value, forKey: .value)
            case .templateStatus(let value): try container.encode(value, forKey: .value)
            case .templateQuality(let value): try container.encode(value, forKey: .value)
            case .userPreferences(let value): try container.encode(value, forKey: .value)
            case .userIDUpdate(let value): try container.encode(value, forKey: .value)
            case .unknown: try container.encode([String: String](), forKey: .value)
            }
        }
    }

    struct MessagesValue: Codable {
        var messagingProduct: String? = "whatsapp"
        var metadata: Metadata?
        var contacts: LossyArray<Contact>?
        var statuses: LossyArray<Status>?
        var messages: LossyArray<Message>?
        enum CodingKeys: String, CodingKey {
            case messagingProduct = "messaging_product"
            case metadata
            case contacts
            case statuses
            case messages
        }
    }

    struct Contact: Codable {
        struct Profile: Codable {
            var name: String?
            var username: String?
        }
        var profile: Profile?
        var waID: String?
        var userID: String?
        var parentUserID: String?
        enum CodingKeys: String, CodingKey {
            case profile
            case waID = "wa_id"
            case userID = "user_id"
            case parentUserID = "parent_user_id"
        }
    }
}
