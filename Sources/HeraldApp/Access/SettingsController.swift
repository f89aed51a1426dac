import Foundation
import Hummingbird

/// Workspace settings, API keys and users: `/api/workspace`, `/api/api-keys`, `/api/users`.
struct SettingsController {
    let workspaces: WorkspaceStore
    let keys: APIKeyStore
    let users: UserStore

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("workspace", use: getWorkspace)
        group.patch("workspace", use: updateWorkspace)
        group.get("api-keys", use: listKeys)
        group.post("api-keys", use: createKey)
        group.delete("api-keys/{id}", use: revokeKey)
        group.get("users", use: listUsers)
        group.post("users", use: createUser)
        group.patch("users/{id}", use: updateUser)
        group.delete("users/{id}", use: deleteUser)
    }

    @Sendable func getWorkspace(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        guard let workspace = try await workspaces.find(id: context.access.workspaceID) else { throw APIError.notFound("workspace") }
        return try JSONResponse.make(workspace)
    }

    @Sendable func updateWorkspace(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let reader = try FieldReader(try await request.jsonBody(context: context))
        try reader.rejectUnknown(["name", "time_zone", "currency", "default_country"])
        let country: String?? = reader.has("default_country") ? .some(try reader.string("default_country", maxLength: 2).flatMap { $0.isEmpty ? nil : $0 }) : nil
        let workspace = try await workspaces.update(
            id: context.access.workspaceID, name: try reader.string("name", maxLength: 200), timeZone: try reader.string("time_zone", maxLength: 64),
            currency: try reader.string("currency", maxLength: 3), defaultCountry: country
        )
        return try JSONResponse.make(workspace)
    }

    @Sendable func listKeys(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        struct List: Encodable { let data: [APIKey] }
        return try JSONResponse.make(List(data: try await keys.list(workspaceID: context.access.workspaceID)))
    }

    @Sendable func createKey(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let reader = try FieldReader(try await request.jsonBody(context: context))
        try reader.rejectUnknown(["name", "role"])
        let role = try Self.role(reader, default: .member)
        if role == .owner, context.access.role != .owner { throw APIError.forbidden }
        let (key, secret) = try await keys.create(workspaceID: context.access.workspaceID, name: try reader.string("name", required: true, maxLength: 100)!, role: role)
        struct Created: Encodable {
            let key: APIKey
            let secret: String
        }
        return try JSONResponse.make(Created(key: key, secret: secret), status: .created)
    }

    @Sendable func revokeKey(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let id = try context.parameters.uuid("id", what: "API key")
        try await keys.revoke(workspaceID: context.access.workspaceID, id: id, by: context.access.role)
        return Response(status: .noContent)
    }

    @Sendable func listUsers(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        struct List: Encodable { let data: [User] }
        return try JSONResponse.make(List(data: try await users.list(workspaceID: context.access.workspaceID)))
    }

    @Sendable func createUser(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let reader = try FieldReader(try await request.jsonBody(context: context))
        try reader.rejectUnknown(["email", "password", "role", "name"])
        let role = try Self.role(reader, default: .member)
        if role == .owner, context.access.role != .owner { throw APIError.forbidden }
        let user = try await users.create(
            workspaceID: context.access.workspaceID, email: try reader.string("email", required: true, maxLength: 254)!,
            password: try reader.string("password", required: true, maxLength: 200)!, role: role, name: try reader.string("name", maxLength: 200)
        )
        return try JSONResponse.make(user, status: .created)
    }

    @Sendable func updateUser(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let id = try context.parameters.uuid("id", what: "user")
        let reader = try FieldReader(try await request.jsonBody(context: context))
        try reader.rejectUnknown(["role"])
        let role = try Self.role(reader, default: nil)
        return try JSONResponse.make(try await users.updateRole(workspaceID: context.access.workspaceID, id: id, role: role, by: context.access.role))
    }

    @Sendable func deleteUser(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let id = try context.parameters.uuid("id", what: "user")
        try await users.delete(workspaceID: context.access.workspaceID, id: id, by: context.access.role)
        return Response(status: .noContent)
    }

    static func role(_ reader: FieldReader, default value: Role?) throws(APIError) -> Role {
        guard let text = try reader.string("role", required: value == nil) else { return value! }
        guard let role = Role(rawValue: text) else { throw APIError.invalid(reader.name("role"), "role must be owner, admin, member or viewer") }
        return role
    }
}
