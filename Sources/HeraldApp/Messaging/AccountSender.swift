import AsyncHTTPClient
import Foundation
import Logging
import Storage
import WhatsApp

/// Sends one account's due messages at its throughput until none are left. Several processes may
/// run one for the same account: they share the account's token bucket and claim disjoint messages.
struct AccountSender: Sendable {
    let account: WhatsAppAccount
    let services: MessagingServices
    let owner: String
    let logger: Logger
    let maxBatch = 50
    let maxInFlight = 8

    func run() async {
        let client: CloudAPIClient
        do {
            client = CloudAPIClient(
                httpClient: services.httpClient, endpoint: account.endpoint, credentials: try await services.accounts.credentials(account)
            )
        } catch let error as APIError where error.code == "api_host_not_allowed" {
            // Stored before hosts were checked (or the operator narrowed them): stop the account with an alert, so the
            // send worker does not start this sender again on every poll and its campaigns do not hang unexplained.
            logger.error("account's Cloud API host is not allowed; halting it", metadata: ["account_id": "\(account.id)"])
            try? await services.database.transaction { sql in
                try await SendOutcome.halt(accountID: account.id, workspaceID: account.workspaceID, detail: error.message, in: sql)
            }
            return
        } catch {
            logger.error("could not open the account's credentials", metadata: ["account_id": "\(account.id)", "error": "\(error)"])
            return
        }
        let cache = PreparedCampaigns(services: services, account: account, client: client)
        var idleRounds = 0
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            while !Task.isCancelled {
                if inFlight >= maxInFlight {
                    await group.next()
                    inFlight -= 1
                }
                let claim: SendClaim
                do {
                    claim = try await SendClaim.claim(
                        accountID: account.id, owner: owner, maxBatch: maxBatch, inDoubtSeconds: services.inDoubtSeconds,
                        database: services.database
                    )
                } catch {
                    logger.error("could not claim messages", metadata: ["account_id": "\(account.id)", "error": "\(String(reflecting: error))"])
                    try? await Task.sleep(for: .seconds(1))
                    continue
                }
                switch claim {
                case .halted:
                    return
                case .idle:
                    idleRounds += 1
                    if idleRounds > 8 { return }
                    try? await Task.sleep(for: .milliseconds(250))
                case .wait(let seconds):
                    try? await Task.sleep(for: .milliseconds(max(2, Int(seconds * 1000))))
                case .batch(let recipients):
                    idleRounds = 0
                    inFlight += 1
                    group.addTask { await send(recipients, client: client, cache: cache) }
                }
            }
        }
    }

    func send(_ recipients: [Recipient], client: CloudAPIClient, cache: PreparedCampaigns) async {
        let results = await withTaskGroup(of: (Recipient, SendOutcome).self) { group in
            for recipient in recipients {
                group.addTask { (recipient, await outcome(for: recipient, client: client, cache: cache)) }
            }
            var all: [(Recipient, SendOutcome)] = []
            for await result in group { all.append(result) }
            return all
        }
        do {
            try await SendOutcome.record(
                results, accountID: account.id, workspaceID: account.workspaceID, owner: owner, inDoubtSeconds: services.inDoubtSeconds,
                database: services.database
            )
            services.metrics.recorded(results)
        } catch {
            // The messages stay 'sending' until their lease ends; status webhooks or the in-doubt timeout settle them.
            logger.error("could not record send results", metadata: ["account_id": "\(account.id)", "error": "\(String(reflecting: error))"])
        }
    }

    func outcome(for recipient: Recipient, client: CloudAPIClient, cache: PreparedCampaigns) async -> SendOutcome {
        let prepared: PreparedCampaign
        do {
            prepared = try await cache.prepared(for: recipient)
        } catch let problem as CampaignProblem {
            return .holdCampaign(code: 0, detail: problem.message)
        } catch {
            // Preparing (e.g. uploading the header media) sends no message: a transport failure here is retried.
            return SendOutcome.from(error: error, attempts: recipient.attempts, sending: false)
        }
        let marketing = prepared.template.category.uppercased() == "MARKETING"
        // A test message is checked whatever its template's category (design section 2): the test is marketing.
        if marketing || recipient.abPhase != nil || recipient.variationID != nil, recipient.consent != "opted_in" {
            return .skipped(reason: "the contact is \(recipient.consent.replacingOccurrences(of: "_", with: " "))")
        }
        if marketing, recipient.address.isNANP { return .skipped(reason: "marketing templates are not delivered to +1 numbers") }
        guard let address = recipient.address.message else { return .skipped(reason: "the contact has no phone number or WhatsApp user id") }
        do {
            let result = try await client.send(prepared.message(for: recipient, to: address))
            return .accepted(wamid: result.wamid)
        } catch {
            return SendOutcome.from(error: error, attempts: recipient.attempts)
        }
    }
}

/// Why a campaign cannot be sent right now (template gone or not approved, media missing).
struct CampaignProblem: Error {
    let message: String
}

/// Campaign, template and media id, loaded once per campaign (and per variation of an A/B test) by an account sender.
actor PreparedCampaigns {
    struct Key: Hashable {
        let campaignID: UUID
        let variationID: UUID?
    }

    let services: MessagingServices
    let account: WhatsAppAccount
    let client: CloudAPIClient
    var loaded: [Key: PreparedCampaign] = [:]

    init(services: MessagingServices, account: WhatsAppAccount, client: CloudAPIClient) {
        self.services = services
        self.account = account
        self.client = client
    }

    /// The content of the recipient's message: its variation's when it has one (the campaign row only mirrors the
    /// control), else the campaign's.
    func prepared(for recipient: Recipient) async throws -> PreparedCampaign {
        let key = Key(campaignID: recipient.campaignID, variationID: recipient.variationID)
        if let found = loaded[key] { return found }
        guard let campaign = try await services.campaigns.find(workspaceID: account.workspaceID, id: key.campaignID) else {
            throw CampaignProblem(message: "the campaign was deleted")
        }
        var content = (templateID: campaign.templateID, variables: campaign.variables, mediaID: campaign.mediaID, owner: "campaign")
        if let variationID = key.variationID {
            // A variation that cannot be sent holds the campaign, and so the whole test: arms must not drift apart.
            guard let variation = try await ABTestStore(database: services.database, campaigns: services.campaigns)
                .variation(id: variationID, campaignID: key.campaignID)
            else { throw CampaignProblem(message: "the A/B test's variation was deleted") }
            content = (variation.templateID, variation.variables, variation.mediaID, "variation \(variation.name)")
        }
        guard let templateID = content.templateID, let template = try await services.templates.find(workspaceID: account.workspaceID, id: templateID)
        else { throw CampaignProblem(message: "the \(content.owner)'s template no longer exists") }
        guard template.status == "APPROVED" else {
            throw CampaignProblem(message: "template \(template.name) is \(template.status)")
        }
        var header: HeaderMedia?
        if let mediaID = content.mediaID {
            guard let item = try await services.media.find(workspaceID: account.workspaceID, id: mediaID) else {
                throw CampaignProblem(message: "the \(content.owner)'s media was deleted")
            }
            let remote = try await services.media.remoteID(for: item, accountID: account.id, client: client)
            switch item.kind {
            case "image": header = .image(.id(remote))
            case "video": header = .video(.id(remote))
            default: header = .document(.id(remote), filename: item.filename)
            }
        }
        let prepared = PreparedCampaign(campaign: campaign, template: template, header: header, variables: content.variables)
        loaded[key] = prepared
        return prepared
    }
}
