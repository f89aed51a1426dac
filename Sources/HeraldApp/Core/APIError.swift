import Foundation
import Hummingbird

/// The one error shape clients see: `{"error":{"code","message","field"}}` with a fitting status.
public struct APIError: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public let field: String?
    /// Every problem found, when there can be several (segment rules); `field` names the first.
    public var problems: [Problem]?

    public struct Problem: Sendable, Encodable {
        public let path: String
        public let code: String
        public let message: String
    }

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    public static func invalid(_ field: String, _ message: String, code: String = "invalid_field") -> APIError {
        APIError(.unprocessableContent, code, message, field: field)
    }
    public static func notFound(_ what: String) -> APIError { APIError(.notFound, "not_found", "\(what) was not found") }
    public static let unauthorized = APIError(.unauthorized, "unauthorized", "a valid API key or session is required")
    public static let forbidden = APIError(.forbidden, "forbidden", "your role does not allow this action")

    struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let field: String?
            var problems: [Problem]? = nil
        }
        let error: Detail
    }

    public var body: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(Body(error: .init(code: code, message: message, field: field, problems: problems)))) ?? Data()
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: body)))
    }
}
