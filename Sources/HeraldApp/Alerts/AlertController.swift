import Foundation
import Hummingbird
import Logging

/// `/api/alerts/rules`, `/api/alerts/webhooks` and `/api/alerts/{id}/acknowledge` (the list and resolve stay in
/// `MessagingSettingsController`).
struct AlertController {
    let services: AlertServices
    let alerts: AlertStore
    let publicBaseURL: String

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("alerts/rules", use: rules)
        group.post("alerts/rules", use: createRule)
        group.put("alerts/rules/{id}", use: updateRule)
        group.delete("alerts/rules/{id}", use: deleteRule)
        group.get("alerts/webhooks", use: webhooks)
        group.post("alerts/webhooks", use: createWebhook)
        group.delete("alerts/webhooks/{id}", use: deleteWebhook)
        group.post("alerts/webhooks/{id}/test", use: testWebhook)
        group.post("alerts/{id}/acknowledge", use: acknowledge)
    }

    /// The path's id; one that is not a UUID names nothing here (404, as elsewhere in the API).
    static func id(_ context: AuthenticatedContext, _ what: String) throws -> UUID {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw APIError.notFound(what) }
        return id
    }

    struct List<T: Encodable>: Encodable { let data: [T] }

    @Sendable func rules(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try JSONResponse.make(List(data: try await services.rules.list(workspaceID: context.access.workspaceID)))
    }

    @Sendable func createRule(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let reader = try FieldReader(try await request.jsonBody(context: context), path: "")
        let now = Date()
        let rule = try AlertRuleInput.apply(reader, to: AlertRuleInput.blank(workspaceID: context.access.workspaceID, now: now), creating: true, now: now)
        try await checkCampaign(rule, context)
        try await services.rules.create(rule)
        return try JSONResponse.make(rule, status: .created)
    }

    @Sendable func updateRule(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let id = try Self.id(context, "the alert rule")
        guard let existing = try await services.rules.find(workspaceID: context.access.workspaceID, id: id) else { throw APIError.notFound("the alert rule") }
        let reader = try FieldReader(try await request.jsonBody(context: context), path: "")
        let rule = try AlertRuleInput.apply(reader, to: existing, creating: false, now: Date())
        try await checkCampaign(rule, context)
        guard try await services.rules.update(rule) else { throw APIError.notFound("the alert rule") }
        return try JSONResponse.make(rule)
    }

    private func checkCampaign(_ rule: AlertRule, _ context: AuthenticatedContext) async throws {
        if let campaignID = rule.campaignID, !(try await services.rules.campaignExists(workspaceID: context.access.workspaceID, id: campaignID)) {
            throw APIError.invalid("campaign_id", "no campaign with this id in the workspace", code: "unknown_campaign")
        }
    }

    @Sendable func deleteRule(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let id = try Self.id(context, "the alert rule")
        do {
            guard try await services.rules.delete(workspaceID: context.access.workspaceID, id: id) else { throw APIError.notFound("the alert rule") }
        } catch AlertRuleStore.RuleError.builtinNotDeletable {
            throw APIError(.conflict, "builtin_rule", "a built-in rule cannot be deleted; switch it off with enabled: false")
        }
        return Response(status: .noContent)
    }

    @Sendable func webhooks(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try JSONResponse.make(List(data: try await services.webhooks.list(workspaceID: context.access.workspaceID)))
    }

    @Sendable func createWebhook(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let reader = try FieldReader(try await request.jsonBody(context: context), path: "")
        try reader.rejectUnknown(["name", "url"])
        let name = try reader.string("name", required: true, maxLength: 200)!
        let url = try reader.string("url", required: true, maxLength: 2000)!
        if let problem = AlertWebhookStore.checkURL(url, allowHTTP: services.settings.allowHTTP) { throw APIError.invalid("url", problem) }
        let webhook = try await services.webhooks.create(workspaceID: context.access.workspaceID, name: name, url: url)
        return try JSONResponse.make(webhook, status: .created)
    }

    @Sendable func deleteWebhook(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let id = try Self.id(context, "the alert webhook")
        guard try await services.webhooks.delete(workspaceID: context.access.workspaceID, id: id) else { throw APIError.notFound("the alert webhook") }
        return Response(status: .noContent)
    }

    /// Sends one test notification now and answers how it went (a test is never retried).
    @Sendable func testWebhook(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let id = try Self.id(context, "the alert webhook")
        guard try await services.webhooks.find(workspaceID: context.access.workspaceID, id: id) != nil else { throw APIError.notFound("the alert webhook") }
        let notificationID = try await services.outbox.enqueueTest(workspaceID: context.access.workspaceID, webhookID: id)
        let worker = AlertWorker(services: services, publicBaseURL: publicBaseURL, logger: context.logger)
        try await worker.deliverDue(only: notificationID)
        let state = try await services.outbox.state(notificationID)
        struct Answer: Encodable {
            let id: UUID
            let status: String
            let responseStatus: Int?
            let error: String?
            enum CodingKeys: String, CodingKey {
                case id, status, error
                case responseStatus = "response_status"
            }
        }
        return try JSONResponse.make(Answer(id: notificationID, status: state?.status ?? "pending", responseStatus: state?.lastStatus, error: state?.lastError))
    }

    @Sendable func acknowledge(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let id = try Self.id(context, "the alert")
        guard try await alerts.acknowledge(workspaceID: context.access.workspaceID, id: id, by: context.access.actor) else {
            throw APIError.notFound("the alert")
        }
        return Response(status: .noContent)
    }
}
