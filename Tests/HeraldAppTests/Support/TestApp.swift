import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Storage
import Testing

@testable import HeraldApp

/// A real Herald router on a fresh database, with one workspace and an owner API key.
struct TestApp {
    let database: Database
    let services: AppServices
    let workspace: Workspace
    let key: String
    let client: any TestClientProtocol

    static func with(_ engine: Engine, _ body: @escaping @Sendable (TestApp) async throws -> Void) async throws {
        try await TestDatabase.with(engine) { database in
            let services = AppServices(database: database, bcryptCost: 4)
            let (workspace, key) = try await services.workspaces.create(name: "Acme", defaultCountry: "DE")
            var config = HeraldConfig(databaseURL: .sqlite(path: ""), dataDirectory: "", secretKey: .random())
            config.runWorkers = false
            let router = buildRouter(services: services, config: config, web: try await WebConsole.load())
            let app = Application(router: router, logger: TestDatabase.logger)
            try await app.test(.router) { client in
                try await body(TestApp(database: database, services: services, workspace: workspace, key: key, client: client))
            }
        }
    }

    /// Sends a request with this workspace's key (or `key`), JSON unless told otherwise.
    @discardableResult
    func request(
        _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, body: String? = nil, contentType: String? = nil,
        key: String? = nil, headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let key = key ?? self.key as String?, !key.isEmpty { headers[.authorization] = "Bearer \(key)" }
        if json != nil { headers[.contentType] = contentType ?? "application/json" } else if let contentType { headers[.contentType] = contentType }
        let payload = json ?? body
        return try await client.executeRequest(uri: uri, method: method, headers: headers, body: payload.map { ByteBuffer(string: $0) })
    }

    /// Runs queued background jobs to completion, as the worker in `herald serve` would.
    func runJobs() async throws {
        let worker = JobWorker(queue: services.jobs, handlers: [ContactImportJob(database: database, contacts: services.contacts)], logger: TestDatabase.logger)
        while let job = try await services.jobs.claim(owner: worker.owner, kinds: Array(worker.handlers.keys)) {
            await worker.execute(job, handler: worker.handlers[job.kind]!)
        }
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var json: JSONValue { (try? JSONValue.parse(Data(buffer: body))) ?? .null }
}

extension JSONValue {
    subscript(_ key: String) -> JSONValue {
        if case .object(let fields) = self { return fields[key] ?? .null }
        return .null
    }
    subscript(_ index: Int) -> JSONValue {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return .null
    }
    var string: String? { if case .string(let s) = self { s } else { nil } }
    var number: Double? { if case .number(let n) = self { n } else { nil } }
    var array: [JSONValue] { if case .array(let items) = self { items } else { [] } }
}

/// Checks the JSON error shape and returns the error's code.
func expectError(_ response: TestResponse, _ status: HTTPResponse.Status, code: String? = nil, field: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(response.status == status, "body: \(response.text)", sourceLocation: sourceLocation)
    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
    let error = response.json["error"]
    #expect(error["message"].string?.isEmpty == false, "no message in \(response.text)", sourceLocation: sourceLocation)
    if let code { #expect(error["code"].string == code, "body: \(response.text)", sourceLocation: sourceLocation) }
    if let field { #expect(error["field"].string == field, "body: \(response.text)", sourceLocation: sourceLocation) }
}
