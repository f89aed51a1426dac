import Foundation
import Logging
import ServiceLifecycle
import Storage

/// Keeps dynamic segments' `contact_count` and membership history current: refreshes each one every
/// `interval` and soon after an import asked for it. Servers sharing a database take turns through
/// a lease on the segment row.
struct SegmentRefreshWorker: Service {
    let segments: SegmentService
    let interval: TimeInterval
    let logger: Logger
    var poll: Duration = .seconds(2)
    /// How long a claim lasts; a server that dies mid-refresh frees the segment after this.
    var lease: TimeInterval = 600

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                var didWork = false
                do {
                    if let segment = try await segments.store.claimDue(interval: interval, lease: lease) {
                        didWork = true
                        do {
                            let refreshed = try await segments.refresh(segment, reason: "scheduled")
                            logger.debug(
                                "segment refreshed",
                                metadata: ["segment_id": "\(segment.id)", "count": "\(refreshed.contactCount)", "ms": "\(refreshed.refreshMs ?? 0)"]
                            )
                        } catch let error as APIError where error.code == "invalid_rules" {
                            // `refresh` recorded the problem on the segment, which is then due again only after `interval`.
                            logger.warning(
                                "segment rules are no longer valid", metadata: ["segment_id": "\(segment.id)", "problem": "\(error.message)"]
                            )
                        } catch {
                            logger.warning("segment refresh failed", metadata: ["segment_id": "\(segment.id)", "error": "\(String(reflecting: error))"])
                            try? await segments.store.recordRefreshError(segment, message: "the refresh failed: \(error)")
                        }
                    }
                } catch {
                    logger.error("could not claim a segment to refresh", metadata: ["error": "\(String(reflecting: error))"])
                }
                if !didWork { try? await Task.sleep(for: poll) }
            }
        }
    }
}
