import AsyncHTTPClient
import Foundation
import Logging
import Storage

/// The long-lived parts every route and worker shares, built once per process.
public struct AppServices: Sendable {
    public let database: Database
    public let workspaces: WorkspaceStore
    public let keys: APIKeyStore
    public let users: UserStore
    public let sessions: SessionStore
    public let contacts: ContactStore
    let fields: CustomFieldStore
    let orders: OrderStore
    public let jobs: JobQueue
    public let messaging: MessagingServices
    /// Performance alert rules, outgoing webhooks and their outbox.
    let alerting: AlertServices
    /// Shop connections (Shopify, WooCommerce) and their deliveries.
    let integrations: IntegrationStore
    public var segments: SegmentService { messaging.segments }

    /// `config` supplies the secret key, data folder and public address the messaging parts use;
    /// tests that do not send messages may leave it out (and get a random key, a temporary folder and
    /// Cloud API hosts on this machine allowed).
    public init(database: Database, bcryptCost: UInt8 = 11, config: HeraldConfig? = nil, httpClient: HTTPClient = .shared) {
        // Services make metrics as they are made (the audience index's, for one): swift-metrics must be bootstrapped
        // first, or those metrics go nowhere.
        _ = HeraldMetrics.registry
        self.database = database
        self.workspaces = WorkspaceStore(database: database)
        self.keys = APIKeyStore(database: database)
        self.users = UserStore(database: database, bcryptCost: bcryptCost)
        self.sessions = SessionStore(database: database)
        self.contacts = ContactStore(database: database)
        self.fields = CustomFieldStore(database: database)
        self.orders = OrderStore(database: database, contacts: contacts)
        self.jobs = JobQueue(database: database)
        self.messaging = MessagingServices(
            database: database, secretKey: config?.secretKey ?? .random(),
            dataDirectory: config?.dataDirectory ?? NSTemporaryDirectory() + "herald-\(UUID().uuidString)",
            httpClient: httpClient, publicBaseURL: config?.publicBaseURL ?? "http://127.0.0.1:8080",
            inDoubtSeconds: config?.sendInDoubtSeconds ?? 600, queryTimeLimit: config?.queryTimeLimit ?? .seconds(10),
            apiHosts: config?.allowedAPIHosts ?? .loopback, audienceIndex: config?.audienceIndex ?? .fromEnvironment()
        )
        self.integrations = IntegrationStore(database: database, secretKey: messaging.accounts.secretKey)
        self.alerting = AlertServices(database: database, secretKey: messaging.accounts.secretKey, settings: config?.alerts ?? AlertSettings())
    }
}
