import Foundation
import Logging
import Storage

/// Everything `herald serve` needs to start, read from flags and `HERALD_*` environment variables.
public struct HeraldConfig: Sendable {
    public var databaseURL: DatabaseURL
    public var dataDirectory: String
    public var host: String
    public var port: Int
    public var logLevel: Logger.Level
    public var logFormat: LogFormat
    /// 32-byte key that encrypts stored secrets.
    public var secretKey: SecretKey
    /// Run pending migrations when the server starts.
    public var migrateOnStart: Bool = true
    /// Start the background job workers in this process.
    public var runWorkers: Bool = true
    /// Mark session cookies `Secure` (set when Herald is served over TLS, directly or behind a proxy).
    public var secureCookies: Bool = false
    /// The address people and Meta reach this server at: click links, media links and the webhook URL.
    public var publicURL: String?
    /// How long a message whose send was interrupted (crash) waits for a status webhook before it is sent again.
    public var sendInDoubtSeconds: Double = 600
    /// How often the background refresh re-evaluates each dynamic segment, in seconds.
    public var segmentRefreshSeconds: Double = 300
    /// How often a running A/B test is evaluated, in seconds (design section 5).
    public var abTestEvaluationSeconds: Double = 60
    /// How often each WooCommerce connection catches up on orders its webhooks may have missed (`HERALD_SHOP_CATCHUP_SECONDS`).
    public var shopCatchUpSeconds: Double = 900
    /// The in-memory audience index (`HERALD_AUDIENCE_INDEX` on or off, `HERALD_AUDIENCE_INDEX_MEMORY_MB`).
    public var audienceIndex = AudienceIndexService.Settings()
    /// Performance alerts: evaluation interval, grace, retry delay of outgoing webhooks, plain-http webhooks (section 7).
    public var alerts = AlertSettings()
    /// How often the dynamic parts of sending (scheduler, recovery) look for work, in seconds.
    public var sendPollSeconds: Double = 0.25
    /// Where accounts' access tokens may be sent: Meta, and hosts from `HERALD_ALLOWED_API_HOSTS` (a simulator, a proxy).
    public var allowedAPIHosts: CloudAPIHosts = .metaOnly
    /// How long a segment preview or campaign pre-flight may query before it is stopped with a 503.
    public var queryTimeLimit: Duration = .seconds(10)

    /// Session cookies are `Secure` when asked for, or when the public URL is https: people then reach Herald over TLS.
    public var sessionCookiesSecure: Bool { secureCookies || publicURL?.lowercased().hasPrefix("https://") == true }

    /// Base of public links, without a trailing slash.
    public var publicBaseURL: String {
        if let publicURL, !publicURL.isEmpty { return publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL }
        return "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
    }

    public init(
        databaseURL: DatabaseURL, dataDirectory: String, host: String = "127.0.0.1", port: Int = 8080,
        logLevel: Logger.Level = .info, logFormat: LogFormat = .text, secretKey: SecretKey
    ) {
        self.databaseURL = databaseURL
        self.dataDirectory = dataDirectory
        self.host = host
        self.port = port
        self.logLevel = logLevel
        self.logFormat = logFormat
        self.secretKey = secretKey
    }

    public enum LogFormat: String, Sendable, CaseIterable { case text, json }
}

/// A setting that stops start-up; its description is the one line the operator sees.
public struct ConfigError: Error, CustomStringConvertible {
    public let setting: String
    public let problem: String
    public init(_ setting: String, _ problem: String) {
        self.setting = setting
        self.problem = problem
    }
    public var description: String { "configuration error: \(setting) \(problem)" }
}

extension HeraldConfig {
    /// Resolves raw setting values (flag first, then environment, then default) into a checked config.
    public static func resolve(
        databaseURL: String?, dataDirectory: String?, host: String?, port: String?, logLevel: String?,
        logFormat: String?, secretKey: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> HeraldConfig {
        func value(_ flag: String?, _ name: String) -> String? {
            if let flag, !flag.isEmpty { return flag }
            if let env = environment[name], !env.isEmpty { return env }
            return nil
        }
        let dataDir = value(dataDirectory, "HERALD_DATA_DIR") ?? "./herald-data"
        let urlText = value(databaseURL, "HERALD_DATABASE_URL") ?? "sqlite://\(dataDir)/herald.sqlite"
        let url: DatabaseURL
        do { url = try DatabaseURL(parsing: urlText) } catch { throw ConfigError("HERALD_DATABASE_URL", "is malformed: \(error)") }
        let portText = value(port, "HERALD_PORT") ?? "8080"
        guard let portNumber = Int(portText), (0...65535).contains(portNumber) else {
            throw ConfigError("HERALD_PORT", "must be a number from 0 to 65535, got '\(portText)'")
        }
        let levelText = value(logLevel, "HERALD_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelText.lowercased()) else {
            throw ConfigError("HERALD_LOG_LEVEL", "must be one of trace, debug, info, notice, warning, error, critical; got '\(levelText)'")
        }
        let formatText = value(logFormat, "HERALD_LOG_FORMAT") ?? "text"
        guard let format = LogFormat(rawValue: formatText.lowercased()) else {
            throw ConfigError("HERALD_LOG_FORMAT", "must be text or json, got '\(formatText)'")
        }
        let key: SecretKey
        if let keyText = value(secretKey, "HERALD_SECRET_KEY") {
            guard let parsed = SecretKey(base64: keyText) else {
                throw ConfigError("HERALD_SECRET_KEY", "must be 32 bytes in base64 (openssl rand -base64 32)")
            }
            key = parsed
        } else {
            // Its errors name the key file and say what to do.
            key = try SecretKey.loadOrCreate(in: dataDir)
        }
        var config = HeraldConfig(
            databaseURL: url, dataDirectory: dataDir, host: value(host, "HERALD_HOST") ?? "127.0.0.1",
            port: portNumber, logLevel: level, logFormat: format, secretKey: key
        )
        if let publicURL = value(nil, "HERALD_PUBLIC_URL") {
            guard let parsed = URL(string: publicURL), parsed.scheme == "http" || parsed.scheme == "https", parsed.host != nil else {
                throw ConfigError("HERALD_PUBLIC_URL", "must be an http(s) URL such as https://herald.example.com, got '\(publicURL)'")
            }
            config.publicURL = publicURL
        }
        if let text = value(nil, "HERALD_SEND_IN_DOUBT_SECONDS") {
            guard let seconds = Double(text), seconds >= 1 else {
                throw ConfigError("HERALD_SEND_IN_DOUBT_SECONDS", "must be a number of seconds of at least 1, got '\(text)'")
            }
            config.sendInDoubtSeconds = seconds
        }
        if let text = value(nil, "HERALD_ALLOWED_API_HOSTS") {
            do { config.allowedAPIHosts = try CloudAPIHosts(parsing: text) } catch {
                throw ConfigError("HERALD_ALLOWED_API_HOSTS", "must list host or host:port, comma-separated (e.g. 127.0.0.1:9090); got '\(error.entry)'")
            }
        }
        if let text = value(nil, "HERALD_SEGMENT_REFRESH_SECONDS") {
            guard let seconds = Double(text), seconds >= 1 else {
                throw ConfigError("HERALD_SEGMENT_REFRESH_SECONDS", "must be a number of seconds of at least 1, got '\(text)'")
            }
            config.segmentRefreshSeconds = seconds
        }
        if let text = value(nil, "HERALD_AB_TEST_EVALUATION_SECONDS") {
            guard let seconds = Double(text), seconds >= 0.1, seconds <= 3600 else {
                throw ConfigError("HERALD_AB_TEST_EVALUATION_SECONDS", "must be a number of seconds from 0.1 to 3600, got '\(text)'")
            }
            config.abTestEvaluationSeconds = seconds
        }
        if let text = value(nil, "HERALD_SHOP_CATCHUP_SECONDS") {
            guard let seconds = Double(text), seconds >= 10, seconds <= 86400 else {
                throw ConfigError("HERALD_SHOP_CATCHUP_SECONDS", "must be a number of seconds from 10 to 86400, got '\(text)'")
            }
            config.shopCatchUpSeconds = seconds
        }
        if let text = value(nil, "HERALD_AUDIENCE_INDEX") {
            guard let enabled = AudienceIndexService.Settings.isOn(text) else {
                throw ConfigError("HERALD_AUDIENCE_INDEX", "must be on or off, got '\(text)'")
            }
            config.audienceIndex.enabled = enabled
        }
        if let text = value(nil, "HERALD_AUDIENCE_INDEX_MEMORY_MB") {
            guard let megabytes = Int(text), megabytes >= 1, megabytes <= 1_048_576 else {
                throw ConfigError("HERALD_AUDIENCE_INDEX_MEMORY_MB", "must be a whole number of megabytes from 1 to 1048576, got '\(text)'")
            }
            config.audienceIndex.memoryBudgetBytes = megabytes << 20
        }
        try resolveAlerts(&config, value: { value(nil, $0) })
        if let text = value(nil, "HERALD_QUERY_TIME_LIMIT_SECONDS") {
            guard let seconds = Double(text), seconds > 0, seconds <= 3600 else {
                throw ConfigError("HERALD_QUERY_TIME_LIMIT_SECONDS", "must be a number of seconds above 0 and at most 3600, got '\(text)'")
            }
            config.queryTimeLimit = .milliseconds(Int(seconds * 1000))
        }
        return config
    }
}
