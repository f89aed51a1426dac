import Analytics
import Foundation
import Hummingbird

/// Settings → WhatsApp: accounts, webhook address, consent keywords and message rates.
extension WebPages {
    @Sendable func whatsapp(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await whatsappPage(access: try requireSession(context), values: [:])
    }

    func whatsappPage(access: Access, values extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let messaging = services.messaging
        let accounts = try await messaging.accounts.list(workspaceID: access.workspaceID)
        let templates = try await messaging.templates.list(workspaceID: access.workspaceID)
        let keywords = try await ConsentKeywordsUpdate(services: messaging).current(workspaceID: access.workspaceID)
        let rates = try await messaging.rates.table(workspaceID: access.workspaceID)
        let form = extra["form"] as? [String: String] ?? [:]
        var values: [String: Any] = [
            "accounts": accounts.map { account in
                Self.accountRow(account, templates: templates.filter { $0.accountID == account.id }.count)
            },
            "hasAccounts": !accounts.isEmpty, "tabWhatsApp": true,
            "webhookURL": messaging.publicBaseURL + "/webhooks/whatsapp",
            "account": [
                "name": form["name"] ?? "", "phone_number_id": form["phone_number_id"] ?? "", "waba_id": form["waba_id"] ?? "",
                "display_phone_number": form["display_phone_number"] ?? "", "api_base_url": form["api_base_url"] ?? "https://graph.facebook.com",
                "api_version": form["api_version"] ?? "v21.0", "throughput": form["throughput"] ?? "80",
            ],
            "tiers": AccountController.tiers.map { ["value": $0, "selected": $0 == (form["messaging_tier"] ?? "TIER_2K")] as [String: Any] },
            "optOut": form["opt_out"] ?? keywords.optOut.joined(separator: "\n"),
            "optIn": form["opt_in"] ?? keywords.optIn.joined(separator: "\n"),
            "currency": rates.currency,
            "rates": Self.rateRows(rates, form: form, errors: extra["errors"] as? [String: String] ?? [:]),
            "rateRowCount": Self.rateRows(rates, form: form, errors: [:]).count,
            "ratesAsOf": form["as_of"] ?? rates.asOf ?? "", "ratesCurrency": form["currency"] ?? rates.currency,
        ]
        values.merge(extra) { $1 }
        return console.render("whatsapp", title: "WhatsApp settings", path: "/settings", access: access, values: values, status: status)
    }

    static func accountRow(_ account: WhatsAppAccount, templates: Int) -> [String: Any] {
        [
            "id": account.id.uuidString.lowercased(), "name": account.name, "phoneNumberID": account.phoneNumberID, "wabaID": account.wabaID,
            "display": account.displayPhoneNumber ?? "—", "throughput": account.throughput, "tier": account.messagingTier, "status": account.status,
            "reason": Self.present(account.statusReason), "halted": account.status != "active", "templates": templates,
            "apiBaseURL": account.apiBaseURL,
        ]
    }

    /// Runs a WhatsApp settings form; refusals and domain errors come back on the page.
    func whatsappForm(
        _ request: Request,
        _ context: AppRequestContext,
        needs permission: FormPermission,
        keep secrets: Set<String> = [],
        _ action: (FormData, Access) async throws -> [String: Any]
    ) async throws -> Response {
        let (form, access) = try await postedForm(request, context)
        guard permission.allows(access.role) else {
            return try await whatsappPage(access: access, values: ["error": "Your role cannot change WhatsApp settings."], status: .forbidden)
        }
        do {
            return try await whatsappPage(access: access, values: try await action(form, access))
        } catch let error as APIError {
            var values = Self.errorValues(error)
            values["form"] = form.redisplayed(dropping: secrets)
            return try await whatsappPage(access: access, values: values, status: error.status)
        }
    }

    func account(_ context: AppRequestContext, _ access: Access) async throws -> WhatsAppAccount {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let account = try await services.messaging.accounts.find(workspaceID: access.workspaceID, id: id)
        else { throw APIError.notFound("the WhatsApp account") }
        return account
    }

    @Sendable func addAccount(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await whatsappForm(request, context, needs: .manage, keep: ["access_token", "app_secret", "verify_token"]) { form, access in
            let fields = [
                "name", "phone_number_id", "waba_id", "display_phone_number", "access_token", "app_secret", "verify_token", "api_base_url",
                "api_version", "throughput", "messaging_tier",
            ]
            let input = try AccountController.parse(
                try FieldReader(form.json(fields, numbers: ["throughput"])), hosts: services.messaging.accounts.apiHosts
            )
            let account = try await services.messaging.accounts.create(workspaceID: access.workspaceID, input)
            return ["notice": "Account “\(account.name)” added. Test the connection, then sync its templates."]
        }
    }

    @Sendable func testAccount(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await whatsappForm(request, context, needs: .write) { _, access in
            let account = try await account(context, access)
            let result = try await ConnectionTest(services: services.messaging).run(account)
            return result.ok ? ["notice": "“\(account.name)”: \(result.message)"] : ["error": "“\(account.name)”: \(result.message)"]
        }
    }

    @Sendable func syncAccount(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await whatsappForm(request, context, needs: .write) { _, access in
            let account = try await account(context, access)
            let count = try await TemplateSync(services: services.messaging).sync(account)
            return ["notice": "Synced \(count) template\(count == 1 ? "" : "s") of “\(account.name)”."]
        }
    }

    @Sendable func resumeAccount(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await whatsappForm(request, context, needs: .manage) { _, access in
            let account = try await account(context, access)
            _ = try await services.messaging.accounts.update(
                workspaceID: access.workspaceID,
                id: account.id,
                name: nil,
                throughput: nil,
                messagingTier: nil,
                apiBaseURL: nil,
                apiVersion: nil,
                accessToken: nil,
                appSecret: nil,
                verifyToken: nil,
                status: "active"
            )
            return ["notice": "Sending from “\(account.name)” resumed. Paused campaigns stay paused until you resume them."]
        }
    }

    @Sendable func saveKeywords(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await whatsappForm(request, context, needs: .manage) { form, access in
            _ = try await ConsentKeywordsUpdate(services: services.messaging).save(
                workspaceID: access.workspaceID,
                optOut: ConsentKeywordsUpdate.lines(form["opt_out"]),
                optIn: ConsentKeywordsUpdate.lines(form["opt_in"])
            )
            return ["notice": "Consent keywords saved."]
        }
    }
}
