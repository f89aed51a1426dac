import Foundation
import Hummingbird
import Logging

/// The request context of every route. `access` is filled by the authentication middleware.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var access: Access?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    /// Bodies are decoded up to this size: 64 KiB before sign-in (the login form; nothing else unauthenticated reads a
    /// body through this limit), 32 MiB after. Imports stream and are not bound by it.
    public var maxUploadSize: Int { access == nil ? Self.anonymousBodyLimit : Self.bodyLimit }

    static let anonymousBodyLimit = 64 * 1024
    static let bodyLimit = 32 * 1024 * 1024
}

/// A request that has passed authentication: handlers receive the workspace and role as plain values.
public struct AuthenticatedContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let access: Access

    public init(context: AppRequestContext) throws {
        guard let access = context.access else { throw APIError.unauthorized }
        self.coreContext = context.coreContext
        self.access = access
        self.logger[metadataKey: "workspace_id"] = .string(access.workspaceID.uuidString)
    }

    public var maxUploadSize: Int { AppRequestContext.bodyLimit }
}

/// Who is acting, in which workspace, with which role.
public struct Access: Sendable {
    public let workspaceID: UUID
    public let role: Role
    /// The user of a console session; nil for API keys.
    public let userID: UUID?
    public let actor: String
    /// The session's CSRF token; nil for API keys, which are not sent by browsers on their own.
    public let csrfToken: String?

    /// Throws 403 unless the role may change data.
    public func requireWrite() throws { if !role.canWrite { throw APIError.forbidden } }
    /// Throws 403 unless the role may manage the workspace (keys, users, settings).
    public func requireAdmin() throws { if !role.canManage { throw APIError.forbidden } }
}

public enum Role: String, Sendable, CaseIterable, Codable {
    case owner, admin, member, viewer
    public var canWrite: Bool { self != .viewer }
    public var canManage: Bool { self == .owner || self == .admin }
}
