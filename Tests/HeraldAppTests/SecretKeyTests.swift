import Foundation
import SQLKit
import Storage
import Testing

@testable import HeraldApp

@Suite("Secret key and sealed secrets")
struct SecretKeyTests {
    static let keyText = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    /// "EAAG-legacy-token" sealed with `keyText` the way Herald sealed secrets before they were bound to a row and column.
    static let legacySealed = "BwcHBwcHBwcHBwcHSivnG0JjspOn/mqt9D6f/s8PtXpnnu7zrJYPT4ouHdtW"

    static func folder() -> String {
        NSTemporaryDirectory() + "herald-key-\(UUID().uuidString)"
    }

    static func resolve(_ folder: String) throws -> HeraldConfig {
        try HeraldConfig.resolve(
            databaseURL: nil, dataDirectory: folder, host: nil, port: nil, logLevel: nil, logFormat: nil, secretKey: nil, environment: [:]
        )
    }

    static func input(_ phoneNumberID: String, token: String) -> AccountStore.Input {
        .init(name: "A\(phoneNumberID)", phoneNumberID: phoneNumberID, wabaID: "2", accessToken: token, appSecret: "app-\(token)", verifyToken: "v-\(token)")
    }

    @Test("a new key file is created readable by its owner only")
    func newKeyFile() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try Self.resolve(folder)
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/secret.key")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let before = try Data(contentsOf: URL(fileURLWithPath: folder + "/secret.key"))
        _ = try Self.resolve(folder)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/secret.key")) == before, "a second start reads the same key")
    }

    @Test("servers starting together on one data folder all read the one key, never a half-written file")
    func startingTogether() async throws {
        for _ in 0..<20 {
            let folder = Self.folder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let keys = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<6 { group.addTask { try SecretKey.loadOrCreate(in: folder).base64 } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(keys.count == 1)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder)
            #expect(leftovers == ["secret.key"], "\(leftovers)")
        }
    }

    @Test("an unreadable key file stops start-up with a clear message and is never replaced")
    func unreadableKeyFile() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let garbage = Data([0xFF, 0xFE, 0x00, 0x81] + Array(repeating: 0x41, count: 40))
        try garbage.write(to: URL(fileURLWithPath: folder + "/secret.key"))
        #expect {
            _ = try Self.resolve(folder)
        } throws: { error in
            let text = "\(error)"
            return error is ConfigError && text.contains("secret.key") && text.contains("HERALD_SECRET_KEY") && !text.contains("\n")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/secret.key")) == garbage, "the file is left as it was")
    }

    /// An account store with the test key, and a workspace to put accounts in.
    static func store(_ database: Database) async throws -> (AccountStore, Workspace) {
        let store = AccountStore(database: database, secretKey: try #require(SecretKey(base64: keyText)))
        let (workspace, _) = try await WorkspaceStore(database: database).create(name: "Acme", defaultCountry: "DE")
        return (store, workspace)
    }

    @Test("a sealed secret copied to another account or another column does not open there", arguments: Engine.available)
    func boundToRowAndColumn(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            let (store, workspace) = try await Self.store(database)
            let victim = try await store.create(workspaceID: workspace.id, Self.input("1001", token: "victim-token"))
            let attacker = try await store.create(workspaceID: workspace.id, Self.input("1002", token: "attacker-token"))
            #expect(try await store.secrets(accountID: victim.id)?.accessToken == "victim-token")
            try await database.transaction { sql in
                try await sql.raw(
                    """
                    UPDATE whatsapp_accounts SET access_token_sealed = (SELECT access_token_sealed FROM whatsapp_accounts WHERE id = \(bind: victim.id))
                    WHERE id = \(bind: attacker.id)
                    """
                ).run()
                try await sql.raw("UPDATE whatsapp_accounts SET verify_token_sealed = access_token_sealed WHERE id = \(bind: victim.id)").run()
            }
            await #expect(throws: (any Error).self, "another row's token") { _ = try await store.secrets(accountID: attacker.id) }
            await #expect(throws: (any Error).self, "another column's value") { _ = try await store.secrets(accountID: victim.id) }
        }
    }

    @Test("a secret sealed before binding still opens and is sealed again, bound", arguments: Engine.available)
    func legacyValues(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            let (store, workspace) = try await Self.store(database)
            let account = try await store.create(workspaceID: workspace.id, Self.input("1001", token: "new-token"))
            try await database.transaction { sql in
                try await sql.raw("UPDATE whatsapp_accounts SET access_token_sealed = \(bind: Self.legacySealed) WHERE id = \(bind: account.id)").run()
            }
            #expect(try await store.secrets(accountID: account.id)?.accessToken == "EAAG-legacy-token")
            let stored = try await database.read { sql in
                try await sql.raw("SELECT access_token_sealed FROM whatsapp_accounts WHERE id = \(bind: account.id)").first()!
                    .decode(column: "access_token_sealed", as: String.self)
            }
            #expect(stored != Self.legacySealed, "re-sealed with its binding on first read")
            #expect(try await store.secrets(accountID: account.id)?.accessToken == "EAAG-legacy-token")
        }
    }
}
