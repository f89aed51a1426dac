import Foundation
import Logging
import SQLKit
import Storage
import Testing

/// The engines a test runs on: SQLite always; PostgreSQL when `HERALD_TEST_POSTGRES_URL` names a server.
public enum Engine: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    public var testDescription: String { rawValue }

    public static var available: [Engine] {
        ProcessInfo.processInfo.environment["HERALD_TEST_POSTGRES_URL"].map { $0.isEmpty ? [.sqlite] : [.sqlite, .postgres] } ?? [.sqlite]
    }
}

/// Shared by the database test targets.
/// A fresh, empty database for one test: a temporary SQLite file, or a new PostgreSQL database.
public struct TestDatabase: Sendable {
    public let url: DatabaseURL
    public let cleanup: @Sendable () async -> Void

    public static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()

    public static func make(_ engine: Engine) async throws -> TestDatabase {
        switch engine {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            return TestDatabase(url: .sqlite(path: folder.appendingPathComponent("herald.sqlite").path)) {
                try? FileManager.default.removeItem(at: folder)
            }
        case .postgres:
            let base = try DatabaseURL(parsing: ProcessInfo.processInfo.environment["HERALD_TEST_POSTGRES_URL"]!)
            guard case .postgres(let host, let port, let user, let password, _, let tls) = base else { fatalError("not a postgres URL") }
            let name = "herald_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
            let admin = try await Database.open(base, logger: logger, maxConnections: 1)
            try await admin.read { sql in try await sql.raw("CREATE DATABASE \(ident: String(name))").run() }
            return TestDatabase(url: .postgres(host: host, port: port, username: user, password: password, database: String(name), tls: tls)) {
                try? await admin.read { sql in try await sql.raw("DROP DATABASE IF EXISTS \(ident: String(name)) WITH (FORCE)").run() }
                await admin.close()
            }
        }
    }

    /// Opens, migrates, runs `body`, and always cleans up.
    public static func with<R>(_ engine: Engine, migrate: Bool = true, _ body: (Database) async throws -> R) async throws -> R {
        let test = try await make(engine)
        let database = try await Database.open(test.url, logger: logger, maxConnections: 4)
        do {
            if migrate { try await Migrator().migrate(database, logger: logger) }
            let result = try await body(database)
            await database.close()
            await test.cleanup()
            return result
        } catch {
            await database.close()
            await test.cleanup()
            throw error
        }
    }
}
