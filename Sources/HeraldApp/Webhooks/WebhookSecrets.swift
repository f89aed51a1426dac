import Foundation

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

    let load: Loader
    let maxAge: Duration
    let minimumReloadInterval: Duration
    var entries: [Entry] = []
    var loadedAt: ContinuousClock.Instant?
    var reload: Task<[Entry], any Error>?

    init(accounts: AccountStore) {
        self.init { try await Self.open(accounts) }
    }

    init(maxAge: Duration = .seconds(30), minimumReloadInterval: Duration = .seconds(5), load: @escaping Loader) {
        self.load = load
        self.maxAge = maxAge
        self.minimumReloadInterval = minimumReloadInterval
    }

    func current(forceReload: Bool = false) async throws -> [Entry] {
        if let reload { return try await reload.value }
        if let loadedAt, ContinuousClock.now - loadedAt < (forceReload ? minimumReloadInterval : maxAge) { return entries }
        let task = Task { [load] in try await load() }
        reload = task
        defer { reload = nil }
        let fresh = try await task.value
        entries = fresh
        loadedAt = .now
        return fresh
    }

    /// Opens every account's secrets.
    static func open(_ accounts: AccountStore) async throws -> [Entry] {
        var fresh: [Entry] = []
        for account in try await accounts.all() {
            if let secrets = try await accounts.secrets(accountID: account.id) {
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
