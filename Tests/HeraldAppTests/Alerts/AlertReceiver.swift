import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore

/// A webhook receiver on a random local port: records every request and answers with scripted statuses (then 200).
actor AlertReceiver {
    struct Received: Sendable {
        var delivery: String?
        var signature: String?
        var body: Data
    }
    private(set) var received: [Received] = []
    private var script: [Int] = []

    func answer(_ statuses: [Int]) { script = statuses }

    func record(_ request: Received) -> Int {
        received.append(request)
        return script.isEmpty ? 200 : script.removeFirst()
    }

    /// Runs a live receiver for the duration of `body`, which gets its URL.
    static func run(_ receiver: AlertReceiver, _ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("hook") { request, context -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let status = await receiver.record(
                Received(
                    delivery: request.headers[HTTPField.Name("X-Herald-Delivery")!], signature: request.headers[HTTPField.Name("X-Herald-Signature")!],
                    body: Data(buffer: bytes)
                )
            )
            return Response(status: HTTPResponse.Status(code: status))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)/hook")
        }
    }

    /// Polls until `count` requests arrived (or a few seconds passed).
    func waitFor(_ count: Int, seconds: Double = 10) async -> [Received] {
        let deadline = Date().addingTimeInterval(seconds)
        while received.count < count && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        return received
    }
}
