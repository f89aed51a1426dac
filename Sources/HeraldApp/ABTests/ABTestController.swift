import Foundation
import Hummingbird

/// `/api/ab-tests`: create, list, read and change a draft test (design section 6). The other routes are in extensions,
/// one file each: start (+Start), results, the decision and stop (+Decision), the planner (+Plan), live results (+Events).
struct ABTestController {
    let services: MessagingServices
    var store: ABTestStore { ABTestStore(database: services.database, campaigns: services.campaigns) }

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("ab-tests", use: list)
        group.post("ab-tests/create", use: create)
        group.get("ab-tests/{id}", use: show)
        group.put("ab-tests/{id}/config", use: config)
        addStartRoutes(to: group)
        addDecisionRoutes(to: group)
        addPlanRoutes(to: group)
        addEventRoutes(to: group)
    }

    func test(_ context: AuthenticatedContext) async throws -> ABTest {
        let id = try context.parameters.uuid("id", what: "the A/B test")
        guard let test = try await store.find(workspaceID: context.access.workspaceID, id: id) else { throw APIError.notFound("the A/B test") }
        return test
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        var status: ABTestStatus?
        if let text = request.uri.queryParameters["status"].map(String.init) {
            guard let value = ABTestStatus(rawValue: text) else {
                let all = ABTestStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw APIError(.badRequest, "invalid_parameter", "status is one of \(all)", field: "status")
            }
            status = value
        }
        struct List: Encodable { let data: [ABTest] }
        return try JSONResponse.make(List(data: try await store.list(workspaceID: context.access.workspaceID, status: status)))
    }

    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try JSONResponse.make(try await test(context))
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let workspaceID = context.access.workspaceID
        let reader = try FieldReader(try await request.jsonBody(context: context), path: "")
        try reader.rejectUnknown(ABTestInput.createFields)
        let now = Date()
        var campaign: Campaign
        let newCampaign = !reader.has("campaign_id")
        if newCampaign {
            campaign = Campaign(
                id: .timeOrdered(),
                workspaceID: workspaceID,
                name: "",
                status: .draft,
                variables: [:],
                audience: .everyone,
                createdAt: now,
                updatedAt: now
            )
            try await applyCampaignFields(reader, to: &campaign)
        } else {
            campaign = try await draftCampaign(reader, workspaceID: workspaceID)
        }
        var settings = ABTestSettings()
        try ABTestInput.apply(reader, to: &settings)
        guard let variations = try ABTestInput.variations(reader) else {
            throw APIError.invalid("variations", "give 2 to \(ABTestInput.maximumVariations) variations; the first is the control", code: "required")
        }
        var test = ABTest(
            id: .timeOrdered(),
            workspaceID: workspaceID,
            campaignID: campaign.id,
            name: campaign.name,
            status: .draft,
            settings: settings,
            variations: variations,
            accountID: campaign.accountID,
            audience: campaign.audience,
            createdAt: now,
            updatedAt: now
        )
        try await prepare(&test, campaign: &campaign)
        try await store.create(test, campaign: campaign, newCampaign: newCampaign)
        return try JSONResponse.make(try await self.test(id: test.id, workspaceID: workspaceID), status: .created)
    }

    /// Changes a draft: any create field but `campaign_id`; `variations`, when given, replace the old ones whole.
    @Sendable func config(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        var test = try await test(context)
        let reader = try FieldReader(try await request.jsonBody(context: context), path: "")
        try reader.rejectUnknown(ABTestInput.configFields.union(ABTestInput.runningConfigFields))
        if test.status == .running || test.status == .paused {
            try await configRunning(test, reader: reader, actor: context.access.actor)
            return try JSONResponse.make(try await self.test(id: test.id, workspaceID: test.workspaceID))
        }
        guard test.status == .draft else {
            let field = reader.fields.keys.sorted().first
            throw APIError(.conflict, "not_editable", "a \(test.status.rawValue) test can no longer be changed", field: field)
        }
        if reader.has("paused") { throw APIError(.conflict, "invalid_transition", "a draft test cannot be paused; start it first", field: "paused") }
        guard var campaign = try await services.campaigns.find(workspaceID: test.workspaceID, id: test.campaignID) else {
            throw APIError.notFound("the A/B test's campaign")
        }
        try await applyCampaignFields(reader, to: &campaign)
        try ABTestInput.apply(reader, to: &test.settings)
        if let variations = try ABTestInput.variations(reader) { test.variations = variations }
        test.name = campaign.name
        test.updatedAt = Date()
        try await prepare(&test, campaign: &campaign)
        try await store.replaceDraft(test, campaign: campaign)
        return try JSONResponse.make(try await self.test(id: test.id, workspaceID: test.workspaceID))
    }

    /// Checks the variations against their templates and mirrors the control into the campaign, so the campaign list,
    /// pre-flight and cost estimate keep working unchanged.
    func prepare(_ test: inout ABTest, campaign: inout Campaign) async throws {
        try ABTestInput.checkAllocation(test)
        let checked = try await ABTestInput.check(
            test.variations,
            accountID: campaign.accountID,
            metric: test.settings.successMetric,
            workspaceID: test.workspaceID,
            services: services
        )
        test.variations = checked.variations
        let control = checked.variations[0]
        campaign.accountID = checked.accountID
        campaign.templateID = control.templateID
        campaign.templateName = control.templateName
        campaign.templateLanguage = control.templateLanguage
        campaign.variables = control.variables
        campaign.mediaID = control.mediaID
        campaign.ctaURL = control.ctaURL
    }

    func test(id: UUID, workspaceID: UUID) async throws -> ABTest {
        guard let test = try await store.find(workspaceID: workspaceID, id: id) else { throw APIError.notFound("the A/B test") }
        return test
    }
}
