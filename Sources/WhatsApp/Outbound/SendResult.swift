/// What the Cloud API answers when it accepts a message.
public struct SendResult: Sendable, Equatable {
    /// The message ID (`wamid.…`) that status webhooks will refer to.
    public var wamid: String
    /// The recipient's WhatsApp ID; it can differ from the number we sent to. Absent for a send by business-scoped user ID.
    public var waID: String?
    /// The recipient's business-scoped user ID (`contacts[0].user_id`), when Meta gives it.
    public var userID: String?
    /// `accepted`, or `held_for_quality_assessment` when Meta holds a marketing message for review.
    public var messageStatus: String?

    public init(wamid: String, waID: String? = nil, userID: String? = nil, messageStatus: String? = nil) {
        self.wamid = wamid
        self.waID = waID
        self.userID = userID
        self.messageStatus = messageStatus
    }

    /// Whether Meta is holding the message for a quality check before delivering it.
    public var isHeldForQualityAssessment: Bool { messageStatus == "held_for_quality_assessment" }

    /// Parses a success response; nil when the body is not one (no `messages[0].id`).
    public init?(jsonBody bytes: [UInt8]) {
        guard let wire = try? WireJSON.decode(Wire.self, from: bytes), let message = wire.messages?.first else { return nil }
        let contact = wire.contacts?.first
        self.init(wamid: message.id, waID: contact?.waID, userID: contact?.userID, messageStatus: message.messageStatus)
    }

    /// The success response the Cloud API would give for this result (used by the simulator and tests). Without
    /// a `userID`, `wa_id` defaults to the input, as for a send by phone number.
    public func jsonBody(input: String) -> [UInt8] {
        WireJSON.encode(
            Wire(
                messagingProduct: "whatsapp",
                contacts: [.init(input: input, waID: userID == nil ? (waID ?? input) : waID, userID: userID)],
                messages: [.init(id: wamid, messageStatus: messageStatus)]
            )
        )
    }

    private struct Wire: Codable {
        struct Contact: Codable {
            var input: String?
            var waID: String?
            var userID: String?
            enum CodingKeys: String, CodingKey {
                case input
                case waID = "wa_id"
                case userID = "user_id"
            }
        }
        struct Message: Codable {
            var id: String
            var messageStatus: String?
            enum CodingKeys: String, CodingKey {
                case id
                case messageStatus = "message_status"
            }
        }
        var messagingProduct: String?
        var contacts: [Contact]?
        var messages: [Message]?
        enum CodingKeys: String, CodingKey {
            case messagingProduct = "messaging_product"
            case contacts, messages
        }
    }
}
