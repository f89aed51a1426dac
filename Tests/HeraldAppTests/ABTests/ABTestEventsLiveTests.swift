import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Testing

@testable import HeraldApp

/// The stream over a real socket: what `.router` tests cannot show (design section 7's unverified points).
@Suite("A/B test live results over a socket")
struct ABTestEventsLiveTests {
    @Test(
        "each event reaches the viewer at once, a viewer who leaves ends the stream, and shutdown ends an open stream in seconds",
        arguments: Engine.available
    )
    func socket(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let id = try await ABTestEventsTests.createTest(app)
            let log = CapturedLog()
            let port = try LiveStack.freePort()
            var config = HeraldConfig(databaseURL: .sqlite(path: ""), dataDirectory: "", port: port, secretKey: .random())
            config.runWorkers = false
            let server = Application(
                router: buildRouter(services: app.services, config: config, web: try await WebConsole.load()),
                configuration: .init(address: .hostname("127.0.0.1", port: port)),
                logger: log.logger
            )
            let group = ServiceGroup(services: [server], logger: TestDatabase.logger)
            let url = "http://127.0.0.1:\(port)/api/ab-tests/\(id)/results/events"
            // Short keep-alives, so a viewer who left is noticed at the next one; the 60 s cap stays.
            let timing = LiveFeed.Timing(checkEvery: .milliseconds(100), keepAliveAfter: .milliseconds(300))
            try await ABTestController.$liveTiming.withValue(timing) {
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    try await Self.waitUntilReady(port: port)

                    // 1. The first event arrives while the stream stays open: writes are not held back until the end.
                    let leaving = Task { try await Self.watch(url, key: app.key, untilEvents: 1_000) }
                    try await Self.waitFor("the first event of the viewer who leaves", in: log, seconds: 10) { _ in
                        await Self.firstEventSeen.value(for: url)
                    }
                    // 2. The viewer leaves: the next keep-alive's write fails and the loop ends.
                    leaving.cancel()
                    _ = await leaving.result
                    try await Self.waitFor("the loop to notice the viewer left", in: log, seconds: 10) { $0.contains("reason=client_gone") }

                    // 3. Shutdown with a stream open ends the stream and the server within seconds, not at the 60 s cap.
                    let second = url + "?viewer=2"
                    let staying = Task { try await Self.watch(second, key: app.key, untilEvents: 1_000) }
                    try await Self.waitFor("the second viewer's first event", in: log, seconds: 10) { _ in
                        await Self.firstEventSeen.value(for: second)
                    }
                    let shutdown = ContinuousClock.now
                    await group.triggerGracefulShutdown()
                    try await tasks.next()
                    let took = ContinuousClock.now - shutdown
                    #expect(took < .seconds(5), "shutdown took \(took)")
                    let events = try await staying.value
                    #expect(events >= 1, "the stream ended cleanly after its events")
                    #expect(log.text.contains("reason=stopped"), "\(log.text)")
                }
            }
        }
    }

    /// URLs whose stream has delivered its first event, so the test can wait for it without holding the reader.
    static let firstEventSeen = SeenStreams()

    actor SeenStreams {
        private var seen: [String] = []
        func add(_ url: String) { seen.append(url) }
        func value(for url: String) -> Bool { seen.contains(url) }
    }

    /// Reads the stream as a browser would, counting `results` events, until it ends or `untilEvents` arrived.
    static func watch(_ url: String, key: String, untilEvents: Int) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(90))
        #expect(response.status == .ok)
        var text = ""
        var events = 0
        for try await chunk in response.body {
            text += String(buffer: chunk)
            let now = text.components(separatedBy: "\n\n").filter { $0.contains("event: results") }.count
            if now > events, events == 0 { await firstEventSeen.add(url) }
            events = now
            if events >= untilEvents { break }
        }
        return events
    }

    static func waitUntilReady(port: Int) async throws {
        for _ in 0..<100 {
            let ready = try? await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(2))
            if ready?.status == .ok { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the server did not start")
    }

    static func waitFor(_ what: String, in log: CapturedLog, seconds: Int, _ done: (String) async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if await done(log.text) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("waited \(seconds) s for \(what); log:\n\(log.text)")
        throw CancellationError()
    }
}
