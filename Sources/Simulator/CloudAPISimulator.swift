import Hummingbird
import Logging
import ServiceLifecycle

/// A stand-alone fake of the WhatsApp Cloud API.
///
/// Serves Meta's Graph paths on its own port, decides every message's outcome deterministically
/// from the seed, and sends signed webhooks back. ``makeApplication()`` returns a Hummingbird
/// application whose service group also runs the webhook dispatcher, so running the application
/// (alone, or as one service of a larger `ServiceGroup`) runs everything.
public final class CloudAPISimulator: Sendable {
    public let config: SimulatorConfig
    let state: SimulatorState
    let logger: Logger

    public init(config: SimulatorConfig, logger: Logger) {
        self.config = config
        self.state = SimulatorState(config: config)
        self.logger = logger
    }

    /// The HTTP server plus, as a service of the application, the webhook dispatcher.
    public func makeApplication() -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        ControlRoutes(state: state).add(to: router)
        GraphRoutes(state: state).add(to: router)
        return Application(
            router: router,
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: "herald-simulator"),
            services: [WebhookDispatcher(state: state, config: config, logger: logger)],
            logger: logger
        )
    }

    /// Runs the application until cancelled or until SIGINT/SIGTERM.
    public func run() async throws {
        try await makeApplication().runService()
    }

    /// Adds or replaces (by name and language) a template, with its status as given.
    public func addTemplate(_ template: SimulatedTemplate) async {
        await state.addTemplate(template)
    }

    /// Replaces the behaviour of templates that have none of their own.
    public func setBehaviour(_ behaviour: TemplateBehaviour) async {
        await state.setBehaviour(behaviour)
    }

    /// A user writes to the business: a `messages` webhook, and the 24 h window for texts opens.
    /// Returns the inbound message's wamid.
    @discardableResult
    public func receive(from phone: String, text: String, name: String? = nil) async -> String {
        await state.receive(from: .phone(SimulatorState.phoneDigits(phone) ?? phone), text: text, name: name)
    }

    /// A user known by BSUID writes to the business (no phone in the webhook unless Meta may share it).
    @discardableResult
    public func receive(fromUserID bsuid: String, text: String, username: String? = nil) async -> String {
        await state.receive(from: .bsuid(bsuid), text: text, username: username)
    }

    /// The user at `phone` changes number to `newPhone` (a new BSUID comes with it), or with `nil` only their
    /// BSUID changes: a `user_changed_number` or `user_changed_user_id` system message. Returns its id.
    @discardableResult
    public func changeNumber(phone: String, to newPhone: String?) async -> String {
        await state.changeNumber(of: .phone(SimulatorState.phoneDigits(phone) ?? phone), to: newPhone.map { SimulatorState.phoneDigits($0) ?? $0 })
    }

    /// Sets a template's status (`PAUSED`, `DISABLED`, `APPROVED`, …) and sends the
    /// `message_template_status_update` webhook. Returns `false` if there is no such template.
    @discardableResult
    public func changeTemplateStatus(name: String, language: String = "en_US", to event: String, reason: String? = nil) async -> Bool {
        await state.changeTemplateStatus(name: name, language: language, event: event, reason: reason)
    }

    /// The user at this phone number (digits, `+` allowed) as webhooks will show them: BSUID, username, name.
    public func user(phone: String) async -> SimulatedUser {
        await state.user(phone: SimulatorState.phoneDigits(phone) ?? phone)
    }

    public func groundTruth() async -> GroundTruth {
        await state.groundTruth()
    }

    /// Clears counters, scheduled events, conversation windows and per-recipient ordinals.
    /// Templates and the behaviour stay.
    public func reset() async {
        await state.reset()
    }
}
