import Foundation

/// The app secrets and verify tokens of every account, opened once and refreshed every 30 s, so that
/// checking a signature costs no database round trip. A miss reloads once before rejecting.
actor WebhookSecrets {
    struct Entry: Sendable {
        let accountID: UUID
        let appSecret: String
        let verifyToken: String
    }
    let accounts: AccountStore
    var entries: [Entry] = []
    var loadedAt: ContinuousClock.Instant?

    init(accounts: AccountStore) { self.accounts = accounts }

    func current(forceReload: Bool = false) async throws -> [Entry] {
        if !forceReload, let loadedAt, ContinuousClock.now - loadedAt < .seconds(30) { return entries }
        var fresh: [Entry] = []
        for account in try await accounts.all() {
            if let secrets = try await accounts.secrets(accountID: account.id) {
                fresh.append(Entry(accountID: account.id, appSecret: secrets.appSecret, verifyToken: secrets.verifyToken))
            }
        }
        entries = fresh
        loadedAt = .now
        return fresh
    }
}
