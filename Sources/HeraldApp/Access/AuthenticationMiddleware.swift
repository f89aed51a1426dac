import Foundation
import HTTPTypes
import Hummingbird

/// Finds who is calling: a Bearer API key, or a console session cookie. Every session request that may change state
/// must carry the session's CSRF token: in `X-CSRF-Token` (the console's scripts) or as the `_csrf` field of a form.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let sessionCookie = "herald_session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    let keys: APIKeyStore
    let sessions: SessionStore
    /// Weekly active users: one `user_activity` row per user and UTC day.
    let activity: UserActivityRecorder

    init(keys: APIKeyStore, sessions: SessionStore) {
        self.keys = keys
        self.sessions = sessions
        self.activity = UserActivityRecorder(store: UsageStore(database: sessions.database))
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer",
                let access = try await keys.authenticate(parts[1].trimmingCharacters(in: .whitespaces))
            else { throw APIError.unauthorized }
            context.access = access
        } else if let token = request.cookies[Self.sessionCookie]?.value, let access = try await sessions.authenticate(token) {
            context.access = access
            if let userID = access.userID { await activity.record(userID: userID, workspaceID: access.workspaceID, logger: context.logger) }
            // Checked whatever the path: the router ignores empty segments, so `//api/…` reaches the API too.
            // Signing in again (a second tab, an expired page) checks the login form's own token instead.
            if ![.get, .head, .options].contains(request.method), !Self.isLogin(request) {
                try await Self.requireCSRFToken(&request, context: context, expected: access.csrfToken)
            }
        }
        return try await next(request, context)
    }

    /// `POST /login` in any spelling the router accepts (it ignores empty segments).
    static func isLogin(_ request: Request) -> Bool {
        request.uri.path.split(separator: "/", omittingEmptySubsequences: true) == ["login"]
    }

    /// Accepts the header, or else a form's `_csrf` field; the form's body is kept for the handler to read.
    static func requireCSRFToken(_ request: inout Request, context: Context, expected: String?) async throws {
        if let sent = request.headers[csrfHeader] {
            guard let expected, Tokens.constantTimeEquals(sent, expected) else {
                throw APIError(.forbidden, "csrf", "the request lacks a valid X-CSRF-Token header")
            }
            return
        }
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            throw APIError(.forbidden, "csrf", "the request lacks a valid X-CSRF-Token header")
        }
        let form = FormData.parse(String(buffer: try await request.collectBody(upTo: context.maxUploadSize)))
        guard let sent = form["_csrf"], let expected, Tokens.constantTimeEquals(sent, expected) else {
            throw APIError(.forbidden, "csrf", "the form has expired; reload the page and try again")
        }
    }
}
