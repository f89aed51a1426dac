import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import Simulator

/// Shared fixtures: a fast simulator, Meta-shaped request bodies and JSON helpers.
enum Fixture {
    static let phoneID = "100000000000001"
    static let wabaID = "200000000000001"
    static let auth: HTTPFields = [.authorization: "Bearer sim-token", .contentType: "application/json"]

    static func config(
        webhookURL: String? = nil,
        throughput: Int = 100_000,
        seed: UInt64 = 1,
        behaviour: TemplateBehaviour = TemplateBehaviour()
    ) -> SimulatorConfig {
        SimulatorConfig(
            port: 0,
            webhookURL: webhookURL,
            throughput: throughput,
            seed: seed,
            defaultBehaviour: behaviour,
            batchWindow: 0.01,
            timeScale: 0.001
        )
    }

    static func simulator(_ config: SimulatorConfig = config(), templates: [SimulatedTemplate] = [promo(), update()]) async -> CloudAPISimulator {
        var logger = Logger(label: "simulator-test")
        logger.logLevel = .error
        let simulator = CloudAPISimulator(config: config, logger: logger)
        for template in templates { await simulator.addTemplate(template) }
        return simulator
    }

    /// Image header, one body variable, a URL button with a suffix, and a quick reply.
    static func promo(name: String = "promo", status: String = "APPROVED", clickBase: String = "https://shop.example.com/r/") -> SimulatedTemplate {
        SimulatedTemplate(
            name: name,
            status: status,
            components: [
                .object(["type": .string("HEADER"), "format": .string("IMAGE")]),
                .object(["type": .string("BODY"), "text": .string("Hi {{1}}, 20% off today.")]),
                .object([
                    "type": .string("BUTTONS"),
                    "buttons": .array([
                        .object(["type": .string("URL"), "text": .string("Shop"), "url": .string(clickBase + "{{1}}")]),
                        .object(["type": .string("QUICK_REPLY"), "text": .string("Stop promotions")]),
                    ]),
                ]),
            ]
        )
    }

    /// A utility template with two body variables and nothing else.
    static func update() -> SimulatedTemplate {
        SimulatedTemplate(
            name: "order_update",
            category: "UTILITY",
            components: [.object(["type": .string("BODY"), "text": .string("Hi {{1}}, order {{2}} shipped.")])]
        )
    }

    /// A send of `promo` with every parameter it needs.
    /// `recipient` adds Meta's BSUID address; pass `to: nil` to send by BSUID alone.
    static func promoMessage(
        to: String?,
        recipient: String? = nil,
        name: String = "promo",
        suffix: String = "tok",
        bodyParams: Int = 1,
        opaque: String? = nil
    ) -> ByteBuffer {
        let body = (0..<bodyParams).map { _ in ["type": "text", "text": "Jess"] }
        var message: [String: Any] = [
            "messaging_product": "whatsapp", "recipient_type": "individual", "type": "template",
            "template": [
                "name": name, "language": ["code": "en_US"],
                "components": [
                    ["type": "header", "parameters": [["type": "image", "image": ["link": "https://cdn.example.com/a.jpg"]]]],
                    ["type": "body", "parameters": body],
                    ["type": "button", "sub_type": "url", "index": 0, "parameters": [["type": "text", "text": suffix]]],
                    ["type": "button", "sub_type": "quick_reply", "index": 1, "parameters": [["type": "payload", "payload": "STOP_PROMO"]]],
                ],
            ] as [String: Any],
        ]
        if let to { message["to"] = to }
        if let recipient { message["recipient"] = recipient }
        if let opaque { message["biz_opaque_callback_data"] = opaque }
        return json(message)
    }

    static func json(_ object: Any) -> ByteBuffer {
        ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
    }

    static var messagesURI: String { "/v21.0/\(phoneID)/messages" }
}

extension TestResponse {
    /// The body parsed as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    /// Meta's `error.code`, if the body is an error envelope.
    var errorCode: Int? {
        (json["error"] as? [String: Any])?["code"] as? Int
    }
}

/// Polls until the simulator has nothing left to deliver.
/// Waits until every scheduled event is done. The limit is generous because it costs nothing when the machine is
/// fast: one status per POST makes hundreds of sequential POSTs, which a loaded CI machine can take half a minute for.
func waitUntilSettled(_ simulator: CloudAPISimulator, timeout: Duration = .seconds(90)) async throws -> GroundTruth {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        let truth = await simulator.groundTruth()
        if truth.pendingEvents == 0 { return truth }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("events still pending after \(timeout)")
    return await simulator.groundTruth()
}
