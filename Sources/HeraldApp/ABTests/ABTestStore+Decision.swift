import Foundation
import SQLKit
import Storage

/// Who decides a test, and with what authority: the worker holding the evaluation lease, or a person.
enum ABTestDecider: Sendable, Equatable {
    case worker(owner: String)
    case person(actor: String, userID: UUID?)

    var name: String {
        switch self {
        case .worker: "herald"
        case .person(let actor, _): actor
        }
    }
}

/// A decision to store: the winner (or the recommendation, when a person must choose), how it was reached and why.
struct ABTestVerdictRecord: Sendable {
    enum Outcome: Sendable, Equatable {
        /// The test is completed with this winner; `send` queues it to the remaining audience.
        case winner(UUID, send: Bool)
        /// The test waits for a person, with this recommendation (nil when there is none) and an alert.
        case needsDecision(recommended: UUID?, alert: String)
    }
    var outcome: Outcome
    /// `sequential`, `horizon`, `policy` or `manual`.
    var kind: String
    var reason: String
}

extension ABTestStore {
    enum DecisionError: Error, Equatable {
        /// A person decided first, or the worker lost its lease: nothing was written.
        case superseded
        /// A winner message has already been attempted: the decision can no longer change.
        case winnerAlreadySending
        /// The test's audience is still being frozen: nothing can be decided for a moment.
        case audienceNotReady
        /// A winner is already on its way to the remaining audience: keeping it from them is stopping the campaign.
        case winnerAlreadyQueued
    }

    /// Stores a decision in the caller's transaction (design section 5): the test row moves only from a status that
    /// allows it (a worker only from `running`, while it holds the lease and before anyone chose a winner; a person from
    /// `running`, `paused` or `deciding`, or from `completed` while no winner message was attempted), so of two deciders
    /// exactly one wins. A winner with `send` queues job `ab_test.send_winner` in the same transaction, and switches
    /// test messages not yet sent to the winner, so the decision and its send stand or fall together.
    static func record(
        _ record: ABTestVerdictRecord, testID: UUID, workspaceID: UUID, campaignID: UUID, by decider: ABTestDecider,
        now: Date, dialect: Dialect, in sql: any SQLDatabase
    ) async throws {
        let userID: UUID? = if case .person(_, let id) = decider { id } else { nil }
        // Locks the test row first (PostgreSQL), so a winner send's page, which holds it too, is never half on the old winner.
        guard let prior = try await sql.raw(
            "SELECT status, winner_send, test_queued_at FROM ab_tests WHERE id = \(bind: testID)\(dialect.forUpdate)"
        ).first() else {
            throw DecisionError.superseded
        }
        let priorStatus = try prior.decode(column: "status", as: String.self)
        let priorSend = try prior.decode(column: "winner_send", as: String.self)
        // Until the freeze has queued the test messages there is no remaining audience to send a winner to.
        if try prior.decode(column: "test_queued_at", as: Date?.self) == nil, priorStatus == "running" || priorStatus == "paused" {
            throw DecisionError.audienceNotReady
        }
        let guardClause: SQLQueryString =
            switch decider {
            case .worker(let owner):
                "status = 'running' AND winner_variation_id IS NULL AND evaluation_owner = \(bind: owner)"
            case .person:
                "(status IN ('running', 'paused', 'deciding') OR (status = 'completed' AND winner_send <> 'none'))"
            }
        let set: SQLQueryString
        switch record.outcome {
        case .winner(let winner, let send):
            if case .person = decider {
                // A change of winner after an automatic one: only while every winner message is still queued.
                try await sql.raw(
                    """
                    UPDATE messages SET variation_id = \(bind: winner), updated_at = \(bind: now)
                    WHERE campaign_id = \(bind: campaignID) AND ab_phase = 'winner' AND status = 'queued'
                    """
                ).run()
                let attempted = try await sql.raw(
                    """
                    SELECT COUNT(*) AS n FROM messages WHERE campaign_id = \(bind: campaignID) AND ab_phase = 'winner' AND status <> 'queued'
                    """
                ).first()?.decode(column: "n", as: Int.self) ?? 0
                if attempted > 0 { throw DecisionError.winnerAlreadySending }
                if !send, priorSend != "none" { throw DecisionError.winnerAlreadyQueued }
            }
            let winnerSend: SQLQueryString = send ? "CASE WHEN winner_send = 'queued' THEN 'queued' ELSE 'pending' END" : "'none'"
            set = """
                status = 'completed', winner_variation_id = \(bind: winner), recommended_variation_id = NULL,
                    winner_send = \(winnerSend), ended_at = COALESCE(ended_at, \(bind: now))
                """
        case .needsDecision(let recommended, _):
            set = "status = 'deciding', recommended_variation_id = \(bind: recommended)"
        }
        let moved = try await sql.raw(
            """
            UPDATE ab_tests SET \(set), decision_kind = \(bind: record.kind), decided_by = \(bind: decider.name),
                decided_by_user_id = \(bind: userID), decision_reason = \(bind: record.reason), decided_at = \(bind: now),
                evaluation_owner = NULL, evaluation_lease_until = NULL, updated_at = \(bind: now)
            WHERE id = \(bind: testID) AND status = \(bind: priorStatus) AND winner_send = \(bind: priorSend) AND \(guardClause)
            RETURNING id
            """
        ).first()
        guard moved != nil else { throw DecisionError.superseded }
        let decided = if case .winner = record.outcome { true } else { false }
        try await AlertEventRules.abTestOutcome(
            workspaceID: workspaceID, campaignID: campaignID, testID: testID, decided: decided,
            message: decided ? "A/B test decided: \(record.reason)" : "A/B test ended inconclusive: \(record.reason)", now: now, dialect: dialect, in: sql
        )
        switch record.outcome {
        case .winner(let winner, let send):
            // Choosing a winner is saying "go": a paused or held campaign sends again (its queued test messages, and the
            // winner's), since once its test is completed it is the campaign's own routes that pause and resume it. A
            // hold whose cause remains (a template still paused) is raised again by the sender at its first attempt.
            try await CampaignStore.perform(.resume, on: .one(workspaceID: workspaceID, id: campaignID), in: sql)
            guard send else { return }
            // Test messages not sent yet (a sequential stop can come before every test send went out) get the winner.
            try await sql.raw(
                """
                UPDATE messages SET variation_id = \(bind: winner), ab_phase = 'winner', updated_at = \(bind: now)
                WHERE campaign_id = \(bind: campaignID) AND ab_phase = 'test' AND status = 'queued'
                """
            ).run()
            if priorSend == "none" {
                try await JobQueue.enqueue(
                    sql, dialect: dialect, workspaceID: workspaceID, kind: ABTestWinnerJob.kind, payload: ABTestWinnerJob.payload(testID: testID)
                )
            }
        case .needsDecision(_, let alert):
            try await AlertStore.raise(workspaceID: workspaceID, level: "warning", kind: "ab_test_needs_decision", message: alert, campaignID: campaignID, in: sql)
        }
    }

    /// What a running or paused test may change: its duration (the end moves to `started_at` + the new duration) and
    /// whether it is paused, with its campaign. A test that moved meanwhile is a 409.
    static func configureRunning(
        _ testID: UUID, workspaceID: UUID, campaignID: UUID, status: ABTestStatus, durationHours: Int?, paused: Bool?, actor: String, now: Date,
        dialect: Dialect, in sql: any SQLDatabase
    ) async throws {
        if let durationHours {
            let moved = try await sql.raw(
                """
                UPDATE ab_tests SET duration_hours = \(bind: durationHours), ends_at = \(dialect.plusSeconds("started_at", Double(durationHours * 3600))),
                    updated_at = \(bind: now)
                WHERE id = \(bind: testID) AND status IN ('running', 'paused') RETURNING id
                """
            ).first()
            guard moved != nil else { throw APIError(.conflict, "invalid_transition", "the test is no longer running", field: "duration_hours") }
        }
        if let paused {
            let (from, to): (ABTestStatus, ABTestStatus) = paused ? (.running, .paused) : (.paused, .running)
            let moved = try await sql.raw(
                """
                UPDATE ab_tests SET status = \(bind: to.rawValue), updated_at = \(bind: now)
                WHERE id = \(bind: testID) AND status = \(bind: from.rawValue) RETURNING id
                """
            ).first()
            if moved != nil {
                try await CampaignStore.perform(
                    paused ? .pause : .resume, on: .one(workspaceID: workspaceID, id: campaignID),
                    reason: paused ? "the A/B test was paused by \(actor)" : nil, in: sql
                )
            } else if status != to {
                throw APIError(.conflict, "invalid_transition", "the test is no longer \(from.rawValue)", field: "paused")
            }
        }
    }

    /// Whether the campaign's A/B test is still in charge of it (not yet completed or cancelled): its campaign then
    /// moves only through the test.
    func isTestInCharge(campaignID: UUID) async throws -> Bool {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT id FROM ab_tests WHERE campaign_id = \(bind: campaignID) AND status IN ('draft', 'running', 'paused', 'deciding')
                """
            ).first() != nil
        }
    }

    /// Stops a test that has no winner yet: cancelled, with its campaign (queued messages are cancelled). False when it
    /// was not in a status that can be stopped.
    static func stop(testID: UUID, workspaceID: UUID, campaignID: UUID, by actor: String, now: Date, in sql: any SQLDatabase) async throws -> Bool {
        let moved = try await sql.raw(
            """
            UPDATE ab_tests SET status = 'cancelled', ended_at = \(bind: now), decision_reason = \(bind: "Stopped by \(actor) without a winner."),
                decided_by = \(bind: actor), decided_at = \(bind: now), evaluation_owner = NULL, evaluation_lease_until = NULL, updated_at = \(bind: now)
            WHERE id = \(bind: testID) AND status IN ('draft', 'running', 'paused', 'deciding')
            RETURNING id
            """
        ).first()
        guard moved != nil else { return false }
        try await CampaignStore.perform(.cancel, on: .one(workspaceID: workspaceID, id: campaignID), reason: "the A/B test was stopped", in: sql)
        return true
    }
}
