import Foundation
import Hummingbird
import WhatsApp

/// `/api/templates`: the synced templates, a rendered preview for a contact, and new templates sent to Meta for approval.
struct TemplateController {
    let services: MessagingServices
    let contacts: ContactStore

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("templates", use: list)
        group.post("templates", use: create)
        group.get("templates/{id}", use: show)
        group.post("templates/{id}/preview", use: preview)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        var accountID: UUID?
        if let text = request.uri.queryParameters["account_id"] {
            guard let id = UUID(uuidString: String(text)) else { throw APIError(.badRequest, "invalid_parameter", "account_id must be a UUID", field: "account_id") }
            accountID = id
        }
        struct List: Encodable { let data: [StoredTemplate] }
        return try JSONResponse.make(List(data: try await services.templates.list(workspaceID: context.access.workspaceID, accountID: accountID)))
    }

    func template(_ context: AuthenticatedContext) async throws -> StoredTemplate {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let template = try await services.templates.find(workspaceID: context.access.workspaceID, id: id)
        else { throw APIError.notFound("the template") }
        return template
    }

    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try JSONResponse.make(try await template(context))
    }

    /// Renders the template for one contact (or a sample contact) with a variable mapping.
    @Sendable func preview(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let template = try await template(context)
        let reader = try FieldReader(try await request.jsonBody(context: context), path: "")
        try reader.rejectUnknown(["contact_id", "variables"])
        let variables = try CampaignInput.variables(reader)
        var recipient = TemplatePreview.sampleRecipient
        if let text = try reader.string("contact_id") {
            guard let id = UUID(uuidString: text) else { throw APIError.invalid("contact_id", "contact_id must be a UUID") }
            recipient = TemplatePreview.recipient(try await contacts.get(workspaceID: context.access.workspaceID, id: id))
        }
        return try JSONResponse.make(TemplatePreview.render(template.definition, variables: variables, recipient: recipient))
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let body = try await request.jsonBody(context: context)
        let reader = try FieldReader(body, path: "")
        try reader.rejectUnknown(["account_id", "name", "language", "category", "parameter_format", "components"])
        guard let accountID = UUID(uuidString: try reader.string("account_id", required: true)!),
            let account = try await services.accounts.find(workspaceID: context.access.workspaceID, id: accountID)
        else { throw APIError.invalid("account_id", "account_id is not a WhatsApp account of this workspace") }
        let definition: TemplateDefinition
        do {
            guard case .object(var object) = body else { throw APIError.invalid("", "expected a JSON object") }
            object["account_id"] = nil
            object["status"] = .string("PENDING")
            definition = try JSONDecoder().decode(TemplateDefinition.self, from: JSONEncoder().encode(JSONValue.object(object)))
        } catch let error as APIError { throw error } catch {
            throw APIError.invalid("components", "the template does not have Meta's shape: name, language, category and components[]")
        }
        let category = definition.category.uppercased()
        guard ["MARKETING", "UTILITY", "AUTHENTICATION"].contains(category) else {
            throw APIError.invalid("category", "category is MARKETING, UTILITY or AUTHENTICATION")
        }
        if let problem = definition.validate().first { throw APIError.invalid("components", problem) }
        let client = CloudAPIClient(httpClient: services.httpClient, endpoint: account.endpoint, credentials: try await services.accounts.credentials(account))
        do {
            _ = try await client.createTemplate(definition)
        } catch let error as CloudAPIError {
            throw APIError(.unprocessableContent, "whatsapp_rejected", "Meta rejected the template: (#\(error.code)) \(error.details ?? error.message)")
        } catch {
            // The remote body is never echoed: only Meta's error fields or the HTTP status (CloudAPIFailure).
            throw APIError(.badGateway, "whatsapp_unreachable", CloudAPIFailure.summary(error, baseURL: account.apiBaseURL))
        }
        _ = try await TemplateSync(services: services).sync(account)
        let created = try await services.templates.list(workspaceID: context.access.workspaceID, accountID: account.id)
            .first { $0.name == definition.name && $0.language == definition.language }
        guard let created else { throw APIError(.badGateway, "whatsapp_inconsistent", "Meta accepted the template but does not list it yet; sync again shortly") }
        return try JSONResponse.make(created, status: .created)
    }
}

/// A template filled in for one contact, as the console and the API show it.
enum TemplatePreview {
    struct Rendered: Encodable {
        let header: String?
        let header_format: String?
        let body: String
        let footer: String?
        let buttons: [String]
        let variables: [String: String]
    }

    static let sampleRecipient = Recipient(
        messageID: UUID(), campaignID: UUID(), contactID: UUID(), variationID: nil, address: ContactAddress(phone: "+447700900123", bsuid: nil),
        clickToken: "sample",
        attempts: 0, consent: "opted_in", name: "Alex Sample", email: "alex@example.com", city: "London", country: "GB", language: "en",
        attributes: [:]
    )

    static func recipient(_ c: Contact) -> Recipient {
        Recipient(
            messageID: UUID(), campaignID: UUID(), contactID: c.id, variationID: nil, address: ContactAddress(phone: c.phone, bsuid: c.bsuid),
            clickToken: "preview", attempts: 0,
            consent: c.consent.status.rawValue, name: c.name, email: c.email, city: c.city, country: c.country, language: c.language,
            attributes: c.attributes
        )
    }

    static func render(_ t: TemplateDefinition, variables: [String: VariableSource], recipient: Recipient) -> Rendered {
        var values: [String: String] = [:]
        for key in t.bodyVariables { values[key] = PreparedCampaign.value(variables[key], recipient: recipient) }
        var headerValues: [String: String] = [:]
        for key in t.headerVariables { headerValues[key] = PreparedCampaign.value(variables["header.\(key)"] ?? variables[key], recipient: recipient) }
        return Rendered(
            header: t.renderHeader(values: headerValues), header_format: t.headerFormat,
            body: t.renderBody(values: values), footer: t.footerText, buttons: t.buttons.map(\.text), variables: values
        )
    }
}
