/// Meta's webhook shapes, encoded with `.convertToSnakeCase`.
enum WebhookPayload {
    struct Envelope<Value: Encodable & Sendable>: Encodable, Sendable {
        struct Entry: Encodable, Sendable {
            var id: String
            var time: Int?
            var changes: [Change]
        }
        struct Change: Encodable, Sendable {
            var field: String
            var value: Value
        }
        var object = "whatsapp_business_account"
        var entry: [Entry]

        init(wabaID: String, field: String, value: Value, time: Int? = nil) {
            entry = [Entry(id: wabaID, time: time, changes: [Change(field: field, value: value)])]
        }
    }

    struct Metadata: Encodable, Sendable {
        var displayPhoneNumber: String
        var phoneNumberId: String
    }

    /// A user in `contacts[]`: `user_id` always, `wa_id` only when Meta shares the phone.
    struct Contact: Encodable, Sendable {
        struct Profile: Encodable, Sendable {
            var name: String?
            var username: String?
        }
        var profile: Profile?
        var waId: String?
        var userId: String
    }

    /// The value of a `messages` change: either statuses or inbound messages.
    struct MessagesValue: Encodable, Sendable {
        var messagingProduct = "whatsapp"
        var metadata: Metadata
        var contacts: [Contact]?
        var messages: [InboundMessage]?
        var statuses: [StatusItem]?
    }

    /// The value of a `message_template_status_update` change; `reason` is always present, maybe null.
    struct TemplateStatusValue: Encodable, Sendable {
        var event: String
        var messageTemplateId: Int
        var messageTemplateName: String
        var messageTemplateLanguage: String
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case event, messageTemplateId, messageTemplateName, messageTemplateLanguage, reason
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(event, forKey: .event)
            try c.encode(messageTemplateId, forKey: .messageTemplateId)
            try c.encode(messageTemplateName, forKey: .messageTemplateName)
            try c.encode(messageTemplateLanguage, forKey: .messageTemplateLanguage)
            try c.encode(reason, forKey: .reason)
        }
    }
}

/// One item of `statuses[]`.
struct StatusItem: Encodable, Sendable {
    struct Pricing: Encodable, Sendable {
        var billable: Bool
        var pricingModel = "PMP"
        var type: String
        var category: String
    }
    struct StatusError: Encodable, Sendable {
        struct ErrorData: Encodable, Sendable { var details: String }
        var code: Int
        var title: String
        var message: String
        var errorData: ErrorData
        var href = GraphError.href

        init(code: Int) {
            self.code = code
            title = GraphError.title(code)
            message = GraphError.title(code)
            errorData = .init(details: GraphError.statusDetails(code))
        }
    }

    var id: String
    var status: String
    var timestamp: String
    /// The phone, when Meta shares it.
    var recipientId: String?
    /// The BSUID: on every status but a failed one sent by phone.
    var recipientUserId: String?
    var bizOpaqueCallbackData: String?
    var pricing: Pricing?
    var errors: [StatusError]?
    /// The `contacts[]` entry this status brings into its POST (none for failed statuses); not part of the item.
    var contact: WebhookPayload.Contact?

    enum CodingKeys: String, CodingKey {
        case id, status, timestamp, recipientId, recipientUserId, bizOpaqueCallbackData, pricing, errors
    }
}

/// One item of `messages[]`: a user writing to the business.
struct InboundMessage: Encodable, Sendable {
    struct Text: Encodable, Sendable { var body: String }
    struct Button: Encodable, Sendable {
        var payload: String
        var text: String
    }
    struct Context: Encodable, Sendable {
        var from: String
        var id: String
    }

    /// A `system` message: the user changed number or BSUID.
    struct System: Encodable, Sendable {
        var body: String
        var type: String
        var waId: String?
        var userId: String
        var previousUserId: String
    }

    var context: Context?
    /// The phone, when Meta shares it.
    var from: String?
    var fromUserId: String
    var id: String
    var timestamp: String
    var type: String
    var text: Text?
    var button: Button?
    var system: System?
}
