import Foundation
import Logging

/// The app secrets and verify tokens of every account, opened once and refreshed every 30 s, so that
/// checking a signature costs no database round trip. A miss may reload before rejecting, but opening
/// every account's secrets is not free: concurrent callers share the reload in flight, and a forced
/// reload happens at most once per `minimumReloadInterval`, so a burst of bad signatures costs one.
actor WebhookSecrets {
    struct Entry: Sendable {
        let accountID: UUID
        let phoneNumberID: String
        let wabaID: String
        let appSecret: String
        let verifyToken: String
    }
    typealias Loader = @Sendable () async throws -> [Entry]
    /// A cheap fingerprint of the set of accounts (no secrets opened): it changes when an account is added or removed.
    typealias VersionLoader = @Sendable () async throws -> String

    let load: Loader
    let version: VersionLoader
    let maxAge: Duration
    let minimumReloadInterval: Duration
    var entries: [Entry] = []
    var loadedAt: ContinuousClock.Instant?
    var loadedVersion: String?
    var reload: Task<(String, [Entry]), any Error>?

    init(accounts: AccountStore) {
        self.init(version: { try await Self.version(accounts) }) { try await Self.open(accounts) }
    }

    init(
        maxAge: Duration = .seconds(30), minimumReloadInterval: Duration = .seconds(5), version: @escaping VersionLoader = { "" },
        load: @escaping Loader
    ) {
        self.load = load
        self.version = version
        self.maxAge = maxAge
        self.minimumReloadInterval = minimumReloadInterval
    }

    func current(forceReload: Bool = false) async throws -> [Entry] {
        if let reload { return try await reload.value.1 }
        if let loadedAt, ContinuousClock.now - loadedAt < (forceReload ? minimumReloadInterval : maxAge) { return entries }
        return try await reloadNow()
    }

    /// For a correctly signed delivery that names a number the cache does not know: reloads when accounts were
    /// added since the last load, even within the minimum interval, so a new number's first webhooks are not
    /// lost (several servers may share the database, so another server may have added it). Otherwise it costs one
    /// cheap query and the rate-limited reload of ``current(forceReload:)``.
    func currentIncludingNewAccounts() async throws -> [Entry] {
        if let reload { return try await reload.value.1 }
        if try await version() != loadedVersion { return try await reloadNow() }
        return try await current(forceReload: true)
    }

    private func reloadNow() async throws -> [Entry] {
        if let reload { return try await reload.value.1 }
        // The fingerprint is read before the secrets: an account added in between is loaded and only costs a
        // later reload, never a missed one.
        let task = Task { [load, version] in (try await version(), try await load()) }
        reload = task
        defer { reload = nil }
        let (fingerprint, fresh) = try await task.value
        entries = fresh
        loadedAt = .now
        loadedVersion = fingerprint
        return fresh
    }

    /// How many accounts there are and when the newest was added.
    static func version(_ accounts: AccountStore) async throws -> String {
        try await accounts.database.read { sql in
            let row = try await sql.raw("SELECT COUNT(*) AS n, MAX(created_at) AS newest FROM whatsapp_accounts").first()
            let count = try row?.decode(column: "n", as: Int.self) ?? 0
            let newest = try row?.decode(column: "newest", as: Date?.self)
            return "\(count)/\(newest?.timeIntervalSince1970 ?? 0)"
        }
    }

    /// Opens every account's secrets.
    static func open(_ accounts: AccountStore) async throws -> [Entry] {
        var fresh: [Entry] = []
        for account in try await accounts.all() {
            // One account whose sealed values do not open (tampered, or sealed with another key) must not stop
            // webhooks for every other account.
            let opened: AccountSecrets?
            do { opened = try await accounts.secrets(accountID: account.id) } catch {
                Logger(label: "herald.webhooks").error(
                    "a WhatsApp account's secrets do not open; its webhooks are refused", metadata: ["account_id": "\(account.id)", "error": "\(error)"]
                )
                continue
            }
            if let secrets = opened {
                fresh.append(
                    Entry(
                        accountID: account.id, phoneNumberID: account.phoneNumberID, wabaID: account.wabaID, appSecret: secrets.appSecret,
                        verifyToken: secrets.verifyToken
                    )
                )
            }
        }
        return fresh
    }
}
