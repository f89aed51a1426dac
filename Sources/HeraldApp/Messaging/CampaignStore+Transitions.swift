import Foundation
import SQLKit

/// Which campaigns an action is applied to; each still moves only from a status its action allows.
enum CampaignSelection: Sendable {
    case one(workspaceID: UUID, id: UUID)
    /// The campaigns sending from an account.
    case account(UUID)
    /// The campaigns of an account that use a template, themselves or in a variation of their A/B test.
    case template(accountID: UUID, name: String)
    /// Those whose scheduled time has come.
    case due(Date)
    /// Those whose audience is frozen and that have no message queued or being sent, and whose A/B test (if any) is
    /// decided with its winner queued: a test's campaign has sent only its test messages until then.
    case doneSending

    var condition: SQLQueryString {
        switch self {
        case .one(let workspaceID, let id): "workspace_id = \(bind: workspaceID) AND id = \(bind: id)"
        case .account(let accountID): "account_id = \(bind: accountID)"
        case .template(let accountID, let name):
            """
            account_id = \(bind: accountID) AND (template_name = \(bind: name) OR id IN (
                SELECT t.campaign_id FROM ab_tests t JOIN ab_test_variations v ON v.ab_test_id = t.id WHERE v.template_name = \(bind: name)))
            """
        case .due(let now): "scheduled_at <= \(bind: now)"
        case .doneSending:
            """
            audience_size IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.campaign_id = campaigns.id AND m.status IN ('queued', 'sending'))
              AND NOT EXISTS (SELECT 1 FROM ab_tests t WHERE t.campaign_id = campaigns.id
                  AND (t.status IN ('draft', 'running', 'paused', 'deciding') OR t.winner_send = 'pending'))
            """
        }
    }
}

/// A campaign an action moved.
struct MovedCampaign: Sendable {
    let id: UUID
    let workspaceID: UUID
}

extension CampaignStore {
    /// The one place a campaign's status changes. A conditional update from the statuses the action allows, so two
    /// servers (or a user and a webhook) never both perform it: the second finds the campaign already moved.
    /// Sets `status_reason` to `reason` (cleared when nil), `started_at` on start, `completed_at` on a final status;
    /// a cancel also cancels the queued messages. Returns the campaigns moved.
    @discardableResult
    static func perform(
        _ action: CampaignAction, on selection: CampaignSelection, reason: String? = nil, at now: Date = Date(), in sql: any SQLDatabase
    ) async throws -> [MovedCampaign] {
        let from = action.from.map(\.rawValue).sorted()
        let started: SQLQueryString = action == .start ? ", started_at = \(bind: now)" : ""
        let completed: SQLQueryString = action.to(started: true).isFinal ? ", completed_at = \(bind: now)" : ""
        let moved = try await sql.raw(
            """
            UPDATE campaigns SET status = CASE WHEN started_at IS NULL THEN \(bind: action.to(started: false).rawValue)
                    ELSE \(bind: action.to(started: true).rawValue) END,
                status_reason = \(bind: reason), updated_at = \(bind: now)\(started)\(completed)
            WHERE status IN (\(binds: from)) AND \(selection.condition)
            RETURNING id, workspace_id
            """
        ).all().map {
            MovedCampaign(id: try $0.decode(column: "id", as: UUID.self), workspaceID: try $0.decode(column: "workspace_id", as: UUID.self))
        }
        if action == .cancel, !moved.isEmpty {
            try await sql.raw(
                """
                UPDATE messages SET status = 'cancelled', updated_at = \(bind: now)
                WHERE campaign_id IN (\(binds: moved.map(\.id))) AND status = 'queued'
                """
            ).run()
        }
        return moved
    }

    /// Moves one campaign; false when it was not in a status the action allows.
    static func perform(
        _ action: CampaignAction, workspaceID: UUID, id: UUID, reason: String? = nil, in sql: any SQLDatabase
    ) async throws -> Bool {
        try await !perform(action, on: .one(workspaceID: workspaceID, id: id), reason: reason, in: sql).isEmpty
    }
}
