import Foundation
import Hummingbird
import WhatsApp

/// `/api/whatsapp/accounts`: add, list, change and remove accounts; test the connection; sync templates.
struct AccountController {
    let services: MessagingServices

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("whatsapp/accounts", use: list)
        group.post("whatsapp/accounts", use: create)
        group.get("whatsapp/accounts/{id}", use: show)
        group.patch("whatsapp/accounts/{id}", use: update)
        group.delete("whatsapp/accounts/{id}", use: delete)
        group.post("whatsapp/accounts/{id}/test", use: test)
        group.post("whatsapp/accounts/{id}/templates/sync", use: sync)
    }

    static let tiers = ["TIER_250", "TIER_1K", "TIER_2K", "TIER_10K", "TIER_100K", "TIER_UNLIMITED"]

    static func parse(_ reader: FieldReader, hosts: CloudAPIHosts) throws -> AccountStore.Input {
        try reader.rejectUnknown([
            "name", "phone_number_id", "waba_id", "display_phone_number", "access_token", "app_secret", "verify_token", "api_base_url",
            "api_version", "throughput", "messaging_tier",
        ])
        var input = AccountStore.Input(
            name: try reader.string("name", required: true, maxLength: 100)!,
            phoneNumberID: try digits(reader, "phone_number_id")!, wabaID: try digits(reader, "waba_id")!,
            displayPhoneNumber: try reader.string("display_phone_number", maxLength: 32),
            accessToken: try reader.string("access_token", required: true, maxLength: 4096)!,
            appSecret: try reader.string("app_secret", required: true, maxLength: 512)!,
            verifyToken: try reader.string("verify_token", required: true, maxLength: 512)!
        )
        if let base = try baseURL(reader, hosts: hosts) { input.apiBaseURL = base }
        if let version = try apiVersion(reader) { input.apiVersion = version }
        if let throughput = try throughput(reader) { input.throughput = throughput }
        if let tier = try tier(reader) { input.messagingTier = tier }
        return input
    }

    static func digits(_ reader: FieldReader, _ key: String, required: Bool = true) throws -> String? {
        guard let text = try reader.string(key, required: required, maxLength: 40) else { return nil }
        guard text.allSatisfy(\.isNumber) else { throw APIError.invalid(reader.name(key), "\(key) is the numeric id Meta shows, e.g. 106540352242922") }
        return text
    }
    /// The base URL without a trailing slash; only hosts the access token may be sent to.
    static func baseURL(_ reader: FieldReader, hosts: CloudAPIHosts) throws -> String? {
        guard let text = try reader.string("api_base_url", maxLength: 300) else { return nil }
        if let problem = hosts.problem(with: text) { throw APIError.invalid(reader.name("api_base_url"), problem) }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }
    static func apiVersion(_ reader: FieldReader) throws -> String? {
        guard let text = try reader.string("api_version", maxLength: 10) else { return nil }
        guard text.range(of: #"^v\d+\.\d+$"#, options: .regularExpression) != nil else {
            throw APIError.invalid(reader.name("api_version"), "api_version looks like v21.0")
        }
        return text
    }
    static func throughput(_ reader: FieldReader) throws -> Int? {
        guard let value = try reader.integer("throughput") else { return nil }
        guard (1...10_000).contains(value) else { throw APIError.invalid(reader.name("throughput"), "throughput is messages per second, from 1 to 10000") }
        return Int(value)
    }
    static func tier(_ reader: FieldReader) throws -> String? {
        guard let text = try reader.string("messaging_tier", maxLength: 20)?.uppercased() else { return nil }
        guard tiers.contains(text) else { throw APIError.invalid(reader.name("messaging_tier"), "messaging_tier is one of \(tiers.joined(separator: ", "))") }
        return text
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        struct List: Encodable { let data: [WhatsAppAccount] }
        return try JSONResponse.make(List(data: try await services.accounts.list(workspaceID: context.access.workspaceID)))
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let input = try Self.parse(try FieldReader(try await request.jsonBody(context: context), path: ""), hosts: services.accounts.apiHosts)
        return try JSONResponse.make(try await services.accounts.create(workspaceID: context.access.workspaceID, input), status: .created)
    }

    func account(_ context: AuthenticatedContext) async throws -> WhatsAppAccount {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let account = try await services.accounts.find(workspaceID: context.access.workspaceID, id: id)
        else { throw APIError.notFound("the WhatsApp account") }
        return account
    }

    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try JSONResponse.make(try await account(context))
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let existing = try await account(context)
        let reader = try FieldReader(try await request.jsonBody(context: context), path: "")
        try reader.rejectUnknown([
            "name", "access_token", "app_secret", "verify_token", "api_base_url", "api_version", "throughput", "messaging_tier", "status",
        ])
        let status = try reader.string("status", maxLength: 10)
        if let status, status != "active", status != "halted" {
            throw APIError.invalid("status", "status is active (resume sending) or halted (stop sending)")
        }
        let apiBaseURL = try Self.baseURL(reader, hosts: services.accounts.apiHosts)
        let accessToken = try reader.string("access_token", maxLength: 4096)
        // Otherwise an admin could send the stored token to a host of their choosing.
        if let apiBaseURL, apiBaseURL != existing.apiBaseURL, accessToken == nil {
            throw APIError.invalid("access_token", "give the access token again when changing api_base_url")
        }
        let updated = try await services.accounts.update(
            workspaceID: context.access.workspaceID, id: existing.id, name: try reader.string("name", maxLength: 100),
            throughput: try Self.throughput(reader), messagingTier: try Self.tier(reader), apiBaseURL: apiBaseURL,
            apiVersion: try Self.apiVersion(reader), accessToken: accessToken,
            appSecret: try reader.string("app_secret", maxLength: 512), verifyToken: try reader.string("verify_token", maxLength: 512), status: status
        )
        return try JSONResponse.make(updated)
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let existing = try await account(context)
        _ = try await services.accounts.delete(workspaceID: context.access.workspaceID, id: existing.id)
        return Response(status: .noContent)
    }

    /// Calls Meta with the stored credentials and reports what the phone number says about itself.
    @Sendable func test(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let account = try await account(context)
        struct Result: Encodable {
            let ok: Bool
            let display_phone_number: String?
            let verified_name: String?
            let quality_rating: String?
            let error: String?
        }
        do {
            let client = CloudAPIClient(
                httpClient: services.httpClient, endpoint: account.endpoint, credentials: try await services.accounts.credentials(account),
                timeout: .seconds(5)
            )
            let info = try await client.phoneNumberInfo()
            return try JSONResponse.make(
                Result(ok: true, display_phone_number: info.displayPhoneNumber, verified_name: info.verifiedName, quality_rating: info.qualityRating, error: nil)
            )
        } catch let error as CloudAPIError {
            return try JSONResponse.make(Result(ok: false, display_phone_number: nil, verified_name: nil, quality_rating: nil, error: "(#\(error.code)) \(error.message)"))
        } catch {
            let message = CloudAPIFailure.summary(error, baseURL: account.apiBaseURL)
            return try JSONResponse.make(Result(ok: false, display_phone_number: nil, verified_name: nil, quality_rating: nil, error: message))
        }
    }

    /// Replaces the account's templates with Meta's current list.
    @Sendable func sync(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let account = try await account(context)
        let count = try await TemplateSync(services: services).sync(account)
        struct Result: Encodable { let synced: Int }
        return try JSONResponse.make(Result(synced: count))
    }
}

/// Fetches an account's templates from Meta and stores them.
struct TemplateSync {
    let services: MessagingServices

    func sync(_ account: WhatsAppAccount) async throws -> Int {
        let client = CloudAPIClient(
            httpClient: services.httpClient, endpoint: account.endpoint, credentials: try await services.accounts.credentials(account)
        )
        let templates: [TemplateDefinition]
        do { templates = try await client.listTemplates() } catch let error as CloudAPIError {
            throw APIError(.badGateway, "whatsapp_error", "Meta refused the template list: (#\(error.code)) \(error.message)")
        } catch {
            throw APIError(.badGateway, "whatsapp_unreachable", CloudAPIFailure.summary(error, baseURL: account.apiBaseURL))
        }
        return try await services.templates.replaceAll(workspaceID: account.workspaceID, accountID: account.id, templates: templates)
    }
}
