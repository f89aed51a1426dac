extension WebhookWire {
    struct Status: Codable {
        struct Conversation: Codable {
            struct Origin: Codable { var type: String? }
            var id: String?
            var origin: Origin?
        }
        struct Pricing: Codable {
            var billable: Bool?
            var pricingModel: String?
            var type: String?
            var category: String?
            enum CodingKeys: String, CodingKey {
                case billable
                case pricingModel = "pricing_model"
                case type, category
            }
        }
        var id: String
        var status: String
        var timestamp: LenientString?
        var recipientID: String?
        var recipientUserID: String?
        var recipientParentUserID: String?
        var userID: String?
        var username: String?
        var callbackData: String?
        var conversation: Conversation?
        var pricing: Pricing?
        var errors: LossyArray<ErrorItem>?
        enum CodingKeys: String, CodingKey {
            case id, status, timestamp
            case recipientID = "recipient_id"
            case recipientUserID = "recipient_user_id"
            case recipientParentUserID = "recipient_parent_user_id"
            case userID = "user_id"
            case username
            case callbackData = "biz_opaque_callback_data"
            case conversation, pricing, errors
        }
    }

    struct ErrorItem: Codable {
        struct ErrorData: Codable { var details: String? }
        var code: Int
        var title: String?
        var message: String?
        var errorData: ErrorData?
        var href: String?
        enum CodingKeys: String, CodingKey {
            case code, title, message
            case errorData = "error_data"
            case href
        }
    }

    struct Message: Codable {
        struct Text: Codable { var body: String? }
        struct Button: Codable {
            var payload: String?
            var text: String?
        }
        struct Reply: Codable {
            var id: String?
            var title: String?
        }
        struct Interactive: Codable {
            var type: String?
            var buttonReply: Reply?
            var listReply: Reply?
            enum CodingKeys: String, CodingKey {
                case type
                case buttonReply = "button_reply"
                case listReply = "list_reply"
            }
        }
        struct Context: Codable {
            var from: String?
            var id: String?
        }
        var from: String?
        var fromUserID: String?
        var fromParentUserID: String?
        var userID: String?
        var id: String
        var timestamp: LenientString?
        var type: String?
        var text: Text?
        var button: Button?
        var interactive: Interactive?
        var context: Context?
        var system: System?
        enum CodingKeys: String, CodingKey {
            case from
            case fromUserID = "from_user_id"
            case fromParentUserID = "from_parent_user_id"
            case userID = "user_id"
            case id, timestamp, type, text, button, interactive, context, system
        }
    }

    struct TemplateStatus: Codable {
        var event: String
        var messageTemplateID: NumericString?
        var messageTemplateName: String?
        var messageTemplateLanguage: String?
        var reason: String?
        enum CodingKeys: String, CodingKey {
            case event
            case messageTemplateID = "message_template_id"
            case messageTemplateName = "message_template_name"
            case messageTemplateLanguage = "message_template_language"
            case reason
        }
    }

    struct TemplateQuality: Codable {
        var previousQualityScore: String?
        var newQualityScore: String
        var messageTemplateID: NumericString?
        var messageTemplateName: String?
        var messageTemplateLanguage: String?
        enum CodingKeys: String, CodingKey {
            case previousQualityScore = "previous_quality_score"
            case newQualityScore = "new_quality_score"
            case messageTemplateID = "message_template_id"
            case messageTemplateName = "message_template_name"
            case messageTemplateLanguage = "message_template_language"
        }
    }
}
