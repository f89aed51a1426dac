import Foundation
import Hummingbird
import Mustache

/// The server-rendered console: login, Contacts, Segments, Campaigns, Templates, Settings, and the sections still to come.
public struct WebConsole: Sendable {
    let assets: WebAssets
    static let csrfCookie = "herald_login_csrf"

    public static func load() async throws -> WebConsole { WebConsole(assets: try await WebAssets.load()) }

    static let sections: [(path: String, title: String)] = [
        ("/contacts", "Contacts"), ("/segments", "Segments"), ("/campaigns", "Campaigns"), ("/templates", "Templates"), ("/ab-tests", "A/B tests"),
        ("/analytics", "Analytics"), ("/alerts", "Alerts"), ("/integrations", "Integrations"), ("/settings", "Settings"),
    ]

    /// Sections whose page is still to come, with what it will hold (none today).
    static let coming: [String: String] = [:]

    func addRoutes(to router: Router<AppRequestContext>, services: AppServices, secureCookies: Bool) {
        let pages = WebPages(console: self, services: services, secureCookies: secureCookies)
        router.get("static/herald.css") { _, _ in Self.asset(assets.css, type: "text/css; charset=utf-8") }
        router.get("static/herald.js") { _, _ in Self.asset(assets.js, type: "text/javascript; charset=utf-8") }
        router.get("/") { _, context in
            Response.redirect(to: context.access == nil ? "/login" : "/contacts")
        }
        router.get("login", use: pages.loginPage)
        router.post("login", use: pages.login)
        router.post("logout", use: pages.logout)
        router.get("contacts", use: pages.contacts)
        router.get("contacts/{id}", use: pages.contact)
        router.get("settings", use: pages.settings)
        router.post("settings/workspace", use: pages.updateWorkspace)
        router.post("settings/attribution", use: pages.updateAttribution)
        router.post("settings/currency-rates", use: pages.updateCurrencyRates)
        router.post("settings/api-keys", use: pages.createKey)
        router.post("settings/api-keys/{id}/revoke", use: pages.revokeKey)
        router.post("settings/users", use: pages.createUser)
        addMessagingRoutes(to: router, pages: pages)
        addSegmentRoutes(to: router, pages: pages)
        addABTestRoutes(to: router, pages: pages)
        addAnalyticsRoutes(to: router, pages: pages)
        addReportRoutes(to: router, pages: pages)
        addAlertRoutes(to: router, pages: pages)
        router.get("integrations", use: pages.integrations)
        router.post("integrations", use: pages.connectIntegration)
        router.post("integrations/{id}/test", use: pages.testIntegration)
        router.post("integrations/{id}/import/{resource}", use: pages.startIntegrationImport)
        router.post("integrations/{id}/remove", use: pages.removeIntegration)
        for (path, _) in Self.sections where Self.coming[path] != nil {
            router.get(RouterPath(path), use: pages.comingSoon)
        }
    }

    /// WhatsApp settings, templates, media and campaigns.
    func addMessagingRoutes(to router: Router<AppRequestContext>, pages: WebPages) {
        router.get("static/campaigns.js") { _, _ in Self.asset(assets.campaignsJS, type: "text/javascript; charset=utf-8") }
        router.get("settings/whatsapp", use: pages.whatsapp)
        router.post("settings/whatsapp/accounts", use: pages.addAccount)
        router.post("settings/whatsapp/accounts/{id}/test", use: pages.testAccount)
        router.post("settings/whatsapp/accounts/{id}/sync", use: pages.syncAccount)
        router.post("settings/whatsapp/accounts/{id}/resume", use: pages.resumeAccount)
        router.post("settings/whatsapp/keywords", use: pages.saveKeywords)
        router.post("settings/whatsapp/rates", use: pages.saveRates)
        router.get("templates", use: pages.templates)
        router.get("templates/{id}", use: pages.template)
        router.get("media", use: pages.media)
        router.get("campaigns", use: pages.campaigns)
        router.get("campaigns/new", use: pages.newCampaign)
        router.post("campaigns/new", use: pages.createCampaign)
        router.get("campaigns/{id}", use: pages.campaign)
        router.post("campaigns/{id}/{action}", use: pages.campaignAction)
        router.post("alerts/{id}/resolve", use: pages.resolveAlert)
    }

    /// The segment list and the builder for a new or saved segment; the builder's script talks to `/api/segments`.
    func addSegmentRoutes(to router: Router<AppRequestContext>, pages: WebPages) {
        router.get("static/segments.js") { _, _ in Self.asset(assets.segmentsJS, type: "text/javascript; charset=utf-8") }
        router.get("segments", use: pages.segments)
        router.get("segments/new", use: pages.newSegment)
        router.get("segments/{id}", use: pages.segment)
    }

    static func asset(_ bytes: [UInt8], type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=300"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Renders a page inside the layout: navigation, signed-in user and CSRF token.
    func render(_ template: String, title: String, path: String, access: Access?, values: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        var context = values
        context["title"] = title
        context["nav"] = Self.sections.map { ["href": $0.path, "title": $0.title, "active": path.hasPrefix($0.path)] as [String: Any] }
        if let access {
            context["signedIn"] = true
            context["actor"] = access.actor
            context["role"] = access.role.rawValue
            context["csrf"] = access.csrfToken ?? ""
            context["canWrite"] = access.role.canWrite
            context["canManage"] = access.role.canManage
        }
        let body = assets.library.render(context, withTemplate: template) ?? "template \(template) is missing"
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .init("X-Frame-Options")!: "DENY"],
            body: .init(byteBuffer: ByteBuffer(string: body))
        )
    }
}
