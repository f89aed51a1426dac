import Foundation
import Hummingbird

/// New campaign: the form, its pre-flight fragment, and the handler that saves the draft and schedules it when asked.
extension WebPages {
    @Sendable func newCampaign(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        let query = FormData.query(request)
        if query["fragment"] == "preflight" {
            let model = CampaignFormModel(pages: self, access: access, form: query, errors: [:])
            let html = console.assets.library.render(try await model.values(), withTemplate: "preflight") ?? ""
            return Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: html))
            )
        }
        guard access.role.canWrite else {
            return try await campaignsPage(access: access, values: ["error": "Your role cannot create campaigns."], status: .forbidden)
        }
        return try await campaignForm(access: access, form: query, values: [:])
    }

    func campaignForm(access: Access, form: FormData, values extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let errors = extra["errors"] as? [String: String] ?? [:]
        var values = try await CampaignFormModel(pages: self, access: access, form: form, errors: errors).values()
        values.merge(try await alertValues(access, back: "/campaigns/new")) { $1 }
        values.merge(extra.filter { $0.key != "errors" }) { $1 }
        values["pageScript"] = "campaigns.js"
        return console.render("campaign-new", title: "New campaign", path: "/campaigns", access: access, values: values, status: status)
    }

    @Sendable func createCampaign(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (form, access) = try await postedForm(request, context)
        guard access.role.canWrite else {
            return try await campaignsPage(access: access, values: ["error": "Your role cannot create campaigns."], status: .forbidden)
        }
        do {
            let (campaign, outcome) = try await saveCampaign(form, access: access)
            return .redirect(to: "/campaigns/\(campaign.id.uuidString.lowercased())?done=\(outcome)", type: .normal)
        } catch let error as APIError {
            return try await campaignForm(access: access, form: form, values: Self.errorValues(error), status: error.status)
        }
    }

    /// Checks everything first (template, variables, media, link, time, sendability), so a refused form stores nothing.
    func saveCampaign(_ form: FormData, access: Access) async throws -> (Campaign, String) {
        let messaging = services.messaging
        let template =
            try await form.text("template_id").flatMap(UUID.init(uuidString:)).asyncMap {
                try await messaging.templates.find(workspaceID: access.workspaceID, id: $0)
            } ?? nil
        var audience: [String: JSONValue] = ["type": .string(form["audience"] ?? "all")]
        if form["audience"] == "segment", let segmentID = form.text("segment_id") { audience["segment_id"] = .string(segmentID) }
        var object: [String: JSONValue] = ["audience": .object(audience)]
        if let name = form.text("name") { object["name"] = .string(name) }
        // A blank amount is no budget; the currency alone is only the form's default.
        if let amount = form.text("budget_amount") {
            var budget: [String: JSONValue] = ["amount": .string(amount)]
            if let currency = form.text("budget_currency") { budget["currency"] = .string(currency) }
            object["budget"] = .object(budget)
        }
        if let template {
            let definition = template.definition
            object["template_id"] = .string(template.id.uuidString)
            object["variables"] = .object(CampaignFormModel.variables(form, keys: CampaignFormModel.keys(definition)))
            if CampaignFormModel.hasMediaHeader(definition), let media = form.text("media_id") { object["media_id"] = .string(media) }
            if definition.urlButtonIndex != nil, let url = form.text("cta_url") { object["cta_url"] = .string(url) }
        }
        let now = Date()
        var campaign = Campaign(
            id: .timeOrdered(),
            workspaceID: access.workspaceID,
            name: "",
            status: .draft,
            variables: [:],
            audience: .everyone,
            createdAt: now,
            updatedAt: now
        )
        try await campaignAPI.apply(try FieldReader(.object(object)), to: &campaign, workspaceID: access.workspaceID)
        let when = form["when"] ?? "draft"
        var sendAt: Date?
        switch when {
        case "now": sendAt = now
        case "at":
            guard let text = form.text("scheduled_at") else { throw APIError.invalid("scheduled_at", "choose the date and time to send") }
            let zone = try await services.workspaces.find(id: access.workspaceID)?.timeZone ?? "UTC"
            sendAt = try CampaignInput.scheduledAt(try FieldReader(.object(["scheduled_at": .string(text)])), timeZone: zone)
            if let at = sendAt, at < now.addingTimeInterval(-60) {
                throw APIError.invalid("scheduled_at", "that time has passed; choose a later one or send now")
            }
        default: break
        }
        if sendAt != nil { try await commands.checkSendable(campaign) }
        try await messaging.campaigns.insert(campaign)
        guard let sendAt else { return (campaign, "created") }
        try await commands.schedule(campaign, at: sendAt)
        return (campaign, when == "now" ? "sending" : "scheduled")
    }
}
