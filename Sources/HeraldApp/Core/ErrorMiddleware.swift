import Foundation
import Hummingbird
import Logging
import NIOCore
import Storage

/// Turns every error into the JSON error shape (or a small HTML page for console routes),
/// logs unexpected ones at error level with the request id, and never leaks internal text.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = try error.response(from: request, context: context)
        } catch is NIOTooManyBytesError {
            response = try APIError(.contentTooLarge, "body_too_large", "the body is too large").response(from: request, context: context)
        } catch let error as QueryTimeLimitExceeded {
            context.logger.notice("query stopped at its time limit", metadata: ["path": "\(request.uri.path)", "limit": "\(error.limit)"])
            response = try APIError(
                .serviceUnavailable, "query_timeout",
                "this took longer than the \(error.limit) allowed; narrow the rules or try again when the server is less busy"
            ).response(from: request, context: context)
            response.headers[.retryAfter] = "5"
        } catch let error as RedirectToLogin {
            response = try error.response(from: request, context: context)
        } catch let error as HTTPError {
            response = try Self.map(error).response(from: request, context: context)
            for (name, value) in error.headers.map({ ($0.name, $0.value) }) where name != .contentType && name != .contentLength {
                response.headers[name] = value
            }
        } catch {
            // A database error is its SQLSTATE and message only (DatabaseError): never the values bound to the query.
            let logged = DatabaseError.redacting(error)
            context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: logged))", "path": "\(request.uri.path)"])
            response = try APIError(.internalServerError, "internal", "something went wrong on our side; the request id is \(context.id)")
                .response(from: request, context: context)
        }
        response.headers[.init("X-Request-Id")!] = context.id
        if response.status.code >= 400, !request.uri.path.hasPrefix("/api"), !request.uri.path.hasPrefix("/webhooks"),
            request.headers[.accept]?.contains("text/html") == true, response.headers[.contentType]?.hasPrefix("text/html") != true
        {
            return Self.htmlPage(for: response.status)
        }
        return response
    }

    static func map(_ error: HTTPError) -> APIError {
        switch error.status {
        case .notFound: APIError(.notFound, "not_found", "no such resource")
        case .methodNotAllowed: APIError(.methodNotAllowed, "method_not_allowed", "this method is not allowed here")
        case .contentTooLarge: APIError(.contentTooLarge, "body_too_large", "the body is too large")
        case .unsupportedMediaType: APIError(.unsupportedMediaType, "unsupported_media_type", "unsupported content type")
        case .unauthorized: APIError.unauthorized
        case .forbidden: APIError.forbidden
        default:
            if error.status.code < 500 {
                APIError(error.status, "bad_request", error.body ?? error.status.reasonPhrase)
            } else {
                APIError(.internalServerError, "internal", "something went wrong on our side")
            }
        }
    }

    static func htmlPage(for status: HTTPResponse.Status) -> Response {
        let title = status == .notFound ? "Page not found" : "\(status.code) \(status.reasonPhrase)"
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · Herald</title><link rel="stylesheet" href="/static/herald.css"></head>
            <body class="error-page"><main><h1>\(title)</h1><p><a href="/contacts">Back to Herald</a></p></main></body></html>
            """
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
