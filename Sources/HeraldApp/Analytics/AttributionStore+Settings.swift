import Analytics
import Foundation
import SQLKit
import Storage

extension AttributionStore {
    /// Saves the workspace's model and windows. When they change, every order must be measured again under them:
    /// the analytics rebuild (run by the AnalyticsWorker) is requested in the same transaction. Returns whether they changed.
    static func save(_ settings: Attribution.Settings, workspaceID: UUID, in sql: any SQLDatabase) async throws -> Bool {
        let current = try await self.settings(workspaceID: workspaceID, in: sql)
        guard current != settings else { return false }
        let now = Date()
        try await sql.raw(
            """
            UPDATE workspaces SET attribution_model = \(bind: settings.model.rawValue), click_window_seconds = \(bind: settings.clickWindowSeconds),
                read_window_seconds = \(bind: settings.readWindowSeconds), updated_at = \(bind: now) WHERE id = \(bind: workspaceID)
            """
        ).run()
        try await sql.raw(
            """
            INSERT INTO analytics_state (workspace_id, rebuild_requested_at) VALUES (\(bind: workspaceID), \(bind: now))
            ON CONFLICT (workspace_id) DO UPDATE SET rebuild_requested_at = excluded.rebuild_requested_at
            """
        ).run()
        return true
    }
}
