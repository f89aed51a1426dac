import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import HeraldApp

@Suite("Demo shop")
struct DemoShopTests {
    @Test("the demo shop's driver, done with its orders, waits for shutdown instead of ending the demo")
    func driverWaitsForShutdown() async throws {
        try await TestDatabase.with(.sqlite) { database in
            var driver = DemoShopDriver(
                shop: DemoShop(port: 9, webhookSecret: "s"), database: database, workspaceID: UUID(), heraldURL: "http://127.0.0.1:9",
                logger: TestDatabase.logger)
            driver.count = 1
            driver.interval = .milliseconds(10)
            driver.startDelay = .zero
            let group = ServiceGroup(services: [driver], gracefulShutdownSignals: [], cancellationSignals: [], logger: TestDatabase.logger)
            let ended = Flag()
            let running = Task {
                try await group.run()
                await ended.set()
            }
            try await Task.sleep(for: .milliseconds(500))
            #expect(await ended.value == false, "a service that returns would have ended the group (and the demo)")
            await group.triggerGracefulShutdown()
            try await running.value
            #expect(await ended.value)
        }
    }
}

actor Flag {
    private(set) var value = false
    func set() { value = true }
}
