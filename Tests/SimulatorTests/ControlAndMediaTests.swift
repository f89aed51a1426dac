import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Simulator

@Suite("media upload")
struct MediaTests {
    static let uri = "/v21.0/\(Fixture.phoneID)/media"

    static func form(type: String, size: Int, product: String = "whatsapp") -> (HTTPFields, ByteBuffer) {
        let boundary = "----herald\(size)"
        var body = Data()
        func field(_ name: String, _ value: String) {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        field("messaging_product", product)
        field("type", type)
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\nContent-Type: \(type)\r\n\r\n".utf8))
        body.append(Data(repeating: 0xab, count: size))
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        let headers: HTTPFields = [.authorization: "Bearer sim-token", .contentType: "multipart/form-data; boundary=\(boundary)"]
        return (headers, ByteBuffer(bytes: body))
    }

    @Test(
        "media uploads are checked by type and size",
        arguments: [
            ("image/jpeg", 1_000, 0), ("image/png", 5 * 1024 * 1024, 0), ("image/jpeg", 5 * 1024 * 1024 + 1, 131053),
            ("video/mp4", 6 * 1024 * 1024, 0), ("application/pdf", 20_000, 0), ("image/gif", 1_000, 131053),
        ]
    )
    func upload(type: String, size: Int, code: Int) async throws {
        let simulator = await Fixture.simulator()
        try await simulator.makeApplication().test(.router) { client in
            let (headers, body) = Self.form(type: type, size: size)
            let response = try await client.execute(uri: Self.uri, method: .post, headers: headers, body: body)
            if code == 0 {
                #expect(response.status == .ok)
                let id = try #require(response.json["id"] as? String)
                #expect(!id.isEmpty && id.allSatisfy(\.isNumber))
            } else {
                #expect(response.status == .badRequest)
                #expect(response.errorCode == code)
            }
        }
    }

    @Test("a real server takes a 15 MB video and refuses a 17 MB one")
    func liveVideoLimits() async throws {
        let simulator = await Fixture.simulator()
        try await simulator.makeApplication().test(.live) { client in
            let (headers, small) = Self.form(type: "video/mp4", size: 15 * 1024 * 1024)
            let accepted = try await client.execute(uri: Self.uri, method: .post, headers: headers, body: small)
            #expect(accepted.status == .ok)
            let (bigHeaders, big) = Self.form(type: "video/mp4", size: 17 * 1024 * 1024)
            let refused = try await client.execute(uri: Self.uri, method: .post, headers: bigHeaders, body: big)
            #expect(refused.errorCode == 131053)
        }
    }

    @Test("an upload without messaging_product whatsapp is error 100")
    func product() async throws {
        let simulator = await Fixture.simulator()
        try await simulator.makeApplication().test(.router) { client in
            let (headers, body) = Self.form(type: "image/png", size: 10, product: "sms")
            let response = try await client.execute(uri: Self.uri, method: .post, headers: headers, body: body)
            #expect(response.errorCode == 100)
        }
    }
}

@Suite("control endpoints")
struct ControlTests {
    @Test("templates and behaviour can be set over HTTP and the truth read back")
    func controlRoundTrip() async throws {
        let simulator = await Fixture.simulator(templates: [])
        try await simulator.makeApplication().test(.router) { client in
            let json: HTTPFields = [.contentType: "application/json"]
            let template = try JSONEncoder().encode(Fixture.update())
            let added = try await client.execute(uri: "/_simulator/templates", method: .post, headers: json, body: ByteBuffer(bytes: template))
            #expect(added.status == .ok)
            let behaviour = try await client.execute(
                uri: "/_simulator/behaviour",
                method: .put,
                headers: json,
                body: Fixture.json(["deliverRate": 0, "failures": [String: Double]()])
            )
            #expect(behaviour.status == .ok)
            #expect(behaviour.json["deliverRate"] as? Double == 0)
            #expect(behaviour.json["readRate"] as? Double == 0.6)

            let send = Fixture.json([
                "messaging_product": "whatsapp", "to": "919812345678", "type": "template",
                "template": [
                    "name": "order_update", "language": ["code": "en_US"],
                    "components": [["type": "body", "parameters": [["type": "text", "text": "Jess"], ["type": "text", "text": "A-1"]]]],
                ] as [String: Any],
            ])
            let sent = try await client.execute(uri: Fixture.messagesURI, method: .post, headers: Fixture.auth, body: send)
            #expect(sent.status == .ok)

            let truthResponse = try await client.execute(uri: "/_simulator/truth", method: .get)
            let truth = try JSONDecoder().decode(GroundTruth.self, from: Data(truthResponse.body.readableBytesView))
            #expect(truth.accepted == 1 && truth.sent == 1 && truth.delivered == 0)
            #expect(truth.perTemplate["order_update"]?.sent == 1)
        }
    }

    @Test("an unknown template status change is 404")
    func unknownStatusChange() async throws {
        let simulator = await Fixture.simulator()
        try await simulator.makeApplication().test(.router) { client in
            let response = try await client.execute(
                uri: "/_simulator/template-status",
                method: .post,
                headers: [.contentType: "application/json"],
                body: Fixture.json(["name": "nope", "event": "PAUSED"])
            )
            #expect(response.status == .notFound)
        }
    }
}
