import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldApp

@Suite("OpenAPI document")
struct OpenAPITests {
    @Test("every API route is documented and every documented path has a route")
    func matchesRouter() async throws {
        try await TestDatabase.with(.sqlite) { database in
            let services = AppServices(database: database, bcryptCost: 4)
            let config = HeraldConfig(databaseURL: .sqlite(path: ""), dataDirectory: "", secretKey: .random())
            let web = try await WebConsole.load()
            let router = buildRouter(services: services, config: config, web: web)
            let registered = Set(
                router.routes.map { route -> String in
                    let path = route.path.description.replacingOccurrences(of: #":([A-Za-z_]+)"#, with: "{$1}", options: .regularExpression)
                    return "\(route.method.rawValue) \(path.hasPrefix("/") ? path : "/" + path)"
                }.filter { $0.contains(" /api/") || $0.hasSuffix(" /healthz") || $0.hasSuffix(" /readyz") || $0.hasSuffix(" /metrics") }
            )
            let document = try JSONValue.parse(Data(web.assets.openAPI))
            #expect(document["openapi"].string?.hasPrefix("3.1") == true)
            guard case .object(let paths) = document["paths"] else { Issue.record("no paths"); return }
            var documented = Set<String>()
            for (path, item) in paths {
                guard case .object(let operations) = item else { continue }
                for method in operations.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                    documented.insert("\(method.uppercased()) \(path)")
                }
            }
            #expect(registered.subtracting(documented).sorted() == [], "routes missing from openapi.json")
            #expect(documented.subtracting(registered).sorted() == [], "documented paths without a route")
            #expect(registered.count > 20)
        }
    }

    @Test("the document is served at /api/openapi.json without a key")
    func served() async throws {
        try await TestApp.with(.sqlite) { app in
            let response = try await app.request(.get, "/api/openapi.json", key: "")
            #expect(response.status == .ok)
            #expect(response.json["info"]["title"].string == "Herald API")
        }
    }
}
