import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import SQLKit
import Storage
import Testing

@testable import HeraldApp

/// Keeps every line logged through it, with its metadata, for a test to read.
final class CapturedLog: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])
    var text: String { lines.withLockedValue { $0.joined(separator: "\n") } }

    var logger: Logger {
        var logger = Logger(label: "captured") { _ in Handler(log: self) }
        logger.logLevel = .debug
        return logger
    }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            log.lines.withLockedValue {
                $0.append("\(event.level) \(event.message) \(all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
            }
        }
    }
}

@Suite("Logs without personal data")
struct ErrorLoggingTests {
    static let phone = "+4915112345678"

    /// Inserts the same phone twice in one workspace: a unique violation whose query binds the phone.
    static func duplicatePhone(_ sql: any SQLDatabase, workspace: UUID) async throws {
        for _ in 0..<2 {
            try await sql.raw(
                """
                INSERT INTO contacts (id, workspace_id, phone, tags, attributes, created_at, updated_at)
                VALUES (\(bind: UUID()), \(bind: workspace), \(bind: Self.phone), '[]', '{}', \(bind: Date()), \(bind: Date()))
                """
            ).run()
        }
    }

    @Test("a failed query's error names its SQLSTATE, not the values bound to it", arguments: Engine.available)
    func databaseError(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            let (workspace, _) = try await WorkspaceStore(database: database).create(name: "Logs")
            do {
                try await database.transaction { sql in try await Self.duplicatePhone(sql, workspace: workspace.id) }
                Issue.record("the second insert should fail")
            } catch {
                for text in [String(reflecting: error), String(describing: error), "\(error)"] {
                    #expect(!text.contains("4915112345678"), "\(text)")
                    if engine == .postgres { #expect(text.contains("23505"), "\(text)") }
                }
            }
        }
    }

    @Test("an unexpected database error is logged with its code and message only", arguments: Engine.available)
    func middlewareLog(engine: Engine) async throws {
        try await TestDatabase.with(engine) { database in
            let (workspace, _) = try await WorkspaceStore(database: database).create(name: "Logs")
            let log = CapturedLog()
            let router = Router(context: AppRequestContext.self)
            router.add(middleware: ErrorMiddleware())
            router.post("boom") { _, _ -> HTTPResponse.Status in
                try await database.transaction { sql in try await Self.duplicatePhone(sql, workspace: workspace.id) }
                return .ok
            }
            try await Application(router: router, logger: log.logger).test(.router) { client in
                let response = try await client.executeRequest(uri: "/boom", method: .post, headers: [:], body: nil)
                #expect(response.status == .internalServerError)
                #expect(!String(buffer: response.body).contains("4915112345678"))
            }
            #expect(log.text.contains("unexpected error"), "\(log.text)")
            #expect(!log.text.contains("4915112345678"), "\(log.text)")
            if engine == .postgres { #expect(log.text.contains("SQLSTATE 23505"), "\(log.text)") }
        }
    }
}
