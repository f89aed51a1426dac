import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Keeps the adoption gauges of `/metrics` current: every `interval` it computes each workspace's usage figures and
/// records them, so a scrape only reads what is there (design 8: never computed during a scrape).
struct UsageMetricsWorker: Service {
    let store: UsageStore
    var interval: Duration = .seconds(60)
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await refresh() } catch {
                    logger.warning("could not refresh the usage metrics", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One pass over every workspace.
    func refresh(now: Date = Date()) async throws {
        for workspaceID in try await store.workspaceIDs() {
            Self.record(try await store.report(workspaceID, now: now), workspaceID: workspaceID)
        }
    }

    /// Shares without campaigns are 0; a lift without both rates is NaN (Prometheus' "no value").
    static func record(_ report: UsageReport, workspaceID: UUID) {
        let workspace = ("workspace_id", workspaceID.uuidString.lowercased())
        Gauge(label: "herald_campaigns_segmented_ratio", dimensions: [workspace]).record(report.segmentedShare ?? 0)
        Gauge(label: "herald_campaigns_ab_tested_ratio", dimensions: [workspace]).record(report.abTestedShare ?? 0)
        Gauge(label: "herald_console_weekly_active_users", dimensions: [workspace]).record(Double(report.weeklyActiveUsers))
        for (kind, lift) in [("segmented", report.segmentLift), ("ab_winner", report.abWinnerLift)] {
            Gauge(label: "herald_click_rate_lift", dimensions: [workspace, ("kind", kind)]).record(lift.value ?? .nan)
        }
    }
}
