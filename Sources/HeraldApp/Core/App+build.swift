import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Storage

/// Builds the router: API, webhooks (later), web console, operations. Used by `herald serve`, `herald demo` and tests.
public func buildRouter(services: AppServices, config: HeraldConfig, web: WebConsole) -> Router<AppRequestContext> {
    _ = HeraldMetrics.registry  // swift-metrics must be bootstrapped before the first metric is made
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: AuthenticationMiddleware(keys: services.keys, sessions: services.sessions))

    OperationsController<AppRequestContext>(database: services.database, migrator: Migrator()).addRoutes(to: router)
    router.get("api/openapi.json") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: web.assets.openAPI)))
    }

    let api = router.group("api", context: AuthenticatedContext.self)
    ContactController(contacts: services.contacts, fields: services.fields).addRoutes(to: api)
    ContactTransferController(database: services.database, contacts: services.contacts).addRoutes(to: api)
    JobController(database: services.database).addRoutes(to: api)
    OrderController(orders: services.orders, contacts: services.contacts, workspaces: services.workspaces).addRoutes(to: api)
    EventImportController(database: services.database, contacts: services.contacts).addRoutes(to: api)
    SettingsController(workspaces: services.workspaces, keys: services.keys, users: services.users).addRoutes(to: api)
    AttributionController(database: services.database).addRoutes(to: api)
    AccountController(services: services.messaging).addRoutes(to: api)
    TemplateController(services: services.messaging, contacts: services.contacts).addRoutes(to: api)
    MediaController(media: services.messaging.media, publicBaseURL: services.messaging.publicBaseURL).addRoutes(to: api)
    CampaignController(services: services.messaging, workspaces: services.workspaces).addRoutes(to: api)
    ABTestController(services: services.messaging).addRoutes(to: api)
    MessagingSettingsController(services: services.messaging).addRoutes(to: api)
    AlertController(services: services.alerting, alerts: services.messaging.alerts, publicBaseURL: services.messaging.publicBaseURL).addRoutes(to: api)
    SegmentController(segments: services.segments).addRoutes(to: api)
    AnalyticsController(store: AnalyticsStore(database: services.database)).addRoutes(to: api)
    JourneyController(journeys: JourneyStore(database: services.database)).addRoutes(to: api)
    RecipientController(recipients: RecipientStore(database: services.database)).addRoutes(to: api)
    ReportController(analytics: AnalyticsStore(database: services.database), reports: ReportStore(database: services.database)).addRoutes(to: api)
    UsageController(store: UsageStore(database: services.database)).addRoutes(to: api)
    CurrencyRateController(store: CurrencyRateStore(database: services.database)).addRoutes(to: api)
    IntegrationController(
        integrations: services.integrations, hosts: services.messaging.accounts.apiHosts, http: services.messaging.httpClient,
        publicBaseURL: services.messaging.publicBaseURL
    ).addRoutes(to: api)
    CRMController(database: services.database, contacts: services.contacts).addRoutes(to: api)
    ShopSyncController(integrations: services.integrations, syncs: ShopSyncStore(database: services.database)).addRoutes(to: api)

    WebhookController(database: services.database, secrets: WebhookSecrets(accounts: services.messaging.accounts)).addRoutes(to: router)
    ShopWebhookController(integrations: services.integrations).addRoutes(to: router)
    ClickController(database: services.database, web: web).addRoutes(to: router)
    PublicMediaController(media: services.messaging.media).addRoutes(to: router)

    web.addRoutes(to: router, services: services, secureCookies: config.sessionCookiesSecure)
    return router
}

/// Closes the database after everything that uses it has stopped.
struct DatabaseService: Service {
    let database: Database
    func run() async throws {
        try? await gracefulShutdown()
        await database.close()
    }
}

/// The whole server: HTTP, workers and database, under one service group with graceful shutdown.
/// `extraServices` are started with the server and may use its stores (the demo's simulator and campaign).
public func buildApplication(
    config: HeraldConfig, logger: Logger, extraServices: @Sendable (AppServices) -> [any Service] = { _ in [] }
) async throws -> some ApplicationProtocol {
    let web = try await WebConsole.load()
    let database = try await Database.open(config.databaseURL, logger: logger)
    let services = AppServices(database: database, config: config)
    let router = buildRouter(services: services, config: config, web: web)
    var background: [any Service] = [DatabaseService(database: database)]
    let schema = SchemaGate()
    if config.runWorkers {
        var workers: [any Service] = []
        workers.append(
            JobWorker(
                queue: services.jobs,
                handlers: [
                    ContactImportJob(database: database, contacts: services.contacts), CampaignStartJob(services: services.messaging),
                    ABTestWinnerJob(database: database),
                    ReportJob(database: database),
                    ShopSyncJob(
                        database: database, integrations: services.integrations, contacts: services.contacts, workspaces: services.workspaces,
                        http: services.messaging.httpClient, logger: logger.with(label: "shops")
                    ),
                ],
                logger: logger.with(label: "jobs")
            )
        )
        workers.append(SendWorker(services: services.messaging, jobs: services.jobs, logger: logger.with(label: "send")))
        workers.append(WebhookProcessor(services: services.messaging, logger: logger.with(label: "webhooks")))
        workers.append(
            ShopDeliveryProcessor(
                database: database, integrations: services.integrations, contacts: services.contacts, workspaces: services.workspaces,
                http: services.messaging.httpClient, logger: logger.with(label: "shops")
            )
        )
        workers.append(
            ShopCatchUpWorker(
                integrations: services.integrations, syncs: ShopSyncStore(database: database), interval: config.shopCatchUpSeconds,
                logger: logger.with(label: "shops")
            )
        )
        workers.append(
            ABTestWorker(
                database: database, store: ABTestStore(database: database, campaigns: services.messaging.campaigns),
                interval: config.abTestEvaluationSeconds, logger: logger.with(label: "ab-tests")
            )
        )
        workers.append(UsageMetricsWorker(store: UsageStore(database: database), logger: logger.with(label: "usage")))
        workers.append(AnalyticsWorker(database: database, logger: logger.with(label: "analytics")))
        workers.append(AlertWorker(services: services.alerting, publicBaseURL: config.publicBaseURL, logger: logger.with(label: "alerts")))
        workers.append(AudienceLogPruner(index: services.segments.index, logger: logger.with(label: "segments")))
        workers.append(AudienceIndexFollower(index: services.segments.index))
        workers.append(
            SegmentRefreshWorker(segments: services.segments, interval: config.segmentRefreshSeconds, logger: logger.with(label: "segments"))
        )
        background += workers.map { AfterSchema(gate: schema, service: $0) }
    }
    background.append(contentsOf: extraServices(services))
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "herald"),
        services: background,
        logger: logger
    )
    let migrateOnStart = config.migrateOnStart
    app.beforeServerStarts {
        if migrateOnStart {
            try await Migrator().migrate(database, logger: logger)
        } else {
            let migrator = Migrator()
            let current = try await migrator.currentVersion(database)
            if current > migrator.latestVersion { throw StorageError.schemaNewerThanBinary(database: current, binary: migrator.latestVersion) }
        }
        schema.open()
    }
    return app
}

extension Logger {
    func with(label: String) -> Logger {
        var copy = Logger(label: label, factory: { _ in self.handler })
        copy.logLevel = logLevel
        return copy
    }
}
