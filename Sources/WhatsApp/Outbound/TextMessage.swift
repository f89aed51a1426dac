/// A free-form text message; Meta only accepts it within 24 hours of the user's last message.
///
/// `jsonBody()` produces the request body for `POST /{phone-number-id}/messages`.
public struct TextMessage: Sendable, Equatable {
    /// The recipient's number as digits only (the initializer strips `+` and separators).
    public var to: String
    /// The text, up to 4,096 characters.
    public var body: String
    /// Whether WhatsApp renders a preview of the first link in `body`.
    public var previewURL: Bool
    /// The wamid of the message this one answers (sent as `context.message_id`).
    public var replyTo: String?

    public init(to: String, body: String, previewURL: Bool = false, replyTo: String? = nil) {
        self.to = WhatsAppRecipient.digits(fromE164: to)
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
        var to: String
        var type = "text"
        var text: Text
        var context: Context?

        enum CodingKeys: String, CodingKey {
            case messagingProduct = "messaging_product"
            case to, type, text, context
        }

        init(message: TextMessage) {
            to = message.to
            text = Text(previewURL: message.previewURL, body: message.body)
            context = message.replyTo.map { Context(messageID: $0) }
        }
    }
}
