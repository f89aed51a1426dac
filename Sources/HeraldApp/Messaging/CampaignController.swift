import Foundation
import Hummingbird
import SQLKit
import Storage

/// `/api/campaigns`: drafts, pre-flight, schedule, pause, resume, cancel, and results.
struct CampaignController {
    let services: MessagingServices
    let workspaces: WorkspaceStore
    var commands: CampaignCommands { CampaignCommands(services: services, workspaces: workspaces) }

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("campaigns", use: list)
        group.post("campaigns", use: create)
        group.get("campaigns/{id}", use: show)
        group.patch("campaigns/{id}", use: update)
        group.delete("campaigns/{id}", use: delete)
        group.get("campaigns/{id}/preflight", use: preflight)
        group.get("campaigns/{id}/messages", use: messages)
        group.post("campaigns/{id}/schedule", use: schedule)
        group.post("campaigns/{id}/pause", use: pause)
        group.post("campaigns/{id}/resume", use: resume)
        group.post("campaigns/{id}/cancel", use: cancel)
    }

    struct Detail: Encodable {
        let campaign: Campaign
        let stats: CampaignStats
        let reply_events: Int
        func encode(to encoder: any Encoder) throws {
            try campaign.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(stats, forKey: .stats)
            try container.encode(reply_events, forKey: .reply_events)
        }
        enum Keys: String, CodingKey { case stats, reply_events }
    }

    func detail(_ c: Campaign) async throws -> Detail {
        try await services.database.read { sql in
            Detail(campaign: c, stats: try await CampaignStats.load(campaignID: c.id, in: sql), reply_events: try await CampaignStats.replyEvents(campaignID: c.id, in: sql))
        }
    }

    /// A page of campaigns with their stats, loaded for the whole page at once.
    func details(_ campaigns: [Campaign], workspaceID: UUID) async throws -> [Detail] {
        let page = try await services.database.read { sql in
            try await CampaignStats.load(workspaceID: workspaceID, campaignIDs: campaigns.map(\.id), in: sql)
        }
        return campaigns.map { Detail(campaign: $0, stats: page.stats[$0.id] ?? CampaignStats(), reply_events: page.replyEvents[$0.id] ?? 0) }
    }

    func campaign(_ context: AuthenticatedContext) async throws -> Campaign {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let campaign = try await services.campaigns.find(workspaceID: context.access.workspaceID, id: id)
        else { throw APIError.notFound("the campaign") }
        return campaign
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let workspaceID = context.access.workspaceID
        let details = try await details(try await services.campaigns.list(workspaceID: workspaceID), workspaceID: workspaceID)
        struct List: Encodable { let data: [Detail] }
        return try JSONResponse.make(List(data: details))
    }

    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try JSONResponse.make(try await detail(try await campaign(context)))
    }

    /// Applies the request's fields to a campaign (new or existing) and checks the result.
    func apply(_ reader: FieldReader, to c: inout Campaign, workspaceID: UUID) async throws {
        try reader.rejectUnknown(CampaignInput.fields)
        if let name = try reader.string("name", required: c.name.isEmpty, maxLength: 200) { c.name = name }
        if reader.has("template_id") {
            guard let id = try reader.string("template_id").flatMap(UUID.init(uuidString:)),
                let template = try await services.templates.find(workspaceID: workspaceID, id: id)
            else { throw APIError.invalid("template_id", "template_id is not a template of this workspace") }
            c.templateID = template.id
            c.templateName = template.name
            c.templateLanguage = template.language
            c.accountID = template.accountID
        }
        if reader.has("account_id") {
            guard let id = try reader.string("account_id").flatMap(UUID.init(uuidString:)),
                try await services.accounts.find(workspaceID: workspaceID, id: id) != nil
            else { throw APIError.invalid("account_id", "account_id is not a WhatsApp account of this workspace") }
            c.accountID = id
        }
        if reader.has("variables") { c.variables = try CampaignInput.variables(reader) }
        if reader.has("media_id") {
            let text = try reader.string("media_id")
            guard text == nil || UUID(uuidString: text!) != nil else { throw APIError.invalid("media_id", "media_id must be a UUID") }
            c.mediaID = text.flatMap(UUID.init(uuidString:))
        }
        if reader.has("cta_url") { c.ctaURL = try reader.string("cta_url", maxLength: 2000) }
        if let budget = try CampaignBudget.read(reader) { c.budget = budget }
        if let audience = try CampaignInput.audience(reader) {
            if let segmentID = audience.segmentID, try await services.segments.store.find(workspaceID: workspaceID, id: segmentID) == nil {
                throw APIError.invalid("audience.segment_id", "segment_id is not a saved segment of this workspace")
            }
            c.audience = audience
        }
        if reader.has("scheduled_at") {
            let zone = try await workspaces.find(id: workspaceID)?.timeZone ?? "UTC"
            c.scheduledAt = try CampaignInput.scheduledAt(reader, timeZone: zone)
            if c.scheduledAt == nil && c.status == .scheduled {
                throw APIError.invalid("scheduled_at", "a scheduled campaign needs a time; pause or cancel it to stop it")
            }
        }
        try await CampaignInput.check(c, services: services)
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let reader = try FieldReader(try await request.jsonBody(context: context), path: "")
        let now = Date()
        var campaign = Campaign(
            id: .timeOrdered(), workspaceID: context.access.workspaceID, name: "", status: .draft, variables: [:], audience: .everyone,
            createdAt: now, updatedAt: now
        )
        try await apply(reader, to: &campaign, workspaceID: context.access.workspaceID)
        try await services.campaigns.insert(campaign)
        return try JSONResponse.make(try await detail(campaign), status: .created)
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        var campaign = try await campaign(context)
        let reader = try FieldReader(try await request.jsonBody(context: context), path: "")
        // A budget is only the spend alert's threshold, and matters most while the campaign sends: a body of `budget`
        // alone changes it in every status, without touching anything the sender reads.
        if reader.fields.keys.sorted() == ["budget"], let budget = try CampaignBudget.read(reader) {
            try await services.campaigns.setBudget(budget, workspaceID: campaign.workspaceID, id: campaign.id)
            campaign.budget = budget
            return try JSONResponse.make(try await detail(campaign))
        }
        guard campaign.isEditable else {
            throw APIError(
                .conflict, "not_editable", "a \(campaign.status.rawValue) campaign can no longer be changed, except its budget"
            )
        }
        try await commands.refuseIfTested(campaign)
        try await apply(reader, to: &campaign, workspaceID: context.access.workspaceID)
        try await services.campaigns.update(campaign)
        return try JSONResponse.make(try await detail(campaign))
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let campaign = try await campaign(context)
        try await services.campaigns.delete(workspaceID: context.access.workspaceID, id: campaign.id)
        return Response(status: .noContent)
    }

    @Sendable func preflight(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let campaign = try await campaign(context)
        return try JSONResponse.make(try await Self.preflight(campaign, services: services))
    }

    static func preflight(_ campaign: Campaign, services: MessagingServices) async throws -> Preflight {
        let template = try await campaign.templateID.asyncMap { try await services.templates.find(workspaceID: campaign.workspaceID, id: $0) } ?? nil
        let account = try await campaign.accountID.asyncMap { try await services.accounts.find(workspaceID: campaign.workspaceID, id: $0) } ?? nil
        let rates = try await services.rates.table(workspaceID: campaign.workspaceID)
        let filter = try await services.segments.audiencePredicate(workspaceID: campaign.workspaceID, segmentID: campaign.audience.segmentID)
        var result = try await services.limitedReads.read { sql in
            try await Preflight.compute(
                workspaceID: campaign.workspaceID, category: template?.category ?? "MARKETING", rates: rates, account: account, audience: filter, in: sql
            )
        }
        if let template, template.status != "APPROVED" {
            result.warnings.insert("template \(template.name) is \(template.status); only approved templates can be sent", at: 0)
        }
        return result
    }

    @Sendable func messages(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let campaign = try await campaign(context)
        let status = request.uri.queryParameters["status"].map(String.init)
        let rows = try await services.database.read { sql in
            let filter: SQLQueryString = status.map { " AND status = \(bind: $0)" } ?? ""
            return try await sql.raw(
                """
                SELECT id, contact_id, phone, bsuid, status, wamid, error_code, error_detail, attempts, accepted_at, delivered_at, read_at, clicked_at, replied_at, failed_at
                FROM messages WHERE campaign_id = \(bind: campaign.id)\(filter) ORDER BY updated_at DESC LIMIT \(bind: try request.limit())
                """
            ).all()
        }
        struct Item: Encodable {
            let id: UUID, contact_id: UUID, phone: String?, bsuid: String?, status: String, wamid: String?, error_code: Int?, error_detail: String?, attempts: Int
            let accepted_at: Date?, delivered_at: Date?, read_at: Date?, clicked_at: Date?, replied_at: Date?, failed_at: Date?
        }
        let items = try rows.map {
            Item(
                id: try $0.decode(column: "id", as: UUID.self), contact_id: try $0.decode(column: "contact_id", as: UUID.self),
                phone: try $0.decode(column: "phone", as: String?.self), bsuid: try $0.decode(column: "bsuid", as: String?.self),
                status: try $0.decode(column: "status", as: String.self),
                wamid: try $0.decode(column: "wamid", as: String?.self), error_code: try $0.decode(column: "error_code", as: Int?.self),
                error_detail: try $0.decode(column: "error_detail", as: String?.self), attempts: try $0.decode(column: "attempts", as: Int.self),
                accepted_at: try $0.decode(column: "accepted_at", as: Date?.self), delivered_at: try $0.decode(column: "delivered_at", as: Date?.self),
                read_at: try $0.decode(column: "read_at", as: Date?.self), clicked_at: try $0.decode(column: "clicked_at", as: Date?.self),
                replied_at: try $0.decode(column: "replied_at", as: Date?.self), failed_at: try $0.decode(column: "failed_at", as: Date?.self)
            )
        }
        struct List: Encodable { let data: [Item] }
        return try JSONResponse.make(List(data: items))
    }

    /// Sends now (no body or no `scheduled_at`) or at the given time.
    @Sendable func schedule(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let campaign = try await campaign(context)
        guard campaign.status.allows(.schedule) else { throw CampaignCommands.refused(.schedule, campaign) }
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        // No body: the time already set on the draft, else now.
        var at = campaign.scheduledAt.map { max($0, Date()) } ?? Date()
        if buffer.readableBytes > 0 {
            let body: JSONValue
            do { body = try JSONValue.parse(Data(buffer.readableBytesView)) } catch {
                throw APIError(.badRequest, "invalid_json", "the body is not valid JSON")
            }
            let reader = try FieldReader(body, path: "")
            try reader.rejectUnknown(["scheduled_at"])
            let zone = try await workspaces.find(id: context.access.workspaceID)?.timeZone ?? "UTC"
            at = try CampaignInput.scheduledAt(reader, timeZone: zone) ?? at
        }
        try await commands.schedule(campaign, at: at)
        return try JSONResponse.make(try await detail(try await self.campaign(context)))
    }

    @Sendable func pause(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        try await commands.pause(try await campaign(context))
        return try JSONResponse.make(try await detail(try await campaign(context)))
    }

    @Sendable func resume(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        try await commands.resume(try await campaign(context))
        return try JSONResponse.make(try await detail(try await campaign(context)))
    }

    @Sendable func cancel(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        try await commands.cancel(try await campaign(context))
        return try JSONResponse.make(try await detail(try await campaign(context)))
    }
}
