extension TemplateMessage {
    /// The request body, exactly as the Cloud API documents it: components in the order header,
    /// body, buttons (by index), and components without parameters left out.
    public func jsonBody() -> [UInt8] {
        WireJSON.encode(TemplateMessageWire(self))
    }
}

/// The wire shape of a template send request.
private struct TemplateMessageWire: Encodable {
    struct Template: Encodable {
        struct Language: Encodable { var code: String }
        var name: String
        var language: Language
        var components: [TemplateComponentWire]?
    }

    var messagingProduct = "whatsapp"
    var recipientType = "individual"
    /// Exactly one of `to` (a phone number) and `recipient` (a business-scoped user ID) is set.
    var to: String?
    var recipient: String?
    var type = "template"
    var callbackData: String?
    var template: Template

    enum CodingKeys: String, CodingKey {
        case messagingProduct = "messaging_product"
        case recipientType = "recipient_type"
        case to, recipient, type
        case callbackData = "biz_opaque_callback_data"
        case template
    }

    init(_ message: TemplateMessage) {
        to = message.address.to
        recipient = message.address.recipient
        callbackData = message.callbackData
        var components: [TemplateComponentWire] = []
        var header: [TemplateParameterWire] = message.header.map { [.media($0)] } ?? []
        header += message.headerText.map(TemplateParameterWire.text)
        if !header.isEmpty { components.append(.header(header)) }
        if !message.body.isEmpty { components.append(.body(message.body.map(TemplateParameterWire.text))) }
        var buttons: [(index: Int, component: TemplateComponentWire)] = []
        if let url = message.urlButton {
            buttons.append((url.index, .urlButton(index: url.index, suffix: url.suffix)))
        }
        buttons += message.quickReplies.map { ($0.index, .quickReply(index: $0.index, payload: $0.payload)) }
        components += buttons.sorted { $0.index < $1.index }.map(\.component)
        template = Template(
            name: message.templateName,
            language: .init(code: message.languageCode),
            components: components.isEmpty ? nil : components
        )
    }
}

/// One entry of `template.components`.
private enum TemplateComponentWire: Encodable {
    case header([TemplateParameterWire])
    case body([TemplateParameterWire])
    case urlButton(index: Int, suffix: String)
    case quickReply(index: Int, payload: String)

    enum CodingKeys: String, CodingKey {
        case type
        case subType = "sub_type"
        case index
        case parameters
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .header(let parameters):
            try container.encode("header", forKey: .type)
            try container.encode(parameters, forKey: .parameters)
        case .body(let parameters):
            try container.encode("body", forKey: .type)
            try container.encode(parameters, forKey: .parameters)
        case .urlButton(let index, let suffix):
            try container.encode("button", forKey: .type)
            try container.encode("url", forKey: .subType)
            try container.encode(index, forKey: .index)
            try container.encode([TemplateParameterWire.text(.init(text: suffix))], forKey: .parameters)
        case .quickReply(let index, let payload):
            try container.encode("button", forKey: .type)
            try container.encode("quick_reply", forKey: .subType)
            try container.encode(index, forKey: .index)
            try container.encode([TemplateParameterWire.payload(payload)], forKey: .parameters)
        }
    }
}

/// One entry of a component's `parameters`.
private enum TemplateParameterWire: Encodable {
    case text(TemplateParameter)
    case media(HeaderMedia)
    case payload(String)

    struct MediaObject: Encodable {
        var link: String?
        var id: String?
        var filename: String?

        init(_ source: MediaSource, filename: String? = nil) {
            switch source {
            case .link(let url): link = url
            case .id(let mediaID): id = mediaID
            }
            self.filename = filename
        }
    }

    enum CodingKeys: String, CodingKey {
        case type
        case text
        case parameterName = "parameter_name"
        case payload
        case image
        case video
        case document
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let parameter):
            try container.encode("text", forKey: .type)
            try container.encode(parameter.text, forKey: .text)
            try container.encodeIfPresent(parameter.name, forKey: .parameterName)
        case .payload(let payload):
            try container.encode("payload", forKey: .type)
            try container.encode(payload, forKey: .payload)
        case .media(.image(let source)):
            try container.encode("image", forKey: .type)
            try container.encode(MediaObject(source), forKey: .image)
        case .media(.video(let source)):
            try container.encode("video", forKey: .type)
            try container.encode(MediaObject(source), forKey: .video)
        case .media(.document(let source, let filename)):
            try container.encode("document", forKey: .type)
            try container.encode(MediaObject(source, filename: filename), forKey: .document)
        }
    }
}
