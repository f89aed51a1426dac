import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Simulator

/// Opt-in load check (set SIMULATOR_BENCH=1): sends over real sockets and prints the rates.
@Suite("load", .enabled(if: ProcessInfo.processInfo.environment["SIMULATOR_BENCH"] != nil))
struct ThroughputBenchmark {
    @Test("the simulator sustains about 1,000 sends/s in and delivers every status out")
    func load() async throws {
        let count = Int(ProcessInfo.processInfo.environment["SIMULATOR_BENCH_COUNT"] ?? "") ?? 5_000
        let inbox = WebhookInbox()
        try await inbox.run { base in
            var config = Fixture.config(webhookURL: base + "/webhook", throughput: 1_000_000, behaviour: .perfect)
            config.batchWindow = 0.05
            config.batchSize = 100
            config.timeScale = 0.01
            let simulator = await Fixture.simulator(config)
            try await simulator.makeApplication().test(.live) { client in
                let port = try #require(client.port)
                let http = HTTPClient(eventLoopGroupProvider: .singleton)
                let started = ContinuousClock.now
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<32 {
                        group.addTask {
                            for index in stride(from: worker, to: count, by: 32) {
                                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(Fixture.messagesURI)")
                                request.method = .POST
                                request.headers.add(name: "Authorization", value: "Bearer sim-token")
                                request.headers.add(name: "Content-Type", value: "application/json")
                                request.body = .bytes(Fixture.promoMessage(to: "4477\(1_000_000 + index)"))
                                let response = try await http.execute(request, timeout: .seconds(30))
                                _ = try await response.body.collect(upTo: 1 << 16)
                                #expect(response.status == .ok)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let sendTime = ContinuousClock.now - started
                let truth = try await waitUntilSettled(simulator, timeout: .seconds(120))
                let total = ContinuousClock.now - started
                try await http.shutdown()
                let statuses = await inbox.received().statuses.count
                print(
                    "load: \(count) sends in \(sendTime) (\(Double(count) / sendTime.seconds)/s); \(statuses) statuses delivered by \(total) in \(truth.webhookPostsDelivered) POSTs"
                )
                #expect(statuses == count * 3)
            }
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
