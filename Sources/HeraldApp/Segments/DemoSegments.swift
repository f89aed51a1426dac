import Foundation
import Segments
import Storage

/// A few saved segments for `herald demo`, made from the built-in templates, so the Segments page
/// and the campaign form have something to show on a fresh install.
public enum DemoSegments {
    static let picks: [(template: String, kind: Segment.Kind, values: [String: RuleValue])] = [
        ("vip_spenders", .dynamic, ["min_spend": 300, "days": 90]),
        ("lapsed_customers", .dynamic, [:]),
        ("engaged_non_clickers", .dynamic, [:]),
        ("never_engaged", .static, [:]),
    ]

    /// Creates each demo segment that is not there yet; returns how many it made.
    @discardableResult
    public static func ensure(database: Database, workspaceID: UUID) async throws -> Int {
        let service = SegmentService(database: database)
        let existing = Set(try await service.store.list(workspaceID: workspaceID).map(\.name))
        var made = 0
        for pick in picks {
            guard let template = SegmentTemplate.named(pick.template) else { continue }
            let name = template.name
            guard !existing.contains(name) else { continue }
            let now = Date()
            let segment = Segment(
                id: .timeOrdered(at: now), workspaceID: workspaceID, name: name, description: template.description, kind: pick.kind,
                rules: try template.rules(pick.values), contactCount: 0, createdAt: now, updatedAt: now
            )
            try await service.store.insert(segment)
            try await service.refresh(segment, reason: "created", now: now)
            made += 1
        }
        return made
    }
}
