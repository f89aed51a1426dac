import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A stand-in for Herald: a live HTTP server recording webhook POSTs and click-link GETs.
final class WebhookInbox: Sendable {
    struct Post: Sendable {
        var body: Data
        var signature: String?
        var contentType: String?
    }

    actor Store {
        var posts: [Post] = []
        var clicks: [String] = []
        var landings = 0
        var failuresLeft: Int

        init(failFirst: Int) { failuresLeft = failFirst }

        /// Records the POST; answers `false` (→ 500) while failures are left.
        func record(_ post: Post) -> Bool {
            if failuresLeft > 0 {
                failuresLeft -= 1
                return false
            }
            posts.append(post)
            return true
        }
        func click(_ token: String) { clicks.append(token) }
        func land() { landings += 1 }
    }

    let store: Store

    init(failFirst: Int = 0) {
        store = Store(failFirst: failFirst)
    }

    /// Runs the inbox on a free port while `body` runs; `body` gets the base URL, e.g. `http://127.0.0.1:12345`.
    func run<T: Sendable>(_ body: @escaping @Sendable (_ baseURL: String) async throws -> T) async throws -> T {
        let router = Router()
        let store = self.store
        router.post("webhook") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 10 << 20)
            let post = Post(
                body: Data(bytes.readableBytesView),
                signature: request.headers[.init("X-Hub-Signature-256")!],
                contentType: request.headers[.contentType]
            )
            return Response(status: await store.record(post) ? .ok : .internalServerError)
        }
        router.get("c/:token") { _, context -> Response in
            await store.click(context.parameters.get("token") ?? "")
            return Response(status: .found, headers: [.location: "/landing"])
        }
        router.get("landing") { _, _ -> Response in
            await store.land()
            return Response(status: .ok)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }

    /// What has arrived so far, parsed.
    func received() async -> Received {
        Received(posts: await store.posts)
    }

    /// Polls until `pick` finds something in what has arrived.
    func waitFor<T>(timeout: Duration = .seconds(10), _ pick: (Received) -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let found = pick(await received()) { return found }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw InboxTimeout()
    }

    struct InboxTimeout: Error {}
}

/// Webhook POSTs parsed into Meta's parts.
struct Received {
    var posts: [WebhookInbox.Post]

    private var changes: [(field: String, value: [String: Any])] {
        posts.flatMap { post -> [(field: String, value: [String: Any])] in
            let json = (try? JSONSerialization.jsonObject(with: post.body)) as? [String: Any]
            let entries = json?["entry"] as? [[String: Any]] ?? []
            return entries.flatMap { ($0["changes"] as? [[String: Any]]) ?? [] }.compactMap { change in
                guard let field = change["field"] as? String, let value = change["value"] as? [String: Any] else { return nil }
                return (field, value)
            }
        }
    }

    var statuses: [[String: Any]] {
        changes.filter { $0.field == "messages" }.flatMap { ($0.value["statuses"] as? [[String: Any]]) ?? [] }
    }

    var messages: [[String: Any]] {
        changes.filter { $0.field == "messages" }.flatMap { ($0.value["messages"] as? [[String: Any]]) ?? [] }
    }

    var templateUpdates: [[String: Any]] {
        changes.filter { $0.field == "message_template_status_update" }.map(\.value)
    }

    /// Message ids that got each status, duplicates removed.
    func ids(withStatus status: String) -> Set<String> {
        Set(statuses.filter { $0["status"] as? String == status }.compactMap { $0["id"] as? String })
    }

    /// Inbound messages, duplicates removed by id.
    var uniqueMessages: [[String: Any]] {
        var seen = Set<String>()
        return messages.filter { seen.insert($0["id"] as? String ?? "").inserted }
    }
}
