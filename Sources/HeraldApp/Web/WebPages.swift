import Foundation
import Hummingbird

/// Handlers of the console's pages. Pages need a session; forms carry the session's CSRF token.
struct WebPages: Sendable {
    let console: WebConsole
    let services: AppServices
    let secureCookies: Bool

    func requireSession(_ context: AppRequestContext) throws -> Access {
        guard let access = context.access, access.userID != nil else { throw RedirectToLogin() }
        return access
    }

    /// Checks the form's CSRF token against the session's.
    func checkForm(_ form: FormData, _ access: Access) throws {
        guard let sent = form["_csrf"], let expected = access.csrfToken, Tokens.constantTimeEquals(sent, expected) else {
            throw APIError(.forbidden, "csrf", "the form has expired; reload the page and try again")
        }
    }

    // MARK: Login

    @Sendable func loginPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.access?.userID != nil { return .redirect(to: "/contacts") }
        return loginForm(error: nil, email: "")
    }

    func loginForm(error: String?, email: String, status: HTTPResponse.Status = .ok) -> Response {
        let token = Tokens.random(bytes: 18)
        var response = console.render(
            "login", title: "Sign in", path: "/login", access: nil, values: ["loginCsrf": token, "error": error ?? false, "email": email], status: status
        )
        response.setCookie(Cookie(name: WebConsole.csrfCookie, value: token, path: "/login", secure: secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        let email = form["email"] ?? ""
        guard let sent = form["_csrf"], let cookie = request.cookies[WebConsole.csrfCookie]?.value, Tokens.constantTimeEquals(sent, cookie) else {
            return loginForm(error: "Your sign-in form expired. Please try again.", email: email, status: .forbidden)
        }
        guard let user = try await services.users.verify(email: email, password: form["password"] ?? "") else {
            context.logger.notice("failed console sign-in")
            return loginForm(error: "That email and password do not match an account.", email: email, status: .unauthorized)
        }
        let token = try await services.sessions.create(for: user)
        var response = Response.redirect(to: "/contacts", type: .found)
        response.setCookie(
            Cookie(
                name: AuthenticationMiddleware.sessionCookie, value: token, maxAge: Int(SessionStore.lifetime), path: "/",
                secure: secureCookies, httpOnly: true, sameSite: .lax
            )
        )
        return response
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        if let access = context.access, access.userID != nil {
            try checkForm(form, access)
            if let token = request.cookies[AuthenticationMiddleware.sessionCookie]?.value { try await services.sessions.delete(token: token) }
        }
        var response = Response.redirect(to: "/login", type: .found)
        response.setCookie(Cookie(name: AuthenticationMiddleware.sessionCookie, value: "", maxAge: 0, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }

    // MARK: Sections still to come

    @Sendable func comingSoon(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        let path = request.uri.path
        let title = WebConsole.sections.first { $0.path == path }?.title ?? "Herald"
        return console.render("coming", title: title, path: path, access: access, values: ["what": WebConsole.coming[path] ?? ""])
    }
}

/// Thrown by pages that need a session; answered with a redirect to the login page.
struct RedirectToLogin: Error, HTTPResponseError {
    var status: HTTPResponse.Status { .seeOther }
    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response.redirect(to: "/login", type: .normal)
    }
}
