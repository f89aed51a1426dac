import Foundation
import Hummingbird

/// The simulator's own endpoints under `/_simulator` (not Meta's): ground truth, templates,
/// behaviour (the default, or one template's), reset, simulated inbound messages and template status changes. No token needed.
struct ControlRoutes: Sendable {
    let state: SimulatorState

    /// A user writes: by phone (`from`) or by BSUID (`user_id`), optionally with a username.
    struct Inbound: Decodable {
        var from: String?
        var userID: String?
        var text: String
        var name: String?
        var username: String?
        enum CodingKeys: String, CodingKey {
            case from, text, name, username
            case userID = "user_id"
        }
    }

    /// A user changes number (`new_phone`) or only their BSUID (no `new_phone`).
    struct NumberChange: Decodable {
        var from: String?
        var userID: String?
        var newPhone: String?
        enum CodingKeys: String, CodingKey {
            case from
            case userID = "user_id"
            case newPhone = "new_phone"
        }
    }

    struct TemplateStatus: Decodable {
        var name: String
        var language: String?
        var event: String
        var reason: String?
    }

    func add(to router: Router<BasicRequestContext>) {
        let group = router.group("_simulator")
        group.get("truth") { _, _ in
            Wire.response(await state.groundTruth(), snakeCase: false)
        }
        group.post("templates") { request, _ in
            try await control(request, SimulatedTemplate.self) { template in
                ["id": String(await state.addTemplate(template))]
            }
        }
        group.put("behaviour") { request, _ in
            try await control(request, TemplateBehaviour.self) { behaviour in
                await state.setBehaviour(behaviour)
                return behaviour
            }
        }
        // A template created through the Graph API has no behaviour of its own: give it one (design-ab-testing.md section 9).
        group.put("templates/{name}/behaviour") { request, context in
            let name = try context.parameters.require("name")
            let language = request.uri.queryParameters["language"].map(String.init) ?? "en_US"
            return try await control(request, TemplateBehaviour.self) { behaviour in
                if let problem = behaviour.problem { throw HTTPError(.badRequest, message: problem) }
                guard await state.setBehaviour(behaviour, name: name, language: language) else {
                    throw HTTPError(.notFound, message: "no template \(name) in \(language)")
                }
                return behaviour
            }
        }
        group.post("reset") { _, _ in
            await state.reset()
            return Wire.response(["success": true])
        }
        group.post("inbound") { request, _ in
            try await control(request, Inbound.self) { inbound in
                let user = try Self.user(from: inbound.from, userID: inbound.userID)
                return ["id": await state.receive(from: user, text: inbound.text, name: inbound.name, username: inbound.username)]
            }
        }
        group.post("change-number") { request, _ in
            try await control(request, NumberChange.self) { change in
                let user = try Self.user(from: change.from, userID: change.userID)
                var newPhone: String?
                if let given = change.newPhone {
                    guard let digits = SimulatorState.phoneDigits(given) else {
                        throw HTTPError(.badRequest, message: "new_phone must be a phone number")
                    }
                    newPhone = digits
                }
                return ["id": await state.changeNumber(of: user, to: newPhone)]
            }
        }
        group.post("template-status") { request, _ in
            try await control(request, TemplateStatus.self) { change in
                let found = await state.changeTemplateStatus(
                    name: change.name,
                    language: change.language ?? "en_US",
                    event: change.event,
                    reason: change.reason
                )
                guard found else { throw HTTPError(.notFound, message: "no template \(change.name) in \(change.language ?? "en_US")") }
                return ["success": true]
            }
        }
    }

    /// `from` (a phone) when given, else `user_id` (a BSUID).
    private static func user(from: String?, userID: String?) throws -> SimulatorState.UserReference {
        if let from {
            guard let phone = SimulatorState.phoneDigits(from) else { throw HTTPError(.badRequest, message: "from must be a phone number") }
            return .phone(phone)
        }
        guard let userID, SimulatedUsers.isBSUID(userID) else {
            throw HTTPError(.badRequest, message: "from (a phone number) or user_id (a business-scoped user id) is required")
        }
        return .bsuid(userID)
    }

    /// Decodes the JSON body as `T` (camelCase keys, as the Swift API) and answers with `handler`'s JSON.
    private func control<T: Decodable, Output: Encodable>(
        _ request: Request,
        _ type: T.Type,
        handler: (T) async throws -> Output
    ) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        let value: T
        do {
            value = try JSONDecoder().decode(T.self, from: buffer)
        } catch {
            throw HTTPError(.badRequest, message: "invalid JSON for \(T.self): \(error)")
        }
        return Wire.response(try await handler(value), snakeCase: false)
    }
}
