/// The body of `POST /{phone-number-id}/messages`, lenient so that validation can answer with
/// Meta's error codes rather than a decoding failure. Decode with `.convertFromSnakeCase`.
struct SendRequest: Decodable, Sendable {
    struct Language: Decodable, Sendable {
        var code: String?
    }

    struct Media: Decodable, Sendable {
        var link: String?
        var id: String?
    }

    struct Parameter: Decodable, Sendable {
        var type: String?
        var text: String?
        var payload: String?
        var parameterName: String?
        var image: Media?
        var video: Media?
        var document: Media?

        /// The media object named by `type`, if it is a media parameter.
        var media: Media? {
            switch type {
            case "image": image
            case "video": video
            case "document": document
            default: nil
            }
        }
    }

    struct Component: Decodable, Sendable {
        var type: String?
        var subType: String?
        var index: IndexValue?
        var parameters: [Parameter]?
    }

    /// Meta accepts a button index as a number or as a string.
    struct IndexValue: Decodable, Sendable {
        var value: Int?
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            value = (try? c.decode(Int.self)) ?? (try? c.decode(String.self)).flatMap { Int($0) }
        }
    }

    struct Template: Decodable, Sendable {
        var name: String?
        var language: Language?
        var components: [Component]?
    }

    struct Text: Decodable, Sendable {
        var body: String?
        var previewUrl: Bool?
    }

    struct Context: Decodable, Sendable {
        var messageId: String?
    }

    var messagingProduct: String?
    var recipientType: String?
    /// A phone number; wins over `recipient` when both are given, as at Meta.
    var to: String?
    /// A business-scoped user id (or parent BSUID), for users known only by it.
    var recipient: String?
    var type: String?
    var bizOpaqueCallbackData: String?
    var template: Template?
    var text: Text?
    var context: Context?
}
