/// How the fake Cloud API is reached and how it behaves.
///
/// Every delay (template approval, status and reply delays, retry backoff) is multiplied by
/// ``timeScale``, so tests can run a whole campaign in milliseconds.
public struct SimulatorConfig: Sendable {
    /// Interface the simulator listens on.
    public var host: String
    /// Port the simulator listens on.
    public var port: Int
    /// Where signed webhooks are POSTed (Herald's `/webhooks/whatsapp`); `nil` discards them.
    public var webhookURL: String?
    /// Key of the `X-Hub-Signature-256` HMAC.
    public var appSecret: String
    /// Bearer token every Graph call must carry (else error 190).
    public var accessToken: String
    /// The one business phone number the simulator serves.
    public var phoneNumberID: String
    /// Display form of that number, echoed in webhook metadata and reply contexts.
    public var displayPhoneNumber: String
    /// WhatsApp Business Account id (templates live under it; webhook `entry[].id`).
    public var wabaID: String
    /// Accepted messages per second per phone number; more within any one second → HTTP 429, code 130429.
    public var throughput: Int
    /// Seed of every per-message outcome.
    public var seed: UInt64
    /// Outcome rates and delays for templates without their own behaviour.
    public var defaultBehaviour: TemplateBehaviour
    /// Seconds from template creation to its APPROVED webhook.
    public var templateApprovalDelay: Double
    /// Share of webhook POSTs sent twice.
    public var duplicateRate: Double
    /// Share of webhook POSTs held back and sent after the next one.
    public var reorderRate: Double
    /// Share of users who have a WhatsApp username and withhold their phone number from webhooks
    /// (unless the business sent to that number with `to`).
    public var usernameShare: Double
    /// Status items per webhook POST: 1, as Meta usually sends them (clients such as pywa read only the first);
    /// more (at most 1,000, as Meta) where the POST shape is not under test and the number of POSTs matters.
    public var batchSize: Int
    /// Seconds the dispatcher gathers due status items into one POST (not scaled).
    public var batchWindow: Double
    /// Multiplier of all delays.
    public var timeScale: Double

    public init(
        host: String = "127.0.0.1",
        port: Int = 9090,
        webhookURL: String? = nil,
        appSecret: String = "sim-secret",
        accessToken: String = "sim-token",
        phoneNumberID: String = "100000000000001",
        displayPhoneNumber: String = "15550001234",
        wabaID: String = "200000000000001",
        throughput: Int = 80,
        seed: UInt64 = 1,
        defaultBehaviour: TemplateBehaviour = TemplateBehaviour(),
        templateApprovalDelay: Double = 2,
        duplicateRate: Double = 0,
        reorderRate: Double = 0,
        usernameShare: Double = 0,
        batchSize: Int = 1,
        batchWindow: Double = 0.05,
        timeScale: Double = 1
    ) {
        self.host = host
        self.port = port
        self.webhookURL = webhookURL
        self.appSecret = appSecret
        self.accessToken = accessToken
        self.phoneNumberID = phoneNumberID
        self.displayPhoneNumber = displayPhoneNumber
        self.wabaID = wabaID
        self.throughput = throughput
        self.seed = seed
        self.defaultBehaviour = defaultBehaviour
        self.templateApprovalDelay = templateApprovalDelay
        self.duplicateRate = duplicateRate
        self.reorderRate = reorderRate
        self.usernameShare = usernameShare
        self.batchSize = batchSize
        self.batchWindow = batchWindow
        self.timeScale = timeScale
    }

    /// `batchSize` clamped to Meta's 1...1000.
    var effectiveBatchSize: Int { min(max(batchSize, 1), 1000) }
}
