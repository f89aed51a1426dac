import Crypto
import Foundation
import SQLKit
import Storage

/// Where alert notifications go: a workspace's outgoing webhooks, each with a signing secret sealed like account
/// tokens (shown once, when it is created).
struct AlertWebhook: Sendable, Encodable, Equatable {
    var id: UUID
    var name: String
    var url: String
    var enabled: Bool
    var createdAt: Date
    /// Only in the answer that creates the webhook.
    var secret: String?

    enum CodingKeys: String, CodingKey {
        case id, name, url, enabled, secret
        case createdAt = "created_at"
    }
}

struct AlertWebhookStore: Sendable {
    let database: Database
    let secretKey: SecretKey

    static func place(_ id: UUID) -> SealedPlace { SealedPlace(table: "alert_webhooks", column: "secret_sealed", rowID: id) }

    /// A fresh signing secret: 32 random bytes in hex with a recognisable prefix.
    static func newSecret() -> String {
        "whsec_" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.map { String(format: "%02x", $0) }.joined()
    }

    func create(workspaceID: UUID, name: String, url: String, now: Date = Date()) async throws -> AlertWebhook {
        let id = UUID.timeOrdered()
        let secret = Self.newSecret()
        let sealed = try secretKey.seal(secret, for: Self.place(id))
        try await database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO alert_webhooks (id, workspace_id, name, url, secret_sealed, enabled, created_at, updated_at)
                VALUES (\(bind: id), \(bind: workspaceID), \(bind: name), \(bind: url), \(bind: sealed), \(bind: true), \(bind: now), \(bind: now))
                """
            ).run()
        }
        return AlertWebhook(id: id, name: name, url: url, enabled: true, createdAt: now, secret: secret)
    }

    func list(workspaceID: UUID) async throws -> [AlertWebhook] {
        try await database.read { sql in
            try await sql.raw(
                "SELECT id, name, url, enabled, created_at FROM alert_webhooks WHERE workspace_id = \(bind: workspaceID) ORDER BY created_at, id"
            ).all().map(Self.decode)
        }
    }

    func find(workspaceID: UUID, id: UUID) async throws -> AlertWebhook? {
        try await database.read { sql in
            try await sql.raw(
                "SELECT id, name, url, enabled, created_at FROM alert_webhooks WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)"
            ).first().map(Self.decode)
        }
    }

    /// Deletes a webhook with its pending notifications; false when there is none.
    func delete(workspaceID: UUID, id: UUID) async throws -> Bool {
        try await database.transaction { sql in
            try await sql.raw("DELETE FROM alert_webhooks WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id) RETURNING id").first() != nil
        }
    }

    /// The URL and opened secret a notification is sent with; nil when the webhook is gone or switched off.
    func target(id: UUID) async throws -> (name: String, url: String, secret: String)? {
        let row = try await database.read { sql in
            try await sql.raw("SELECT name, url, secret_sealed FROM alert_webhooks WHERE id = \(bind: id) AND enabled = \(bind: true)").first()
        }
        guard let row else { return nil }
        let secret = try secretKey.open(try row.decode(column: "secret_sealed", as: String.self), for: Self.place(id))
        return (try row.decode(column: "name", as: String.self), try row.decode(column: "url", as: String.self), secret)
    }

    @Sendable static func decode(_ row: any SQLRow) throws -> AlertWebhook {
        AlertWebhook(
            id: try row.decode(column: "id", as: UUID.self), name: try row.decode(column: "name", as: String.self),
            url: try row.decode(column: "url", as: String.self), enabled: try row.decode(column: "enabled", as: Bool.self),
            createdAt: try row.decode(column: "created_at", as: Date.self), secret: nil
        )
    }

    /// Checks a webhook URL: absolute http(s) with a host; plain http only when the operator allowed it.
    static func checkURL(_ text: String, allowHTTP: Bool) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            return "url must be an absolute https URL such as https://hooks.slack.com/services/…"
        }
        if scheme == "https" { return nil }
        if scheme == "http" && allowHTTP { return nil }
        return scheme == "http" ? "url must use https (plain http is allowed only with HERALD_ALLOW_HTTP_WEBHOOKS=1)" : "url must be an https URL"
    }
}
