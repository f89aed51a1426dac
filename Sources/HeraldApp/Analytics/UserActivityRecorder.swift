import Foundation
import Logging

/// Writes a console user's `user_activity` row for the day (UTC) at their first session request of the day in this
/// process; later requests find the pair in memory and write nothing (weekly active users, design 8).
actor UserActivityRecorder {
    let store: UsageStore
    private var seen: Set<String> = []
    private var seenDay = ""

    init(store: UsageStore) { self.store = store }

    func record(userID: UUID, workspaceID: UUID, now: Date = Date(), logger: Logger) async {
        let day = UsageStore.day(now)
        if day != seenDay {
            seen.removeAll()
            seenDay = day
        }
        let key = userID.uuidString
        guard !seen.contains(key) else { return }
        seen.insert(key)
        do { try await store.recordActivity(userID: userID, workspaceID: workspaceID, day: day) } catch {
            // Not worth failing the page for; the next process or day tries again.
            seen.remove(key)
            logger.warning("could not record console activity", metadata: ["error": "\(String(reflecting: type(of: error)))"])
        }
    }
}
