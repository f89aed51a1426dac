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
            await PostgresSlots.shared.acquire()
            let base = try DatabaseURL(parsing: ProcessInfo.processInfo.environment["HERALD_TEST_POSTGRES_URL"]!)
            guard case .postgres(let host, let port, let user, let password, _, let tls) = base else { fatalError("not a postgres URL") }
            let name = "herald_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
            let admin: Database
            do {
                admin = try await Database.open(base, logger: logger, maxConnections: 1)
                try await admin.read { sql in try await sql.raw("CREATE DATABASE \(ident: String(name))").run() }
            } catch {
                await PostgresSlots.shared.release()
                throw error
            }
            return TestDatabase(url: .postgres(host: host, port: port, username: user, password: password, database: String(name), tls: tls)) {
                try? await admin.read { sql in try await sql.raw("DROP DATABASE IF EXISTS \(ident: String(name)) WITH (FORCE)").run() }
                await admin.close()
                await PostgresSlots.shared.release()
            }
        }
    }

    /// Makes a database for `body`, which opens it itself, and always cleans up.
    public static func using<R>(_ engine: Engine, _ body: (TestDatabase) async throws -> R) async throws -> R {
        let test = try await make(engine)
        do {
            let result = try await body(test)
            await test.cleanup()
            return result
        } catch {
            await test.cleanup()
            throw error
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

/// How many PostgreSQL test databases exist at once. Swift Testing starts every test together, and each
/// PostgreSQL test holds an admin connection, its own pool and sometimes a whole server's: unbounded, a
/// full run asked for more connections than the server allows and connection creation failed for dozens
/// of tests at once. The others wait for a slot; SQLite tests are not limited.
/// `HERALD_TEST_POSTGRES_PARALLEL` overrides the default of 8.
actor PostgresSlots {
    static let shared = PostgresSlots(limit: ProcessInfo.processInfo.environment["HERALD_TEST_POSTGRES_PARALLEL"].flatMap { Int($0) }.map { max(1, $0) } ?? 8)

    private let limit: Int
    private var inUse = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = limit }

    func acquire() async {
        if inUse < limit {
            inUse += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the slot to the longest waiter, or frees it.
    func release() {
        if waiting.isEmpty {
            inUse -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
