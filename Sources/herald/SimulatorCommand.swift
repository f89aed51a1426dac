import ArgumentParser
import Foundation
import HeraldApp
import Logging
import Simulator

/// `herald simulator`: the fake WhatsApp Cloud API on its own port.
struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulator",
        abstract: "Run a stand-alone fake of Meta's WhatsApp Cloud API that sends signed webhooks back.",
        discussion: """
            Point a WhatsApp account's API base URL at it (http://HOST:PORT) and its webhook URL at Herald. \
            GET /_simulator/truth reports what it really did, for comparing with Herald's numbers.
            """
    )
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 9090
    @Option(name: .customLong("webhook-url"), help: "Where to POST webhooks, e.g. http://127.0.0.1:8080/webhooks/whatsapp.") var webhookURL: String?
    @Option(name: .customLong("app-secret"), help: "App secret that signs webhooks (X-Hub-Signature-256).") var appSecret = "sim-secret"
    @Option(name: .customLong("access-token"), help: "Bearer token the Graph API calls must carry.") var accessToken = "sim-token"
    @Option(name: .customLong("phone-number-id")) var phoneNumberID = "100000000000001"
    @Option(name: .customLong("waba-id")) var wabaID = "200000000000001"
    @Option(name: .customLong("display-phone-number")) var displayPhoneNumber = "15550001234"
    @Option(help: "Messages per second accepted before error 130429.") var throughput = 80
    @Option(help: "Seed of every outcome: the same seed and recipients give the same results.") var seed: UInt64 = 1
    @Option(name: .customLong("time-scale"), help: "Multiplier of every delay (0.01 makes a campaign's webhooks arrive 100 times sooner).") var timeScale = 1.0
    @Option(name: .customLong("duplicate-rate"), help: "Share of webhook deliveries sent twice.") var duplicateRate = 0.0
    @Option(name: .customLong("reorder-rate"), help: "Share of webhook deliveries held back behind the next one.") var reorderRate = 0.0
    @Option(name: .customLong("batch-size"), help: "Status items per webhook POST (1 to 1000); Meta usually sends one.") var batchSize = 1
    @Option(name: .customLong("username-share"), help: "Share of users (0 to 1) who have a username and withhold their phone number from webhooks.")
    var usernameShare = 0.0
    @Option(name: .customLong("link-base"), help: "Herald's public URL, for the demo templates' link buttons.") var linkBase = "http://127.0.0.1:8080"
    @Option(name: .customLong("templates"), help: "JSON file with a list of templates (Meta's shape plus an optional behaviour); default: the demo templates.")
    var templatesFile: String?
    @Option(name: .customLong("log-level")) var logLevel = "info"

    func validate() throws {
        guard (1...1000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 1000") }
        guard (0...1).contains(usernameShare) else { throw ValidationError("--username-share must be between 0 and 1") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return handler
        }
        let simulator = CloudAPISimulator(
            config: SimulatorConfig(
                host: host, port: port, webhookURL: webhookURL, appSecret: appSecret, accessToken: accessToken, phoneNumberID: phoneNumberID,
                displayPhoneNumber: displayPhoneNumber, wabaID: wabaID, throughput: throughput, seed: seed, duplicateRate: duplicateRate,
                reorderRate: reorderRate, usernameShare: usernameShare, batchSize: batchSize, timeScale: timeScale
            ),
            logger: Logger(label: "simulator")
        )
        let templates: [SimulatedTemplate]
        if let templatesFile {
            guard let data = FileManager.default.contents(atPath: templatesFile) else {
                throw ValidationError("cannot read \(templatesFile)")
            }
            templates = try JSONDecoder().decode([SimulatedTemplate].self, from: data)
        } else {
            templates = DemoCatalog.templates(linkBase: linkBase)
        }
        for template in templates { await simulator.addTemplate(template) }
        FileHandle.standardOutput.write(Data("herald simulator listening on http://\(host):\(port)\n".utf8))
        try await simulator.run()
    }
}
