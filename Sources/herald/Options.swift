import ArgumentParser
import Foundation
import HeraldApp
import Logging

/// Settings shared by every command that touches the database.
struct ConfigOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "Database URL (HERALD_DATABASE_URL): sqlite://PATH or postgres://USER:PASS@HOST:PORT/DB. Default: sqlite://<data dir>/herald.sqlite.")
    var databaseURL: String?
    @Option(name: .customLong("data-dir"), help: "Data folder (HERALD_DATA_DIR). Default: ./herald-data.")
    var dataDirectory: String?
    @Option(help: "Address to listen on (HERALD_HOST). Default: 127.0.0.1.")
    var host: String?
    @Option(help: "Port to listen on (HERALD_PORT). Default: 8080.")
    var port: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (HERALD_LOG_LEVEL). Default: info.")
    var logLevel: String?
    @Option(name: .customLong("log-format"), help: "text or json (HERALD_LOG_FORMAT). Default: text.")
    var logFormat: String?
    @Option(name: .customLong("secret-key"), help: "Base64 of 32 bytes that encrypts stored secrets (HERALD_SECRET_KEY). Default: generated into <data dir>/secret.key on first run.")
    var secretKey: String?

    /// Resolves the configuration; a bad setting ends the process with one line naming it.
    func resolve() throws -> HeraldConfig {
        do {
            let config = try HeraldConfig.resolve(
                databaseURL: databaseURL, dataDirectory: dataDirectory, host: host, port: port, logLevel: logLevel, logFormat: logFormat,
                secretKey: secretKey
            )
            Logging.bootstrapOnce(level: config.logLevel, format: config.logFormat)
            return config
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("herald: \(error.description)\n".utf8))
            throw ExitCode(78)
        }
    }
}

enum Logging {
    nonisolated(unsafe) private static var done = false
    static func bootstrapOnce(level: Logger.Level, format: HeraldConfig.LogFormat) {
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    static func logger(_ config: HeraldConfig, label: String = "herald") -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = config.logLevel
        return logger
    }
}
