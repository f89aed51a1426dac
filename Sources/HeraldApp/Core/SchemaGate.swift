import Foundation
import ServiceLifecycle

/// Opens once the server has migrated the database (or checked its version). Background workers start in the same
/// service group as the HTTP server, before `beforeServerStarts` has run the migrations: on a new database each
/// logged "no such table" until the schema existed.
final class SchemaGate: @unchecked Sendable {
    private let lock = NSLock()
    private var opened = false

    var isOpen: Bool { lock.withLock { opened } }
    func open() { lock.withLock { opened = true } }
}

/// A background service that starts only when its ``SchemaGate`` opens, and not at all if the server stops first.
struct AfterSchema: Service {
    let gate: SchemaGate
    let service: any Service

    func run() async throws {
        // Migrations take milliseconds to seconds; polling keeps the wait cancellable and free of lost wake-ups.
        await cancelWhenGracefulShutdown {
            while !gate.isOpen && !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
        }
        guard gate.isOpen, !Task.isCancelled, !Task.isShuttingDownGracefully else { return }
        try await service.run()
    }
}
