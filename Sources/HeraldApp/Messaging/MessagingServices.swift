import AsyncHTTPClient
import Foundation
import Metrics
import Storage

/// The stores and clients the send pipeline, the webhook processor and the routes share.
public struct MessagingServices: Sendable {
    public let database: Database
    public let accounts: AccountStore
    public let templates: TemplateStore
    public let campaigns: CampaignStore
    public let media: MediaStore
    public let rates: RateStore
    public let alerts: AlertStore
    /// Saved segments, for campaign audiences.
    public let segments: SegmentService
    public let httpClient: HTTPClient
    public let publicBaseURL: String
    public let inDoubtSeconds: Double
    /// Reads that people start and can make arbitrarily expensive (pre-flight over a segment) stop after this long.
    public let queryTimeLimit: Duration
    let metrics = SendMetrics()

    /// The database for such reads: they fail with `QueryTimeLimitExceeded` (503) past ``queryTimeLimit``.
    public var limitedReads: Database { database.withReadTimeLimit(queryTimeLimit) }

    public init(
        database: Database, secretKey: SecretKey, dataDirectory: String, httpClient: HTTPClient, publicBaseURL: String, inDoubtSeconds: Double,
        queryTimeLimit: Duration = .seconds(10), apiHosts: CloudAPIHosts = .metaOnly, audienceIndex: AudienceIndexService.Settings = .init()
    ) {
        self.database = database
        self.queryTimeLimit = queryTimeLimit
        self.accounts = AccountStore(database: database, secretKey: secretKey, apiHosts: apiHosts)
        self.templates = TemplateStore(database: database)
        self.campaigns = CampaignStore(database: database)
        self.media = MediaStore(database: database, dataDirectory: dataDirectory)
        self.rates = RateStore(database: database)
        self.alerts = AlertStore(database: database)
        self.segments = SegmentService(database: database, queryTimeLimit: queryTimeLimit, index: audienceIndex)
        self.httpClient = httpClient
        self.publicBaseURL = publicBaseURL
        self.inDoubtSeconds = inDoubtSeconds
    }
}

/// Prometheus counters for the send pipeline.
struct SendMetrics: Sendable {
    let accepted = Counter(label: "herald_messages_accepted_total")
    let retried = Counter(label: "herald_messages_retried_total")
    let failed = Counter(label: "herald_messages_failed_total")

    func recorded(_ results: [(Recipient, SendOutcome)]) {
        for (_, outcome) in results {
            switch outcome {
            case .accepted: accepted.increment()
            case .retry, .inDoubt, .holdCampaign, .haltAccount: retried.increment()
            case .failed, .suppressedContact, .skipped: failed.increment()
            }
        }
    }
}
