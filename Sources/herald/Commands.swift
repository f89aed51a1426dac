import ArgumentParser
import Foundation
import HeraldApp
import Storage

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP API, web console and background workers in one process.",
        discussion: "Migrates the database on start unless --no-migrate. SIGINT or SIGTERM stops it gracefully: in-flight requests finish first."
    )
    @OptionGroup var options: ConfigOptions
    @Flag(name: .customLong("no-migrate"), help: "Do not apply pending migrations on start (refuse to start if the schema is newer).")
    var noMigrate = false
    @Flag(name: .customLong("no-workers"), help: "Serve HTTP only; leave background jobs to other processes.")
    var noWorkers = false
    @Flag(name: .customLong("secure-cookies"), help: "Mark session cookies Secure (HERALD_SECURE_COOKIES=1); use when Herald is served over HTTPS.")
    var secureCookies = false

    func run() async throws {
        var config = try options.resolve()
        config.migrateOnStart = !noMigrate
        config.runWorkers = !noWorkers
        config.secureCookies = secureCookies || ProcessInfo.processInfo.environment["HERALD_SECURE_COOKIES"] == "1"
        let app = try await buildApplication(config: config, logger: Logging.logger(config))
        try await app.runService()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and exit.")
    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let config = try options.resolve()
        let logger = Logging.logger(config)
        let database = try await Database.open(config.databaseURL, logger: logger)
        defer { Task { await database.close() } }
        do {
            let applied = try await Migrator().migrate(database, logger: logger)
            let version = try await Migrator().currentVersion(database)
            print(applied.isEmpty ? "schema is current (version \(version))" : "applied \(applied.count) migration(s); schema is at version \(version)")
            await database.close()
        } catch {
            await database.close()
            FileHandle.standardError.write(Data("herald: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// Opens and migrates the database for one-shot commands.
func openMigrated(_ options: ConfigOptions) async throws -> (HeraldConfig, Database) {
    let config = try options.resolve()
    let logger = Logging.logger(config)
    let database = try await Database.open(config.databaseURL, logger: logger)
    do {
        try await Migrator().migrate(database, logger: logger)
    } catch {
        await database.close()
        FileHandle.standardError.write(Data("herald: \(error)\n".utf8))
        throw ExitCode.failure
    }
    return (config, database)
}

struct WorkspaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "workspace", abstract: "Manage workspaces.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a workspace and print its first API key (shown once, as the last word of the last line)."
        )
        @Argument(help: "The workspace's name.") var name: String
        @Option(name: .customLong("time-zone"), help: "IANA time zone, e.g. Europe/Berlin.") var timeZone = "UTC"
        @Option(help: "ISO 4217 currency code.") var currency = "USD"
        @Option(name: .customLong("default-country"), help: "Country for phone numbers written without a country code, e.g. DE.")
        var defaultCountry: String?
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let (_, database) = try await openMigrated(options)
            do {
                let (workspace, key) = try await WorkspaceStore(database: database).create(
                    name: name, timeZone: timeZone, currency: currency, defaultCountry: defaultCountry
                )
                await database.close()
                print("created workspace \(workspace.name) (\(workspace.id.uuidString.lowercased()))")
                print("API key (store it now, it is not shown again): \(key)")
            } catch let error as APIError {
                await database.close()
                FileHandle.standardError.write(Data("herald: \(error.message)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage console users.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a console user. The password is asked for on a terminal, or read as one line from standard input."
        )
        @Option(help: "Name of the user's workspace.") var workspace: String
        @Option(help: "The user's email, used to sign in.") var email: String
        @Option(help: "owner, admin, member or viewer.") var role: String = "owner"
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            guard let parsedRole = Role(rawValue: role) else { throw ValidationError("--role must be owner, admin, member or viewer") }
            let password: String
            if isatty(STDIN_FILENO) == 1 {
                guard let typed = getpass("Password for \(email): ") else { throw ExitCode.failure }
                password = String(cString: typed)
            } else {
                password = readLine(strippingNewline: true) ?? ""
            }
            let (_, database) = try await openMigrated(options)
            do {
                guard let found = try await WorkspaceStore(database: database).find(name: workspace) else {
                    throw APIError.notFound("workspace '\(workspace)'")
                }
                let user = try await UserStore(database: database).create(workspaceID: found.id, email: email, password: password, role: parsedRole)
                await database.close()
                print("created \(user.role.rawValue) \(user.email) in workspace \(found.name)")
            } catch let error as APIError {
                await database.close()
                FileHandle.standardError.write(Data("herald: \(error.message)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}
