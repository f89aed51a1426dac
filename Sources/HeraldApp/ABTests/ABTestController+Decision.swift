import Foundation
import Hummingbird

/// Results, the manual decision and stop (design sections 4 and 5).
extension ABTestController {
    var results: ABTestResultsReader { ABTestResultsReader(database: services.database) }

    func addDecisionRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("ab-tests/{id}/results", use: showResults)
        group.post("ab-tests/{id}/declare-winner", use: declareWinner)
        group.post("ab-tests/{id}/stop", use: stop)
    }

    @Sendable func showResults(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try JSONResponse.make(try await results.results(for: try await test(context)))
    }

    /// A person chooses the winner, at any moment of a started test, and wins over the automatic decision: from
    /// running, paused or deciding, or after an automatic (or earlier manual) winner while none of its messages has been
    /// attempted. `send_to_remaining` (default true) sends it to the rest of the audience.
    @Sendable func declareWinner(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let test = try await test(context)
        let reader = try FieldReader(try await request.jsonBody(context: context), path: "")
        try reader.rejectUnknown(["variation_id", "reason", "send_to_remaining"])
        guard let text = try reader.string("variation_id", required: true), let variationID = UUID(uuidString: text) else {
            throw APIError.invalid("variation_id", "variation_id must be the id of one of the test's variations")
        }
        guard let winner = test.variations.first(where: { $0.id == variationID }) else {
            throw APIError.invalid("variation_id", "is not a variation of this test")
        }
        let reason = try reader.string("reason", maxLength: 1000)
        let send = try reader.boolean("send_to_remaining") ?? true
        guard [.running, .paused, .deciding, .completed].contains(test.status) else {
            throw APIError(.conflict, "invalid_transition", "a \(test.status.rawValue) test cannot be decided", field: nil)
        }
        let access = context.access
        let record = ABTestVerdictRecord(
            outcome: .winner(winner.id, send: send), kind: "manual",
            reason: "\(winner.name) chosen by \(access.actor)" + (reason.map { $0.isEmpty ? "." : ": \($0)" } ?? ".")
                + (test.decision.map { $0.kind == "manual" ? "" : " Herald's decision was overridden: \($0.reason ?? $0.kind)." } ?? "")
        )
        let dialect = services.database.dialect
        do {
            try await services.database.transaction { sql in
                try await ABTestStore.record(
                    record, testID: test.id, workspaceID: test.workspaceID, campaignID: test.campaignID,
                    by: .person(actor: access.actor, userID: access.userID), now: Date(), dialect: dialect, in: sql
                )
            }
        } catch ABTestStore.DecisionError.winnerAlreadySending {
            throw APIError(.conflict, "winner_already_sending", "the winner is already being sent; the decision can no longer change", field: "variation_id")
        } catch ABTestStore.DecisionError.winnerAlreadyQueued {
            throw APIError(
                .conflict, "winner_already_queued",
                "the winner is already queued to the remaining audience; to keep it from them, stop the campaign instead", field: "send_to_remaining"
            )
        } catch ABTestStore.DecisionError.audienceNotReady {
            throw APIError(.conflict, "audience_not_ready", "the test's audience is still being prepared; try again in a few seconds", field: nil)
        } catch ABTestStore.DecisionError.superseded {
            throw APIError(.conflict, "invalid_transition", "the test changed meanwhile and cannot be decided now; reload it", field: nil)
        }
        return try JSONResponse.make(try await self.test(id: test.id, workspaceID: test.workspaceID))
    }

    /// Stops a test without a winner: it is cancelled with its campaign, whose queued messages are cancelled.
    @Sendable func stop(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireWrite()
        let test = try await test(context)
        let actor = context.access.actor
        let stopped = try await services.database.transaction { sql in
            try await ABTestStore.stop(testID: test.id, workspaceID: test.workspaceID, campaignID: test.campaignID, by: actor, now: Date(), in: sql)
        }
        guard stopped else {
            throw APIError(.conflict, "invalid_transition", "a \(test.status.rawValue) test cannot be stopped", field: nil)
        }
        return try JSONResponse.make(try await self.test(id: test.id, workspaceID: test.workspaceID))
    }

    /// While running or paused only the duration may change, and the test be paused or resumed (with its campaign).
    func configRunning(_ test: ABTest, reader: FieldReader, actor: String) async throws {
        if let field = reader.fields.keys.sorted().first(where: { !ABTestInput.runningConfigFields.contains($0) }) {
            throw APIError(.conflict, "not_editable_while_running", "\(field) cannot change once the test has started; only duration_hours and paused can", field: field)
        }
        var newDuration: Int?
        if let hours = try reader.integer("duration_hours") {
            guard (1...720).contains(hours) else { throw APIError.invalid("duration_hours", "duration_hours must be from 1 to 720") }
            guard Int(hours) * 3600 > test.settings.outcomeWindowSeconds else {
                throw APIError.invalid(
                    "duration_hours", "the test must last longer than its outcome window of \(test.settings.outcomeWindowSeconds) seconds",
                    code: "window_longer_than_duration"
                )
            }
            newDuration = Int(hours)
        }
        let duration = newDuration
        let paused = try reader.boolean("paused")
        let (database, status) = (services.database, test.status)
        try await database.transaction { sql in
            try await ABTestStore.configureRunning(
                test.id, workspaceID: test.workspaceID, campaignID: test.campaignID, status: status, durationHours: duration, paused: paused,
                actor: actor, now: Date(), dialect: database.dialect, in: sql
            )
        }
    }
}
