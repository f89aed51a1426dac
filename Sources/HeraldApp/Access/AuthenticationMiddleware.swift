import Foundation
import Hummingbird

/// Finds who is calling: a Bearer API key, or a console session cookie. Session requests that change
/// state through the API must carry the session's CSRF token in `X-CSRF-Token`.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let sessionCookie = "herald_session"
    let keys: APIKeyStore
    let sessions: SessionStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer",
                let access = try await keys.authenticate(parts[1].trimmingCharacters(in: .whitespaces))
            else { throw APIError.unauthorized }
            context.access = access
        } else if let token = request.cookies[Self.sessionCookie]?.value, let access = try await sessions.authenticate(token) {
            if request.uri.path.hasPrefix("/api"), ![.get, .head, .options].contains(request.method) {
                guard let sent = request.headers[.init("X-CSRF-Token")!], let expected = access.csrfToken,
                    Tokens.constantTimeEquals(sent, expected)
                else { throw APIError(.forbidden, "csrf", "the request lacks a valid X-CSRF-Token header") }
            }
            context.access = access
        }
        return try await next(request, context)
    }
}
