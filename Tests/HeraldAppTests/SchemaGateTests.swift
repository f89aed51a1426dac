import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import HeraldApp

/// Background workers wait for the migrations that `beforeServerStarts` runs.
@Suite("Workers start after the schema")
struct SchemaGateTests {
    final class Started: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.withLock { value } }
        func set() { lock.withLock { value = true } }
    }

    struct Probe: Service {
        let started: Started
        func run() async throws {
            started.set()
            try? await gracefulShutdown()
        }
    }

    @Test("a worker does not start before the gate opens, and starts once it does")
    func waitsForTheGate() async throws {
        let gate = SchemaGate()
        let started = Started()
        let group = ServiceGroup(services: [AfterSchema(gate: gate, service: Probe(started: started))], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(300))
            #expect(!started.isSet, "the schema is not ready yet")
            gate.open()
            let deadline = ContinuousClock.now + .seconds(10)
            while !started.isSet && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(started.isSet)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test("a server stopped before its migrations finish never starts the worker")
    func stopsWhileWaiting() async throws {
        let started = Started()
        let group = ServiceGroup(services: [AfterSchema(gate: SchemaGate(), service: Probe(started: started))], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(100))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(!started.isSet)
    }
}
