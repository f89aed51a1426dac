import Foundation
import Hummingbird
import Metrics
import Prometheus
import Storage

/// Process-wide metrics registry; swift-metrics can be bootstrapped only once per process.
enum HeraldMetrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10)]
        MetricsSystem.bootstrap(factory)
        return registry
    }()
}

/// `/healthz` (the process answers), `/readyz` (database reachable, schema current), `/metrics` (Prometheus).
struct OperationsController<Context: RequestContext> {
    let database: Database
    let migrator: Migrator

    func addRoutes(to router: Router<Context>) {
        router.get("healthz") { _, _ in try JSONResponse.make(["status": "ok"]) }
        router.get("readyz", use: ready)
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: HeraldMetrics.registry.emitToBuffer()))
            )
        }
    }

    @Sendable func ready(_ request: Request, context: Context) async throws -> Response {
        do {
            try await database.ping()
            let version = try await migrator.currentVersion(database)
            guard version == migrator.latestVersion else {
                return try JSONResponse.make(["status": "migrations pending", "schema_version": "\(version)"], status: .serviceUnavailable)
            }
            return try JSONResponse.make(["status": "ready", "database": database.kind.rawValue, "schema_version": "\(version)"])
        } catch {
            context.logger.warning("readiness check failed", metadata: ["error": "\(String(reflecting: error))"])
            return try JSONResponse.make(["status": "database unreachable"], status: .serviceUnavailable)
        }
    }
}
