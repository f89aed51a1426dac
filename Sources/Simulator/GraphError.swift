import Foundation
import Hummingbird

/// An error the fake Graph API answers with, in Meta's envelope.
struct GraphError: Error, Sendable {
    var code: Int
    var details: String
    var status: HTTPResponse.Status
    var subcode: Int? = nil

    var title: String { Self.title(code) }

    static func authentication() -> GraphError {
        GraphError(code: 190, details: "Invalid OAuth access token - Cannot parse access token", status: .unauthorized)
    }
    static func invalidParameter(_ details: String, subcode: Int? = nil) -> GraphError {
        GraphError(code: 100, details: details, status: .badRequest, subcode: subcode)
    }
    static func unknownObject(_ id: String) -> GraphError {
        .invalidParameter(
            "Unsupported request. Object with ID '\(id)' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
        )
    }

    /// Where Meta's `errors[].href` points.
    static let href = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"

    /// Meta's short titles, as used in `message` ("(#code) title") and in `errors[].title`.
    static func title(_ code: Int) -> String {
        switch code {
        case 100: "Invalid parameter"
        case 190: "Invalid OAuth access token"
        case 368: "Temporarily blocked for policies violations"
        case 130429: "Rate limit hit"
        case 131000: "Something went wrong"
        case 131016: "Service unavailable"
        case 131026: "Message undeliverable"
        case 131031: "Account has been locked"
        case 131042: "Business eligibility payment issue"
        case 131047: "Re-engagement message"
        case 131048: "Spam rate limit hit"
        case 131049: "This message was not delivered to maintain healthy ecosystem engagement."
        case 131050: "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business."
        case 131053: "Media upload error"
        case 131056: "(Business Account, Consumer Account) pair rate limit hit"
        case 131057: "Account in maintenance mode"
        case 132000: "Number of parameters does not match the expected number of params"
        case 132001: "Template name does not exist in the translation"
        case 132005: "Translated text too long"
        case 132007: "Format character policy violated"
        case 132012: "Parameter format does not match format in the created template"
        case 132015: "Template is Paused"
        case 132016: "Template is Disabled"
        default: "Message failed to send"
        }
    }
}

/// `{"error":{...}}` exactly as Graph sends it (encode with `.convertToSnakeCase`).
struct GraphErrorEnvelope: Encodable {
    struct Body: Encodable {
        struct ErrorData: Encodable {
            var messagingProduct = "whatsapp"
            var details: String
        }
        var message: String
        var type = "OAuthException"
        var code: Int
        var errorData: ErrorData
        var errorSubcode: Int?
        var fbtraceId: String
    }
    var error: Body

    init(_ error: GraphError) {
        self.error = Body(
            message: "(#\(error.code)) \(error.title)",
            code: error.code,
            errorData: .init(details: error.details),
            errorSubcode: error.subcode,
            fbtraceId: Self.traceID()
        )
    }

    /// Meta's trace ids look like `A` followed by 22 letters and digits.
    static func traceID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return "A" + String((0..<22).map { _ in alphabet.randomElement()! })
    }
}
