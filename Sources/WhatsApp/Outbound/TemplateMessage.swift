/// A business-initiated template message to one recipient: the only kind of message
/// Herald may send outside the 24-hour customer-service window.
///
/// `jsonBody()` produces the request body for `POST /{phone-number-id}/messages`.
public struct TemplateMessage: Sendable, Equatable {
    /// The recipient: a phone number (sent as `to`) or a business-scoped user ID (sent as `recipient`).
    public var address: MessageAddress
    /// The recipient's number as digits only, without `+`; for a business-scoped address, the BSUID.
    /// Setting it addresses the message to that phone number.
    public var to: String {
        get { address.value }
        set { address = MessageAddress.phone(newValue).normalized }
    }
    /// The approved template's name.
    public var templateName: String
    /// The template's language code, e.g. `en_US`.
    public var languageCode: String
    /// Media for an IMAGE, VIDEO or DOCUMENT header.
    public var header: HeaderMedia?
    /// Values for the variables of a TEXT header; may be empty.
    public var headerText: [TemplateParameter]
    /// Values for the body's variables.
    public var body: [TemplateParameter]
    /// The suffix for a URL button with a trailing variable.
    public var urlButton: URLButtonParameter?
    /// Payloads for quick-reply buttons.
    public var quickReplies: [QuickReplyParameter]
    /// Our tracking string, sent as `biz_opaque_callback_data` and echoed back in status webhooks.
    public var callbackData: String?

    /// Creates a message to a phone number; `to` may be given in E.164 (`+919812345678`) and is reduced to digits.
    public init(
        to: String,
        templateName: String,
        languageCode: String,
        header: HeaderMedia? = nil,
        headerText: [TemplateParameter] = [],
        body: [TemplateParameter] = [],
        urlButton: URLButtonParameter? = nil,
        quickReplies: [QuickReplyParameter] = [],
        callbackData: String? = nil
    ) {
        self.init(
            address: .phone(to),
            templateName: templateName,
            languageCode: languageCode,
            header: header,
            headerText: headerText,
            body: body,
            urlButton: urlButton,
            quickReplies: quickReplies,
            callbackData: callbackData
        )
    }

    /// Creates a message to a phone number (reduced to digits) or a business-scoped user ID.
    public init(
        address: MessageAddress,
        templateName: String,
        languageCode: String,
        header: HeaderMedia? = nil,
        headerText: [TemplateParameter] = [],
        body: [TemplateParameter] = [],
        urlButton: URLButtonParameter? = nil,
        quickReplies: [QuickReplyParameter] = [],
        callbackData: String? = nil
    ) {
        self.address = address.normalized
        self.templateName = templateName
        self.languageCode = languageCode
        self.header = header
        self.headerText = headerText
        self.body = body
        self.urlButton = urlButton
        self.quickReplies = quickReplies
        self.callbackData = callbackData
    }
}
