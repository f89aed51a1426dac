import Foundation
import Hummingbird
import Storage

/// `/api/contacts`: create, read, update, delete, bulk upsert, list and search.
struct ContactController {
    let contacts: ContactStore
    let fields: CustomFieldStore
    static let bulkLimit = 10_000

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("contacts", use: list)
        group.post("contacts", use: create)
        group.post("contacts/bulk", use: bulk)
        group.get("contacts/{id}", use: get)
        group.patch("contacts/{id}", use: update)
        group.delete("contacts/{id}", use: delete)
        group.get("custom-fields", use: listFields)
        group.post("custom-fields", use: createField)
        group.delete("custom-fields/{key}", use: deleteField)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let page = try await contacts.list(
            workspaceID: context.access.workspaceID, search: request.uri.queryParameters["q"].map(String.init),
            limit: try request.limit(), cursor: request.uri.queryParameters["cursor"].map(String.init)
        )
        return try JSONResponse.make(page)
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try JSONResponse.make(try await contacts.get(workspaceID: context.access.workspaceID, id: try context.parameters.uuid("id", what: "contact")))
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let body = try await request.jsonBody(context: context)
        let rules = try await contacts.rules(workspaceID: context.access.workspaceID)
        let input = try ContactInput.parse(try FieldReader(body), rules: rules, requireIdentity: true)
        return try JSONResponse.make(try await contacts.create(workspaceID: context.access.workspaceID, input: input), status: .created)
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let id = try context.parameters.uuid("id", what: "contact")
        let body = try await request.jsonBody(context: context)
        let rules = try await contacts.rules(workspaceID: context.access.workspaceID)
        let input = try ContactInput.parse(try FieldReader(body), rules: rules, requireIdentity: false)
        return try JSONResponse.make(try await contacts.update(workspaceID: context.access.workspaceID, id: id, input: input))
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        try await contacts.delete(workspaceID: context.access.workspaceID, id: try context.parameters.uuid("id", what: "contact"))
        return Response(status: .noContent)
    }

    struct BulkResult: Encodable {
        let index: Int
        let status: String
        let id: UUID?
        let error: APIError.Body.Detail?
    }

    struct BulkResponse: Encodable {
        let created: Int
        let updated: Int
        let failed: Int
        let results: [BulkResult]
    }

    /// Upserts up to 10,000 contacts by BSUID or phone. Valid rows are stored together; each row gets its own result.
    @Sendable func bulk(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let body = try await request.jsonBody(context: context)
        let reader = try FieldReader(body)
        try reader.rejectUnknown(["contacts"])
        guard case .array(let items)? = reader.fields["contacts"] else {
            throw APIError.invalid("contacts", "contacts must be a list of contact objects", code: "required")
        }
        guard items.count <= Self.bulkLimit else {
            throw APIError(.contentTooLarge, "too_many_rows", "send at most \(Self.bulkLimit) contacts per request", field: "contacts")
        }
        let rules = try await contacts.rules(workspaceID: context.access.workspaceID)
        var results = [BulkResult?](repeating: nil, count: items.count)
        var accepted: [(index: Int, input: ContactInput)] = []
        var seen: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            do {
                let input = try ContactInput.parse(try FieldReader(item, path: "contacts[\(index)]"), rules: rules, requireIdentity: true)
                let keys = Self.identityKeys(input)
                for (field, key) in keys {
                    if let first = seen[key] {
                        throw APIError.invalid("contacts[\(index)].\(field)", "the same \(field) as contacts[\(first)]", code: "duplicate_in_request")
                    }
                }
                for (_, key) in keys { seen[key] = index }
                accepted.append((index, input))
            } catch let error as APIError {
                results[index] = BulkResult(index: index, status: "error", id: nil, error: .init(code: error.code, message: error.message, field: error.field))
            }
        }
        let outcomes = try await contacts.upsert(workspaceID: context.access.workspaceID, inputs: accepted.map(\.input))
        var created = 0, updated = 0
        for (entry, outcome) in zip(accepted, outcomes) {
            switch outcome {
            case .created(let id):
                created += 1
                results[entry.index] = BulkResult(index: entry.index, status: "created", id: id, error: nil)
            case .updated(let id):
                updated += 1
                results[entry.index] = BulkResult(index: entry.index, status: "updated", id: id, error: nil)
            case .refused(let error):
                let field = "contacts[\(entry.index)]" + (error.field.map { ".\($0)" } ?? "")
                results[entry.index] = BulkResult(
                    index: entry.index, status: "error", id: nil, error: .init(code: error.code, message: error.message, field: field)
                )
            }
        }
        let all = results.compactMap { $0 }
        return try JSONResponse.make(BulkResponse(created: created, updated: updated, failed: all.count - created - updated, results: all))
    }

    /// The phone and BSUID a row is merged by, each as a key no other row of the request may share.
    static func identityKeys(_ input: ContactInput) -> [(field: String, key: String)] {
        (input.phoneNumber.map { [("phone", "phone:" + $0.e164)] } ?? []) + (input.userID.map { [("bsuid", "bsuid:" + $0.value)] } ?? [])
    }

    @Sendable func listFields(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        struct Fields: Encodable { let data: [CustomField] }
        return try JSONResponse.make(Fields(data: try await fields.list(workspaceID: context.access.workspaceID)))
    }

    @Sendable func createField(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let reader = try FieldReader(try await request.jsonBody(context: context))
        try reader.rejectUnknown(["key", "label", "type", "options"])
        let key = try reader.string("key", required: true, maxLength: 63)!
        let typeText = try reader.string("type", required: true)!
        guard let type = CustomField.FieldType(rawValue: typeText) else {
            throw APIError.invalid("type", "type must be one of text, number, boolean, date, list")
        }
        let field = CustomField(key: key, label: try reader.string("label", maxLength: 200) ?? key, type: type, options: try reader.strings("options") ?? [])
        try await fields.create(workspaceID: context.access.workspaceID, field: field)
        return try JSONResponse.make(field, status: .created)
    }

    @Sendable func deleteField(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        try await fields.delete(workspaceID: context.access.workspaceID, key: context.parameters.get("key") ?? "")
        return Response(status: .noContent)
    }
}
