import Foundation
import Hummingbird

extension WebPages {
    @Sendable func settings(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        return try await settingsPage(access: access, values: [:])
    }

    func settingsPage(access: Access, values extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let workspace = try await services.workspaces.find(id: access.workspaceID) else { throw HTTPError(.notFound) }
        var values: [String: Any] = [
            "workspaceName": workspace.name, "timeZone": workspace.timeZone, "currency": workspace.currency,
            "defaultCountry": workspace.defaultCountry ?? "", "tabGeneral": true,
        ]
        if access.role.canManage {
            values["keys"] = try await services.keys.list(workspaceID: access.workspaceID).map { key -> [String: Any] in
                [
                    "id": key.id.uuidString.lowercased(), "name": key.name, "prefix": key.prefix, "role": key.role.rawValue,
                    "created": Self.display(key.createdAt), "lastUsed": key.lastUsedAt.map(Self.display) ?? "never", "revoked": key.revokedAt != nil,
                ]
            }
        }
        values["users"] = try await services.users.list(workspaceID: access.workspaceID).map {
            ["email": $0.email, "role": $0.role.rawValue, "lastLogin": $0.lastLoginAt.map(Self.display) ?? "never"] as [String: Any]
        }
        values["roles"] = Role.allCases.map { ["value": $0.rawValue, "selected": $0 == .member] as [String: Any] }
        values.merge(try await attributionValues(workspaceID: access.workspaceID)) { $1 }
        values.merge(try await currencyRateValues(workspaceID: access.workspaceID)) { $1 }
        values.merge(extra) { $1 }
        return console.render("settings", title: "Settings", path: "/settings", access: access, values: values, status: status)
    }

    /// Runs a settings form; domain errors come back on the page instead of as JSON.
    func settingsForm(
        _ request: Request, _ context: AppRequestContext, _ action: (FormData, Access) async throws -> [String: Any]
    ) async throws -> Response {
        let access = try requireSession(context)
        let form = try await FormData.read(request, context: context)
        try checkForm(form, access)
        guard access.role.canManage else { return try await settingsPage(access: access, values: ["error": "Your role cannot change settings."], status: .forbidden) }
        do {
            return try await settingsPage(access: access, values: try await action(form, access))
        } catch let error as APIError {
            return try await settingsPage(access: access, values: ["error": error.message], status: error.status)
        }
    }

    @Sendable func updateWorkspace(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await settingsForm(request, context) { form, access in
            let country = form["default_country"]?.trimmingCharacters(in: .whitespaces) ?? ""
            _ = try await services.workspaces.update(
                id: access.workspaceID, name: form["name"], timeZone: form["time_zone"], currency: form["currency"],
                defaultCountry: .some(country.isEmpty ? nil : country)
            )
            return ["notice": "Workspace settings saved."]
        }
    }

    @Sendable func createKey(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await settingsForm(request, context) { form, access in
            let role = Role(rawValue: form["role"] ?? "member") ?? .member
            if role == .owner, access.role != .owner { throw APIError.forbidden }
            let (key, secret) = try await services.keys.create(workspaceID: access.workspaceID, name: form["name"] ?? "", role: role)
            return ["notice": "API key “\(key.name)” created. Copy it now: it will not be shown again.", "newSecret": secret]
        }
    }

    @Sendable func revokeKey(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await settingsForm(request, context) { _, access in
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw APIError.notFound("API key") }
            try await services.keys.revoke(workspaceID: access.workspaceID, id: id, by: access.role)
            return ["notice": "API key revoked."]
        }
    }

    @Sendable func createUser(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await settingsForm(request, context) { form, access in
            let role = Role(rawValue: form["role"] ?? "member") ?? .member
            if role == .owner, access.role != .owner { throw APIError.forbidden }
            let user = try await services.users.create(
                workspaceID: access.workspaceID, email: form["email"] ?? "", password: form["password"] ?? "", role: role,
                name: form["name"].flatMap { $0.isEmpty ? nil : $0 }
            )
            return ["notice": "\(user.email) can now sign in as \(user.role.rawValue)."]
        }
    }
}
