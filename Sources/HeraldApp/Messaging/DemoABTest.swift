import AsyncHTTPClient
import Foundation
import NIOCore

/// The demo's A/B test (design section 9): after the demo campaign, "Spring sale wording (demo)" compares spring_sale
/// (A) with spring_sale_bold (B, whose simulated readers click far more) on every opted-in contact, 20 % of them in the
/// test, clicks in a 2-minute window (60 s proved too short: under a webhook backlog clicks arrived 71-80 s after
/// sending), the winner sent to the rest. Created and started through the HTTP API, as a
/// marketer's script would, with a key of its own that is revoked when the driver is done.
struct DemoABTest: Sendable {
    static let name = "Spring sale wording (demo)"

    let services: MessagingServices
    let workspaceID: UUID
    let accountID: UUID
    /// Herald's own address, e.g. `http://127.0.0.1:8080`.
    let baseURL: String
    let report: @Sendable (String) -> Void

    /// Creates and starts the test once (a later run finds it by name), then reports its decision when it comes.
    func run() async throws {
        let tests = try await ABTestStore(database: services.database, campaigns: services.campaigns).list(workspaceID: workspaceID)
        if tests.contains(where: { $0.name == Self.name }) { return }
        let templates = try await services.templates.list(workspaceID: workspaceID, accountID: accountID)
        guard let control = templates.first(where: { $0.name == "spring_sale" }), let bold = templates.first(where: { $0.name == "spring_sale_bold" })
        else {
            report("no demo A/B test: the simulator has no spring_sale and spring_sale_bold templates")
            return
        }
        let keys = APIKeyStore(database: services.database)
        let (key, secret) = try await keys.create(workspaceID: workspaceID, name: "Demo A/B test driver", role: .owner)
        do {
            try await createStartAndWatch(control: control.id, variant: bold.id, secret: secret)
        } catch {
            try? await keys.revoke(workspaceID: workspaceID, id: key.id, by: .owner)
            throw error
        }
        try await keys.revoke(workspaceID: workspaceID, id: key.id, by: .owner)
    }

    func createStartAndWatch(control: UUID, variant: UUID, secret: String) async throws {
        let message: [String: Any] = [
            "variables": ["1": ["field": "first_name", "fallback": "there"], "2": ["text": "25%"]],
            "cta_url": "https://shop.example.com/spring",
        ]
        let body: [String: Any] = [
            "name": Self.name, "account_id": accountID.uuidString.lowercased(), "audience": ["type": "all"],
            "test_percentage": 20, "duration_hours": 1, "success_metric": "click", "outcome_window_seconds": 120,
            "auto_send_winner": true, "inconclusive_policy": "leader",
            "variations": [
                message.merging(["name": "A", "template_id": control.uuidString.lowercased()]) { $1 },
                message.merging(["name": "B", "template_id": variant.uuidString.lowercased()]) { $1 },
            ],
        ]
        let created = try await call("/api/ab-tests/create", body: body, secret: secret)
        guard created.status == 201, let id = created.json["id"].stringValue else {
            report("the demo A/B test could not be created: HTTP \(created.status) \(created.text)")
            return
        }
        let started = try await call("/api/ab-tests/\(id)/start", body: [:], secret: secret)
        guard started.status == 200 else {
            report("the demo A/B test \"\(Self.name)\" was created but not started: HTTP \(started.status) \(started.text)")
            return
        }
        let warnings = started.json["warnings"].arrayValue.compactMap(\.stringValue)
        report(
            "started the demo A/B test \"\(Self.name)\": spring_sale (A) against spring_sale_bold (B), 20 % of the audience, "
                + "clicks within 2 minutes\(warnings.isEmpty ? "" : " (" + warnings.joined(separator: " ") + ")")"
        )
        try await watch(id: id, secret: secret)
    }

    /// Reports the decision line, like the campaign's results line, once the test has one (at most its hour and a bit).
    func watch(id: String, secret: String) async throws {
        let deadline = Date().addingTimeInterval(2 * 3600)
        while Date() < deadline {
            try await Task.sleep(for: .seconds(5))
            let test = try await call("/api/ab-tests/\(id)", body: nil, secret: secret).json
            let status = test["status"].stringValue ?? ""
            if let winner = test["winner_variation_id"].stringValue ?? test["recommended_variation_id"].stringValue,
                let name = test["variations"].arrayValue.first(where: { $0["id"].stringValue == winner })?["name"].stringValue
            {
                let reason = test["decision"]["reason"].stringValue.map { ": \($0)" } ?? ""
                let verb = test["winner_variation_id"].stringValue == nil ? "recommends" : "declared"
                report("demo A/B test \(status): \(verb) variation \(name)\(reason)")
                return
            }
            if status == "cancelled" {
                report("demo A/B test cancelled")
                return
            }
        }
    }

    struct Answer {
        let status: Int
        let text: String
        var json: JSONValue { (try? JSONValue.parse(Data(text.utf8))) ?? .null }
    }

    /// A POST with a JSON body, or a GET without one.
    func call(_ path: String, body: [String: Any]?, secret: String) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = body == nil ? .GET : .POST
        request.headers.add(name: "Authorization", value: "Bearer \(secret)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await services.httpClient.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: Int(response.status.code), text: String(buffer: bytes))
    }
}

extension JSONValue {
    fileprivate subscript(key: String) -> JSONValue {
        if case .object(let fields) = self { return fields[key] ?? .null }
        return .null
    }
    fileprivate var stringValue: String? { if case .string(let text) = self { text } else { nil } }
    fileprivate var arrayValue: [JSONValue] { if case .array(let items) = self { items } else { [] } }
}
