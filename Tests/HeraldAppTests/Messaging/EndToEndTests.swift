import AsyncHTTPClient
import Foundation
import HeraldApp
import Logging
import NIOCore
import NIOHTTP1
import NIOFoundationCompat
import ServiceLifecycle
import Simulator
import Storage
import Testing

/// Herald and the Cloud API simulator as real servers on real sockets, talking HTTP both ways.
struct LiveStack {
    let heraldURL: String
    let simulatorURL: String
    let key: String
    let simulator: CloudAPISimulator

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func with(
        _ engine: Engine, simulator simulatorConfig: (inout SimulatorConfig) -> Void = { _ in },
        herald heraldConfig: (inout HeraldConfig) -> Void = { _ in },
        _ body: @escaping @Sendable (LiveStack) async throws -> Void
    ) async throws {
        try await TestDatabase.using(engine) { test in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-e2e-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let (heraldPort, simulatorPort) = (try freePort(), try freePort())
            var config = HeraldConfig(databaseURL: test.url, dataDirectory: folder, port: heraldPort, secretKey: .random())
            config.publicURL = "http://127.0.0.1:\(heraldPort)"
            config.allowedAPIHosts = .loopback  // the simulator
            config.sendInDoubtSeconds = 30
            heraldConfig(&config)
            let setup = try await Database.open(test.url, logger: TestDatabase.logger, maxConnections: 1)
            try await Migrator().migrate(setup, logger: TestDatabase.logger)
            let (_, key) = try await WorkspaceStore(database: setup).create(name: "E2E", defaultCountry: "IN")
            await setup.close()

            var simConfig = SimulatorConfig(
                port: simulatorPort, webhookURL: "http://127.0.0.1:\(heraldPort)/webhooks/whatsapp", appSecret: "e2e-app-secret", accessToken: "e2e-token",
                throughput: 1000, seed: 42, timeScale: 0.01
            )
            simulatorConfig(&simConfig)
            let simulator = CloudAPISimulator(config: simConfig, logger: TestDatabase.logger)
            for template in DemoCatalog.templates(linkBase: "http://127.0.0.1:\(heraldPort)") { await simulator.addTemplate(template) }
            let app = try await buildApplication(config: config, logger: TestDatabase.logger)
            let group = ServiceGroup(services: [app, simulator.makeApplication()], logger: TestDatabase.logger)
            let stack = LiveStack(heraldURL: "http://127.0.0.1:\(heraldPort)", simulatorURL: "http://127.0.0.1:\(simulatorPort)", key: key, simulator: simulator)
            let outcome: Result<Void, any Error> = await withTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try? await group.run() }
                let result: Result<Void, any Error>
                do {
                    try await stack.waitUntilReady()
                    try await body(stack)
                    result = .success(())
                } catch {
                    result = .failure(error)
                }
                await group.triggerGracefulShutdown()
                await tasks.waitForAll()
                return result
            }
            try outcome.get()
        }
    }

    func waitUntilReady() async throws {
        for _ in 0..<200 {
            if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: heraldURL + "/readyz"), timeout: .seconds(2)),
                response.status == .ok
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CancellationError()
    }

    /// Calls Herald's API with the workspace key; returns status and parsed JSON.
    @discardableResult
    func api(_ method: NIOHTTP1.HTTPMethod, _ path: String, _ json: String? = nil) async throws -> (status: Int, json: HeraldApp.JSONValue) {
        var request = HTTPClientRequest(url: heraldURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 50 * 1024 * 1024)
        return (Int(response.status.code), (try? HeraldApp.JSONValue.parse(Data(buffer: body))) ?? .null)
    }
}
