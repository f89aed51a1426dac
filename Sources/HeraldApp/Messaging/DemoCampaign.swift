import Foundation
import Logging
import ServiceLifecycle
import SQLKit
import Storage

/// The demo's WhatsApp side: an account pointing at the simulator, and one finished campaign.
public enum DemoWhatsApp {
    public static let accountName = "Demo number (simulator)"
    public static let campaignName = "Spring sale (demo)"

    /// Creates the demo account on the first run; later runs point it at the simulator's current port.
    public static func ensureAccount(database: Database, secretKey: SecretKey, workspaceID: UUID, simulatorURL: String) async throws
        -> (account: WhatsAppAccount, secrets: AccountSecrets)
    {
        let store = AccountStore(database: database, secretKey: secretKey)
        if let existing = try await store.list(workspaceID: workspaceID).first(where: { $0.name == accountName }) {
            let account = try await store.update(
                workspaceID: workspaceID, id: existing.id, name: nil, throughput: nil, messagingTier: nil, apiBaseURL: simulatorURL, apiVersion: nil,
                accessToken: nil, appSecret: nil, verifyToken: nil, status: "active"
            )
            guard let secrets = try await store.secrets(accountID: account.id) else { throw APIError.notFound("the demo account") }
            return (account, secrets)
        }
        let input = AccountStore.Input(
            name: accountName, phoneNumberID: "100000000000001", wabaID: "200000000000001", displayPhoneNumber: "+1 555 000 1234",
            accessToken: "demo-" + ClickToken.make(), appSecret: ClickToken.make() + ClickToken.make(), verifyToken: "demo-verify",
            apiBaseURL: simulatorURL, apiVersion: "v21.0", throughput: 1000, messagingTier: "TIER_100K"
        )
        let account = try await store.create(workspaceID: workspaceID, input)
        guard let secrets = try await store.secrets(accountID: account.id) else { throw APIError.notFound("the demo account") }
        return (account, secrets)
    }
}

/// Once the server is up: syncs the demo account's templates and, on the first run, sends the demo
/// campaign to every opted-in contact, then reports its results; then, given Herald's address, runs the demo A/B test
/// through the HTTP API (``DemoABTest``) and reports its decision.
public struct DemoCampaignDriver: Service {
    let services: MessagingServices
    let accountID: UUID
    let workspaceID: UUID
    let report: @Sendable (String) -> Void
    let logger: Logger
    let baseURL: String?

    public init(
        services: MessagingServices, accountID: UUID, workspaceID: UUID, logger: Logger, baseURL: String? = nil,
        report: @escaping @Sendable (String) -> Void
    ) {
        self.services = services
        self.accountID = accountID
        self.workspaceID = workspaceID
        self.logger = logger
        self.baseURL = baseURL
        self.report = report
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            do { try await drive() } catch is CancellationError {} catch {
                logger.error("demo campaign setup failed", metadata: ["error": "\(error)"])
            }
        }
        // A service that returns stops the whole group: stay until the server shuts down.
        try? await gracefulShutdown()
    }

    func drive() async throws {
        guard let account = try await services.accounts.find(workspaceID: workspaceID, id: accountID) else { return }
        var synced = 0
        for _ in 0..<50 {
            do {
                synced = try await TemplateSync(services: services).sync(account)
                break
            } catch {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        report("synced \(synced) templates from the simulator")
        try await sendCampaign()
        if let baseURL {
            try await DemoABTest(services: services, workspaceID: workspaceID, accountID: accountID, baseURL: baseURL, report: report).run()
        }
    }

    /// The demo campaign, on the first run only: sent to every opted-in contact, its results reported once it ends.
    func sendCampaign() async throws {
        let existing = try await services.campaigns.list(workspaceID: workspaceID)
        if existing.contains(where: { $0.name == DemoWhatsApp.campaignName }) { return }
        guard let template = try await services.templates.list(workspaceID: workspaceID, accountID: accountID).first(where: { $0.name == "spring_sale" })
        else { return }
        let now = Date()
        let campaign = Campaign(
            id: .timeOrdered(), workspaceID: workspaceID, name: DemoWhatsApp.campaignName, status: .scheduled, accountID: accountID,
            templateID: template.id, templateName: template.name, templateLanguage: template.language,
            variables: ["1": VariableSource(field: "first_name", fallback: "there"), "2": VariableSource(text: "25%")],
            ctaURL: "https://shop.example.com/spring", audience: .everyone, scheduledAt: now, createdAt: now, updatedAt: now
        )
        try await services.campaigns.insert(campaign)
        report("sending the demo campaign \"\(campaign.name)\" through the simulator…")
        while true {
            try await Task.sleep(for: .seconds(2))
            guard let current = try await services.campaigns.find(workspaceID: workspaceID, id: campaign.id), current.status != .scheduled,
                current.status != .sending
            else { continue }
            let stats = try await settled(campaignID: campaign.id)
            report(
                "demo campaign \(current.status.rawValue): \(stats.accepted) sent, \(stats.delivered) delivered, \(stats.read) read, "
                    + "\(stats.clicked) clicked, \(stats.replied) replied, \(stats.failed) failed"
            )
            return
        }
    }

    /// The campaign's numbers once its statuses, reads, clicks and replies have stopped arriving (6 s without change, at
    /// most 3 minutes). Sending ends long before the simulator's webhooks do; the demo A/B test starts only after them,
    /// since its own events would otherwise queue behind this backlog and arrive after its outcome window.
    func settled(campaignID: UUID) async throws -> CampaignStats {
        var last = CampaignStats()
        var quiet = 0
        for _ in 0..<90 {
            let stats = try await services.database.read { sql in try await CampaignStats.load(campaignID: campaignID, in: sql) }
            quiet = stats == last ? quiet + 1 : 0
            last = stats
            if quiet >= 3 { break }
            try await Task.sleep(for: .seconds(2))
        }
        return last
    }
}
