import ArgumentParser
import Foundation
import HeraldApp
import Logging
import Simulator
import Storage

/// `herald demo`: the product on one machine, with a demo workspace, a console login and data.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run Herald on SQLite with a demo workspace, a console login and synthetic data.",
        discussion: """
            The first run creates the data folder (default ./herald-demo), a workspace, an owner login, \
            about 20,000 contacts with orders and message history, and a WhatsApp account pointing at a \
            Cloud API simulator started beside the server; it then sends a demo campaign through the \
            simulator and runs an A/B test of two wordings whose simulated readers truly differ. Later \
            runs reuse the data. It prints the console URL and the credentials, then \
            serves until stopped (Ctrl-C).
            """
    )
    @Option(name: .customLong("data-dir"), help: "Folder for the demo's SQLite database and secrets (HERALD_DATA_DIR). Default: ./herald-demo.")
    var dataDirectoryFlag: String?
    @Option(help: "Address to listen on (HERALD_HOST). Default: 127.0.0.1.") var host: String?
    @Option(help: "Port to listen on (HERALD_PORT). Default: 8080.") var port: String?
    @Option(help: "Contacts to generate on the first run.") var contacts = 20_000
    @Option(name: .customLong("simulator-port"), help: "Port of the WhatsApp Cloud API simulator (HERALD_SIMULATOR_PORT). Default: 9090.")
    var simulatorPortFlag: String?
    @Option(name: .customLong("shop-port"), help: "Port of the demo's Shopify stand-in (HERALD_DEMO_SHOP_PORT). Default: 9091.")
    var shopPortFlag: String?

    /// Like every command, a flag wins over its `HERALD_*` variable, which wins over the demo's default.
    var dataDirectory: String { Self.setting(dataDirectoryFlag, "HERALD_DATA_DIR") ?? "./herald-demo" }

    static func setting(_ flag: String?, _ variable: String) -> String? {
        if let flag, !flag.isEmpty { return flag }
        if let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty { return value }
        return nil
    }

    static let workspaceName = "Herald Demo"
    static let email = "demo@herald.local"

    func run() async throws {
        let simulatorText = Self.setting(simulatorPortFlag, "HERALD_SIMULATOR_PORT") ?? "9090"
        guard let simulatorPort = Int(simulatorText), (1...65535).contains(simulatorPort) else {
            FileHandle.standardError.write(Data("herald: configuration error: HERALD_SIMULATOR_PORT must be a port from 1 to 65535, got '\(simulatorText)'\n".utf8))
            throw ExitCode(78)
        }
        let shopText = Self.setting(shopPortFlag, "HERALD_DEMO_SHOP_PORT") ?? "9091"
        guard let shopPort = Int(shopText), (1...65535).contains(shopPort), shopPort != simulatorPort else {
            FileHandle.standardError.write(Data("herald: configuration error: HERALD_DEMO_SHOP_PORT must be a port from 1 to 65535 other than the simulator's, got '\(shopText)'\n".utf8))
            throw ExitCode(78)
        }
        if let other = ProcessInfo.processInfo.environment["HERALD_DATABASE_URL"], !other.isEmpty, !other.hasPrefix("sqlite:") {
            say("note: herald demo always runs on SQLite under its data folder; HERALD_DATABASE_URL is used by herald serve, not here")
        }
        // Host and port stay unset here when no flag gives them, so that HERALD_HOST and HERALD_PORT apply.
        var arguments = ["--data-dir", dataDirectory, "--database-url", "sqlite://\(dataDirectory)/herald.sqlite"]
        if let host { arguments += ["--host", host] }
        if let port { arguments += ["--port", port] }
        var (config, database) = try await openMigrated(try ConfigOptions.parse(arguments))
        let url = "http://\(config.host == "0.0.0.0" ? "127.0.0.1" : config.host):\(config.port)"
        config.publicURL = url
        // The demo A/B test's page should move while someone watches: look every 10 s unless told otherwise.
        if Self.setting(nil, "HERALD_AB_TEST_EVALUATION_SECONDS") == nil { config.abTestEvaluationSeconds = 10 }
        // The demo's account points at the simulator on this machine, and its shop at the demo shop: only those ports
        // are allowed besides Meta.
        config.allowedAPIHosts = try CloudAPIHosts(parsing: "127.0.0.1:\(simulatorPort),127.0.0.1:\(shopPort)")
        let credentials: (key: String?, password: String)
        let whatsapp: (account: WhatsAppAccount, secrets: AccountSecrets)
        let shopSecret: String
        do {
            credentials = try await prepare(database)
            guard let workspace = try await WorkspaceStore(database: database).find(name: Self.workspaceName) else { throw ExitCode.failure }
            whatsapp = try await DemoWhatsApp.ensureAccount(
                database: database, secretKey: config.secretKey, workspaceID: workspace.id, simulatorURL: "http://127.0.0.1:\(simulatorPort)"
            )
            (_, shopSecret) = try await DemoShop.ensureConnection(
                database: database, secretKey: config.secretKey, workspaceID: workspace.id, shopURL: "http://127.0.0.1:\(shopPort)"
            )
        } catch {
            await database.close()
            FileHandle.standardError.write(Data("herald demo: \(error)\n".utf8))
            throw ExitCode.failure
        }
        await database.close()

        say("""

            Herald demo is starting at \(url)
              sign in as:  \(Self.email)
              password:    \(credentials.password)
            \(credentials.key.map { "  API key:     \($0)  (shown on the first run only)\n" } ?? "")  data folder: \(dataDirectory)  (delete it to start over)
              WhatsApp:    Cloud API simulator at http://127.0.0.1:\(simulatorPort) (ground truth: /_simulator/truth)
              shop:        a Shopify stand-in at http://127.0.0.1:\(shopPort), connected on the Integrations page
              stop with Ctrl-C

            """)
        let logger = Logging.logger(config)
        let simulator = CloudAPISimulator(
            config: SimulatorConfig(
                host: "127.0.0.1", port: simulatorPort, webhookURL: "\(url)/webhooks/whatsapp", appSecret: whatsapp.secrets.appSecret,
                accessToken: whatsapp.secrets.accessToken, phoneNumberID: whatsapp.account.phoneNumberID, displayPhoneNumber: "15550001234",
                wabaID: whatsapp.account.wabaID, throughput: whatsapp.account.throughput, seed: 7, timeScale: 0.2
            ),
            logger: Logging.logger(config, label: "simulator")
        )
        for template in DemoCatalog.templates(linkBase: url) + [DemoCatalog.abVariant(linkBase: url)] { await simulator.addTemplate(template) }
        let account = whatsapp.account
        let shop = DemoShop(port: shopPort, webhookSecret: shopSecret)
        let shopLogger = Logging.logger(config, label: "demo-shop")
        let app = try await buildApplication(config: config, logger: logger) { services in
            [
                simulator.makeApplication(),
                shop.makeApplication(logger: shopLogger),
                DemoShopDriver(shop: shop, database: services.database, workspaceID: account.workspaceID, heraldURL: url, logger: logger),
                DemoCampaignDriver(
                    services: services.messaging, accountID: account.id, workspaceID: account.workspaceID, logger: logger, baseURL: url,
                    report: { say($0) }
                ),
            ]
        }
        try await app.runService()
    }

    /// Creates the workspace, login and data on the first run; afterwards reads the saved password.
    func prepare(_ database: Database) async throws -> (key: String?, password: String) {
        let passwordFile = (dataDirectory as NSString).appendingPathComponent("demo-password.txt")
        let workspaces = WorkspaceStore(database: database)
        if try await workspaces.find(name: Self.workspaceName) != nil,
            let saved = try? String(contentsOfFile: passwordFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        {
            return (nil, saved)
        }
        let (workspace, key) = try await workspaces.create(name: Self.workspaceName, timeZone: "Europe/Berlin", currency: "EUR", defaultCountry: "DE")
        let password = "demo-" + UUID().uuidString.prefix(8).lowercased()
        _ = try await UserStore(database: database).create(workspaceID: workspace.id, email: Self.email, password: password, role: .owner, name: "Demo Owner")
        FileManager.default.createFile(atPath: passwordFile, contents: Data((password + "\n").utf8), attributes: [.posixPermissions: 0o600])
        say("generating \(contacts) demo contacts with orders and message history…")
        let summary = try await Seeder(database: database, workspaceID: workspace.id, seed: 7).run(contacts: contacts) { progress in
            if progress.contactsDone > 0, progress.contactsDone == progress.contactsTotal || progress.contactsDone % 5_000 == 0 {
                say("  \(progress.contactsDone)/\(progress.contactsTotal) contacts")
            }
        }
        say("made \(summary.contacts) contacts, \(summary.orders) orders, \(summary.events) message events in \(String(format: "%.1f", summary.elapsed)) s")
        let segments = try await DemoSegments.ensure(database: database, workspaceID: workspace.id)
        say("saved \(segments) example segments (Segments page)")
        return (key, password)
    }
}

/// Writes a line to standard output at once (unbuffered), so the credentials show even when piped.
private func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
