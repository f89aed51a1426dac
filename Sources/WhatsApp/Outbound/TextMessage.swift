/// A free-form text message; Meta only accepts it within 24 hours of the user's last message.
///
/// `jsonBody()` produces the request body for `POST /{phone-number-id}/messages`.
public struct TextMessage: Sendable, Equatable {
    /// The recipient: a phone number (sent as `to`) or a business-scoped user ID (sent as `recipient`).
    public var address: MessageAddress
    /// The recipient's number as digits only; for a business-scoped address, the BSUID.
    /// Setting it addresses the message to that phone number.
    public var to: String {
        get { address.value }
        set { address = MessageAddress.phone(newValue).normalized }
    }
    /// The text, up to 4,096 characters.
    public var body: String
    /// Whether WhatsApp renders a preview of the first link in `body`.
    public var previewURL: Bool
    /// The wamid of the message this one answers (sent as `context.message_id`).
    public var replyTo: String?

    /// Creates a message to a phone number; the initializer strips `+` and separators.
    public init(to: String, body: String, previewURL: Bool = false, replyTo: String? = nil) {
        self.init(address: .phone(to), body: body, previewURL: previewURL, replyTo: replyTo)
    }

    /// Creates a message to a phone number (reduced to digits) or a business-scoped user ID.
    public init(address: MessageAddress, body: String, previewURL: Bool = false, replyTo: String? = nil) {
        self.address = address.normalized
        self.body = body
        self.previewURL = previewURL
        self.replyTo = replyTo
    }

    /// The request body, exactly as the Cloud API documents it.
    public func jsonBody() -> [UInt8] {
        WireJSON.encode(Wire(message: self))
    }

    private struct Wire: Encodable {
        struct Text: Encodable {
            var previewURL: Bool
            var body: String
            enum CodingKeys: String, CodingKey {
                case previewURL = "preview_url"
                case body
            }
        }
        struct Context: Encodable {
            var messageID: String
            enum CodingKeys: String, CodingKey { case messageID = "message_id" }
        }
        var messagingProduct = "whatsapp"
        var recipientType = "individual"
        var to: String?
        var recipient: String?
        var type = "text"
        var text: Text
        var context: Context?

        enum CodingKeys: String, CodingKey {
            case messagingProduct = "messaging_product"
            case recipientType = "recipient_type"
            case to, recipient, type, text, context
        }

        init(message: TextMessage) {
            to = message.address.to
            recipient = message.address.recipient
            text = Text(previewURL: message.previewURL, body: message.body)
            context = message.replyTo.map { Context(messageID: $0) }
        }
    }
}
