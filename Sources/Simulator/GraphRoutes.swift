import Hummingbird

/// Meta's Graph paths, `/{version}/{object-id}/...`: every call checks the version, the bearer
/// token and that the object is the simulated phone number or business account.
struct GraphRoutes: Sendable {
    let state: SimulatorState
    var config: SimulatorConfig { state.config }

    func add(to router: Router<BasicRequestContext>) {
        router.post(":version/:object/messages") { request, context in
            await graph(request, context, object: config.phoneNumberID, countsRejections: true) { () async throws(GraphError) in
                try await sendMessage(request)
            }
        }
        router.post(":version/:object/media") { request, context in
            await graph(request, context, object: config.phoneNumberID) { () async throws(GraphError) in
                try await MediaUpload(request: request, state: state).response()
            }
        }
        let templates = TemplateRoutes(state: state)
        router.get(":version/:object/message_templates") { request, context in
            await graph(request, context, object: config.wabaID) { () async throws(GraphError) in
                await templates.list(request, version: context.parameters.get("version") ?? "")
            }
        }
        router.post(":version/:object/message_templates") { request, context in
            await graph(request, context, object: config.wabaID) { () async throws(GraphError) in
                try await templates.create(request)
            }
        }
        router.get(":version/:object") { request, context in
            await graph(request, context, object: config.phoneNumberID) { () async throws(GraphError) in
                Wire.response(PhoneNumber(id: config.phoneNumberID, displayPhoneNumber: config.displayPhoneNumber))
            }
        }
    }

    private func sendMessage(_ request: Request) async throws(GraphError) -> Response {
        let buffer = try await collect(request, upTo: 1 << 20)
        let send = try Wire.decode(SendRequest.self, from: buffer)
        switch await state.send(send) {
        case .success(let accepted): return Wire.response(accepted)
        case .failure(let error): return Wire.response(error)
        }
    }

    /// Checks token, version and object id, then runs `handler`; errors become Meta's envelope.
    private func graph(
        _ request: Request,
        _ context: BasicRequestContext,
        object expected: String,
        countsRejections: Bool = false,
        handler: () async throws(GraphError) -> Response
    ) async -> Response {
        do throws(GraphError) {
            let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
            guard (bearer ?? request.uri.queryParameters.get("access_token")) == config.accessToken else { throw .authentication() }
            let version = context.parameters.get("version") ?? ""
            guard Self.isVersion(version) else { throw .invalidParameter("Unknown path components: /\(version)") }
            let object = context.parameters.get("object") ?? ""
            guard object == expected else { throw .unknownObject(object) }
            return try await handler()
        } catch {
            if countsRejections { await state.reject(code: error.code, template: nil) }
            return Wire.response(error)
        }
    }

    /// `v` followed by `major.minor`, like `v21.0`.
    static func isVersion(_ text: String) -> Bool {
        guard text.hasPrefix("v") else { return false }
        let parts = text.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }
}

/// Reads a request body of at most `limit` bytes.
func collect(_ request: Request, upTo limit: Int) async throws(GraphError) -> ByteBuffer {
    do {
        return try await request.body.collect(upTo: limit)
    } catch {
        throw GraphError(code: 100, details: "Request body is larger than \(limit) bytes.", status: .contentTooLarge)
    }
}

/// `GET /{phone-number-id}`.
struct PhoneNumber: Encodable, Sendable {
    struct Throughput: Encodable, Sendable { var level = "STANDARD" }
    var id: String
    var displayPhoneNumber: String
    var verifiedName = "Herald Simulator"
    var qualityRating = "GREEN"
    var throughput = Throughput()
}
