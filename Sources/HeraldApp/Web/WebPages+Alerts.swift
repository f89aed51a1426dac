import Foundation
import Hummingbird

/// `/alerts` (every alert and episode, newest first, with Acknowledge and Resolve) and Settings › Alerts (rules and
/// outgoing webhooks). Forms go through the same checks as `/api/alerts/…`.
extension WebConsole {
    func addAlertRoutes(to router: Router<AppRequestContext>, pages: WebPages) {
        router.get("alerts", use: pages.alertsPage)
        router.post("alerts/{id}/acknowledge", use: pages.acknowledgeAlert)
        router.get("settings/alerts", use: pages.alertSettings)
        router.post("settings/alerts/rules", use: pages.createAlertRule)
        router.post("settings/alerts/rules/{id}", use: pages.updateAlertRule)
        router.post("settings/alerts/webhooks", use: pages.createAlertWebhook)
        router.post("settings/alerts/webhooks/{id}/delete", use: pages.deleteAlertWebhook)
    }
}

extension WebPages {
    @Sendable func alertsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        let alerts = try await services.messaging.alerts.list(workspaceID: access.workspaceID, limit: 200)
        let names = try await services.database.read { sql in try await AlertCells.campaignNames(alerts.compactMap(\.campaignID), in: sql) }
        let rows = alerts.map { alert -> [String: Any] in
            [
                "id": alert.id.uuidString.lowercased(), "level": alert.level, "rule": alert.rule ?? alert.kind.replacingOccurrences(of: "_", with: " "),
                "message": alert.message, "fired": Self.display(alert.createdAt),
                "campaignID": Self.present(alert.campaignID?.uuidString.lowercased()),
                "campaign": Self.present(alert.campaignID.map { names[$0] ?? "campaign" }),
                "value": Self.present(alert.value.map { alert.kind.hasSuffix("rate") || alert.kind == "read_rate_vs_norm" ? AlertMeasure.percent($0) : String(format: "%g", $0) }),
                "resolved": Self.present(alert.resolvedAt.map(Self.display)), "open": alert.resolvedAt == nil,
                "acknowledged": Self.present(alert.acknowledgedAt.map { "\(Self.display($0)) by \(alert.acknowledgedBy ?? "someone")" }),
            ]
        }
        return console.render("alerts-page", title: "Alerts", path: "/alerts", access: access, values: ["episodes": rows, "empty": rows.isEmpty])
    }

    @Sendable func acknowledgeAlert(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, access) = try await postedForm(request, context)
        guard access.role.canWrite else { throw APIError.forbidden }
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw HTTPError(.notFound) }
        _ = try await services.messaging.alerts.acknowledge(workspaceID: access.workspaceID, id: id, by: access.actor)
        return .redirect(to: "/alerts", type: .normal)
    }

    @Sendable func alertSettings(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await alertSettingsPage(access: try requireSession(context), values: [:])
    }

    func alertSettingsPage(access: Access, values extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let rules = try await services.alerting.rules.list(workspaceID: access.workspaceID)
        var values: [String: Any] = [
            "tabAlerts": true,
            "rules": rules.map { rule -> [String: Any] in
                [
                    "id": rule.id.uuidString.lowercased(), "name": rule.name, "metric": rule.metric.rawValue, "comparison": rule.comparison.rawValue,
                    "threshold": String(format: "%g", rule.threshold), "window": rule.windowSeconds, "minVolume": rule.minVolume,
                    "scope": rule.scope.rawValue.replacingOccurrences(of: "_", with: " "), "level": rule.level.rawValue, "enabled": rule.enabled,
                    "builtin": rule.builtin != nil,
                ]
            },
            "webhooks": try await services.alerting.webhooks.list(workspaceID: access.workspaceID).map {
                ["id": $0.id.uuidString.lowercased(), "name": $0.name, "url": $0.url, "created": Self.display($0.createdAt)] as [String: Any]
            },
            "metrics": AlertRule.Metric.custom.map(\.rawValue), "scopes": AlertRule.Scope.allCases.map(\.rawValue),
            "levels": AlertRule.Level.allCases.map { ["value": $0.rawValue, "selected": $0 == .warning] as [String: Any] },
        ]
        values.merge(extra) { $1 }
        return console.render("settings-alerts", title: "Alerts · Settings", path: "/settings", access: access, values: values, status: status)
    }

    /// Runs an alert settings form as an admin; a refused value comes back on the page with its message.
    func alertForm(_ request: Request, _ context: AppRequestContext, _ action: (FormData, Access) async throws -> [String: Any]) async throws -> Response {
        let (form, access) = try await postedForm(request, context)
        guard access.role.canManage else {
            return try await alertSettingsPage(access: access, values: ["error": "Your role cannot change alert settings."], status: .forbidden)
        }
        do {
            return try await alertSettingsPage(access: access, values: try await action(form, access))
        } catch let error as APIError {
            return try await alertSettingsPage(access: access, values: ["error": error.message], status: error.status)
        }
    }

    /// The form's fields as the API's JSON body: numbers where numbers go, a checkbox as a boolean.
    static func ruleBody(_ form: FormData, fields: [String]) -> JSONValue {
        var body: [String: JSONValue] = [:]
        for field in fields {
            let text = form[field]?.trimmingCharacters(in: .whitespaces) ?? ""
            switch field {
            case "enabled": body[field] = .bool(text == "on" || text == "true")
            case "threshold", "window_seconds", "min_volume":
                if !text.isEmpty { body[field] = Double(text).map(JSONValue.number) ?? .string(text) }
            default: if !text.isEmpty { body[field] = .string(text) }
            }
        }
        return .object(body)
    }

    @Sendable func createAlertRule(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await alertForm(request, context) { form, access in
            let body = Self.ruleBody(form, fields: ["name", "metric", "comparison", "threshold", "window_seconds", "min_volume", "scope", "campaign_id", "level"])
            let now = Date()
            let rule = try AlertRuleInput.apply(
                try FieldReader(body), to: AlertRuleInput.blank(workspaceID: access.workspaceID, now: now), creating: true, now: now
            )
            if let campaignID = rule.campaignID, !(try await services.alerting.rules.campaignExists(workspaceID: access.workspaceID, id: campaignID)) {
                throw APIError.invalid("campaign_id", "no campaign with this id in the workspace", code: "unknown_campaign")
            }
            try await services.alerting.rules.create(rule)
            return ["notice": "Rule “\(rule.name)” created."]
        }
    }

    @Sendable func updateAlertRule(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await alertForm(request, context) { form, access in
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
                let existing = try await services.alerting.rules.find(workspaceID: access.workspaceID, id: id)
            else { throw APIError.notFound("the alert rule") }
            let body = Self.ruleBody(form, fields: ["threshold", "window_seconds", "min_volume", "enabled"])
            let rule = try AlertRuleInput.apply(try FieldReader(body), to: existing, creating: false, now: Date())
            _ = try await services.alerting.rules.update(rule)
            return ["notice": "Rule “\(rule.name)” saved."]
        }
    }

    @Sendable func createAlertWebhook(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await alertForm(request, context) { form, access in
            let name = form["name"]?.trimmingCharacters(in: .whitespaces) ?? "", url = form["url"]?.trimmingCharacters(in: .whitespaces) ?? ""
            guard !name.isEmpty, name.count <= 200 else { throw APIError.invalid("name", "name is required") }
            if let problem = AlertWebhookStore.checkURL(url, allowHTTP: services.alerting.settings.allowHTTP) { throw APIError.invalid("url", problem) }
            let webhook = try await services.alerting.webhooks.create(workspaceID: access.workspaceID, name: name, url: url)
            return ["notice": "Webhook “\(name)” added. Copy its signing secret now: it will not be shown again.", "newSecret": webhook.secret ?? ""]
        }
    }

    @Sendable func deleteAlertWebhook(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await alertForm(request, context) { _, access in
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
                try await services.alerting.webhooks.delete(workspaceID: access.workspaceID, id: id)
            else { throw APIError.notFound("the alert webhook") }
            return ["notice": "Webhook deleted."]
        }
    }
}
