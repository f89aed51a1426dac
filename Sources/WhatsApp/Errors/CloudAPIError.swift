/// An error the Cloud API reported, from an HTTP response's error envelope.
///
/// Decide what to do by `code` (see `action`), never by the message text.
public struct CloudAPIError: Error, Sendable, Equatable {
    /// The HTTP status of the response that carried the error.
    public var httpStatus: Int
    /// Meta's error code, e.g. 131030 or 190.
    public var code: Int
    /// `error_subcode`, when given.
    public var subcode: Int?
    /// Meta's message, e.g. `(#131030) Recipient phone number not in allowed list`.
    public var message: String
    /// `error_data.details`, usually the most helpful text.
    public var details: String?
    /// `type`, e.g. `OAuthException`.
    public var type: String?
    /// `fbtrace_id`, to quote when asking Meta for support.
    public var fbtraceID: String?

    public init(
        httpStatus: Int,
        code: Int,
        subcode: Int? = nil,
        message: String,
        details: String? = nil,
        type: String? = nil,
        fbtraceID: String? = nil
    ) {
        self.httpStatus = httpStatus
        self.code = code
        self.subcode = subcode
        self.message = message
        self.details = details
        self.type = type
        self.fbtraceID = fbtraceID
    }

    /// What a bulk sender should do about this error. Codes not in Meta's table are dropped,
    /// unless the HTTP status says the server failed (5xx), in which case they are retried.
    public var action: ErrorAction { ErrorAction.classify(code: code, httpStatus: httpStatus) }
}

extension CloudAPIError: CustomStringConvertible {
    public var description: String {
        var text = "Cloud API error \(code)"
        if let subcode { text += "/\(subcode)" }
        text += " (HTTP \(httpStatus)): \(message)"
        if let details, !details.isEmpty { text += " — \(details)" }
        return text
    }
}
