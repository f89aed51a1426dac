import Foundation
import SQLKit
import Storage
import WhatsApp

/// Accounts in the database, with their secrets sealed by the server's secret key.
public struct AccountStore: Sendable {
    let database: Database
    let secretKey: SecretKey
    /// Where access tokens may be sent; an account stored with another host gets no credentials.
    var apiHosts: CloudAPIHosts = .metaOnly

    static let columns: SQLQueryString = """
        id, workspace_id, name, phone_number_id, waba_id, display_phone_number, api_base_url, api_version,
        throughput, messaging_tier, status, status_reason, created_at
        """

    public struct Input: Sendable {
        public var name: String
        public var phoneNumberID: String
        public var wabaID: String
        public var displayPhoneNumber: String?
        public var accessToken: String
        public var appSecret: String
        public var verifyToken: String
        public var apiBaseURL: String = "https://graph.facebook.com"
        public var apiVersion: String = "v21.0"
        public var throughput: Int = 80
        public var messagingTier: String = "TIER_2K"

        public init(
            name: String, phoneNumberID: String, wabaID: String, displayPhoneNumber: String? = nil, accessToken: String,
            appSecret: String, verifyToken: String, apiBaseURL: String = "https://graph.facebook.com", apiVersion: String = "v21.0",
            throughput: Int = 80, messagingTier: String = "TIER_2K"
        ) {
            self.name = name
            self.phoneNumberID = phoneNumberID
            self.wabaID = wabaID
            self.displayPhoneNumber = displayPhoneNumber
            self.accessToken = accessToken
            self.appSecret = appSecret
            self.verifyToken = verifyToken
            self.apiBaseURL = apiBaseURL
            self.apiVersion = apiVersion
            self.throughput = throughput
            self.messagingTier = messagingTier
        }
    }

    public func create(workspaceID: UUID, _ input: Input) async throws -> WhatsAppAccount {
        let id = UUID.timeOrdered()
        let now = Date()
        let sealed = (
            try seal(input.accessToken, .accessToken, id), try seal(input.appSecret, .appSecret, id), try seal(input.verifyToken, .verifyToken, id)
        )
        try await database.transaction { sql in
            let taken = try await sql.raw("SELECT id FROM whatsapp_accounts WHERE phone_number_id = \(bind: input.phoneNumberID)").first()
            if taken != nil {
                throw APIError(.conflict, "duplicate", "an account with phone number id \(input.phoneNumberID) already exists", field: "phone_number_id")
            }
            try await sql.raw(
                """
                INSERT INTO whatsapp_accounts (id, workspace_id, name, phone_number_id, waba_id, display_phone_number,
                    access_token_sealed, app_secret_sealed, verify_token_sealed, api_base_url, api_version, throughput,
                    messaging_tier, status, bucket_tokens, created_at, updated_at)
                VALUES (\(bind: id), \(bind: workspaceID), \(bind: input.name), \(bind: input.phoneNumberID), \(bind: input.wabaID),
                    \(bind: input.displayPhoneNumber), \(bind: sealed.0), \(bind: sealed.1), \(bind: sealed.2), \(bind: input.apiBaseURL),
                    \(bind: input.apiVersion), \(bind: input.throughput), \(bind: input.messagingTier), 'active', 0, \(bind: now), \(bind: now))
                """
            ).run()
        }
        return WhatsAppAccount(
            id: id, workspaceID: workspaceID, name: input.name, phoneNumberID: input.phoneNumberID, wabaID: input.wabaID,
            displayPhoneNumber: input.displayPhoneNumber, apiBaseURL: input.apiBaseURL, apiVersion: input.apiVersion,
            throughput: input.throughput, messagingTier: input.messagingTier, status: "active", statusReason: nil, createdAt: now
        )
    }

    public func list(workspaceID: UUID) async throws -> [WhatsAppAccount] {
        try await database.read { sql in
            try await sql.raw("SELECT \(Self.columns) FROM whatsapp_accounts WHERE workspace_id = \(bind: workspaceID) ORDER BY created_at")
                .all().map(Self.decode)
        }
    }

    public func find(workspaceID: UUID, id: UUID) async throws -> WhatsAppAccount? {
        try await database.read { sql in
            try await sql.raw("SELECT \(Self.columns) FROM whatsapp_accounts WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)")
                .first().map(Self.decode)
        }
    }

    /// Every account of every workspace: the send loop and the webhook receiver serve them all.
    public func all() async throws -> [WhatsAppAccount] {
        try await database.read { sql in
            try await sql.raw("SELECT \(Self.columns) FROM whatsapp_accounts ORDER BY created_at").all().map(Self.decode)
        }
    }

    /// Active accounts with a campaign sending: the ones the send worker runs a sender for.
    func withSendingCampaigns() async throws -> [WhatsAppAccount] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT \(Self.columns) FROM whatsapp_accounts
                WHERE status = 'active' AND id IN (SELECT account_id FROM campaigns WHERE status = 'sending')
                """
            ).all().map(Self.decode)
        }
    }

    public func secrets(accountID: UUID) async throws -> AccountSecrets? {
        let row = try await database.read { sql in
            try await sql.raw(
                "SELECT access_token_sealed, app_secret_sealed, verify_token_sealed FROM whatsapp_accounts WHERE id = \(bind: accountID)"
            ).first()
        }
        guard let row else { return nil }
        func open(_ column: SecretColumn) async throws -> String {
            try await self.open(try row.decode(column: column.rawValue, as: String.self), column, accountID)
        }
        return AccountSecrets(accessToken: try await open(.accessToken), appSecret: try await open(.appSecret), verifyToken: try await open(.verifyToken))
    }

    public func credentials(_ account: WhatsAppAccount) async throws -> WhatsAppCredentials {
        if let problem = apiHosts.problem(with: account.apiBaseURL) {
            throw APIError(.unprocessableContent, "api_host_not_allowed", "the access token is not sent there: \(problem)", field: "api_base_url")
        }
        guard let secrets = try await secrets(accountID: account.id) else { throw APIError.notFound("the WhatsApp account") }
        return WhatsAppCredentials(phoneNumberID: account.phoneNumberID, wabaID: account.wabaID, accessToken: secrets.accessToken)
    }

    /// Changes the plain settings and, when given, replaces secrets.
    public func update(
        workspaceID: UUID, id: UUID, name: String?, throughput: Int?, messagingTier: String?, apiBaseURL: String?, apiVersion: String?,
        accessToken: String?, appSecret: String?, verifyToken: String?, status: String?
    ) async throws -> WhatsAppAccount {
        let now = Date()
        let sealed = (
            try accessToken.map { try seal($0, .accessToken, id) }, try appSecret.map { try seal($0, .appSecret, id) },
            try verifyToken.map { try seal($0, .verifyToken, id) }
        )
        try await database.transaction { sql in
            let row = try await sql.raw(
                """
                UPDATE whatsapp_accounts SET name = COALESCE(\(bind: name), name), throughput = COALESCE(\(bind: throughput), throughput),
                    messaging_tier = COALESCE(\(bind: messagingTier), messaging_tier), api_base_url = COALESCE(\(bind: apiBaseURL), api_base_url),
                    api_version = COALESCE(\(bind: apiVersion), api_version),
                    access_token_sealed = COALESCE(\(bind: sealed.0), access_token_sealed),
                    app_secret_sealed = COALESCE(\(bind: sealed.1), app_secret_sealed),
                    verify_token_sealed = COALESCE(\(bind: sealed.2), verify_token_sealed),
                    status = COALESCE(\(bind: status), status),
                    status_reason = CASE WHEN \(bind: status) = 'active' THEN NULL ELSE status_reason END,
                    updated_at = \(bind: now)
                WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id) RETURNING id
                """
            ).first()
            if row == nil { throw APIError.notFound("the WhatsApp account") }
        }
        guard let account = try await find(workspaceID: workspaceID, id: id) else { throw APIError.notFound("the WhatsApp account") }
        return account
    }

    public func delete(workspaceID: UUID, id: UUID) async throws -> Bool {
        try await database.transaction { sql in
            try await sql.raw("DELETE FROM whatsapp_accounts WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id) RETURNING id").first() != nil
        }
    }

    static func decode(_ row: any SQLRow) throws -> WhatsAppAccount {
        WhatsAppAccount(
            id: try row.decode(column: "id", as: UUID.self),
            workspaceID: try row.decode(column: "workspace_id", as: UUID.self),
            name: try row.decode(column: "name", as: String.self),
            phoneNumberID: try row.decode(column: "phone_number_id", as: String.self),
            wabaID: try row.decode(column: "waba_id", as: String.self),
            displayPhoneNumber: try row.decode(column: "display_phone_number", as: String?.self),
            apiBaseURL: try row.decode(column: "api_base_url", as: String.self),
            apiVersion: try row.decode(column: "api_version", as: String.self),
            throughput: try row.decode(column: "throughput", as: Int.self),
            messagingTier: try row.decode(column: "messaging_tier", as: String.self),
            status: try row.decode(column: "status", as: String.self),
            statusReason: try row.decode(column: "status_reason", as: String?.self),
            createdAt: try row.decode(column: "created_at", as: Date.self)
        )
    }
}
