import Experiments
import Foundation
import Logging
import ServiceLifecycle
import SQLKit
import Storage

/// Evaluates running tests when they are due and decides them (design section 5). The schedule is a column
/// (`next_evaluation_at`), not a timer, so a restart loses nothing; servers sharing a database take turns through a
/// lease on the test row, and the decision itself is a conditional update, so only one of them acts.
struct ABTestWorker: Service {
    let database: Database
    let store: ABTestStore
    /// Seconds between looks at a running test.
    let interval: TimeInterval
    let logger: Logger
    var owner = "herald-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    var poll: Duration = .milliseconds(500)
    /// How long a claim lasts; a server that dies mid-look frees the test after this.
    var lease: TimeInterval = 60

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var lastSweep = ContinuousClock.now - .seconds(60)
            while !Task.isCancelled {
                var didWork = false
                do {
                    didWork = try await evaluateDue()
                    if ContinuousClock.now - lastSweep > .seconds(30) {
                        lastSweep = .now
                        try await requeueStalledWinnerSends()
                    }
                } catch {
                    logger.error("A/B test evaluation failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                if !didWork { try? await Task.sleep(for: poll) }
            }
        }
    }

    /// Claims and evaluates one due test; false when none was due.
    @discardableResult
    func evaluateDue(now: Date = Date()) async throws -> Bool {
        guard let (workspaceID, testID) = try await claim(now: now) else { return false }
        guard let test = try await store.find(workspaceID: workspaceID, id: testID) else { return true }
        do {
            try await evaluate(test, now: now)
        } catch ABTestStore.DecisionError.superseded {
            logger.debug("A/B test decided elsewhere", metadata: ["ab_test_id": "\(testID)"])
        } catch {
            try? await release(testID, now: now)
            throw error
        }
        return true
    }

    private func claim(now: Date) async throws -> (UUID, UUID)? {
        try await database.transaction { sql in
            let free: SQLQueryString = "(evaluation_lease_until IS NULL OR evaluation_lease_until < \(bind: now))"
            return try await sql.raw(
                """
                UPDATE ab_tests SET evaluation_owner = \(bind: owner), evaluation_lease_until = \(bind: now.addingTimeInterval(lease))
                WHERE id = (
                    SELECT id FROM ab_tests WHERE status = 'running' AND test_queued_at IS NOT NULL AND next_evaluation_at <= \(bind: now)
                      AND \(free) ORDER BY next_evaluation_at LIMIT 1
                ) AND status = 'running' AND \(free)
                RETURNING workspace_id, id
                """
            ).first().map { (try $0.decode(column: "workspace_id", as: UUID.self), try $0.decode(column: "id", as: UUID.self)) }
        }
    }

    private func release(_ testID: UUID, now: Date) async throws {
        try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE ab_tests SET evaluation_owner = NULL, evaluation_lease_until = NULL, next_evaluation_at = \(bind: now.addingTimeInterval(interval))
                WHERE id = \(bind: testID) AND evaluation_owner = \(bind: owner)
                """
            ).run()
        }
    }

    /// One look: counts, the pure evaluation, then one transaction that records the look and either schedules the
    /// next one or stores the decision (and queues the winner's send).
    func evaluate(_ test: ABTest, now: Date) async throws {
        let evaluation = try await ABTestResultsReader(database: database).evaluate(test, now: now)
        let record =
            if test.settings.allocation == .thompson {
                ABTestBandit.verdict(test, evaluation: evaluation)
            } else if let decision = evaluation.decision {
                Self.verdict(test, decision: decision, atHorizon: evaluation.atHorizon)
            } else if evaluation.atHorizon {
                Self.nothingToCompare(test)
            } else {
                nil as ABTestVerdictRecord?
            }
        let dialect = database.dialect
        let owner = owner
        let next = now.addingTimeInterval(interval)
        try await database.transaction { sql in
            if let decision = evaluation.decision {
                try await Self.recordLook(test, decision: decision, results: evaluation.results, owner: owner, now: now, dialect: dialect, in: sql)
            }
            if let record {
                try await ABTestStore.record(
                    record, testID: test.id, workspaceID: test.workspaceID, campaignID: test.campaignID, by: .worker(owner: owner),
                    now: now, dialect: dialect, in: sql
                )
            } else {
                if test.settings.allocation == .thompson {
                    let arms = evaluation.results.variations.map { ThompsonAllocation.Arm(exposed: $0.exposed, successes: $0.successes) }
                    try await ABTestStore.allocateNextBatch(test, arms: arms, now: now, in: sql)
                }
                let moved = try await sql.raw(
                    """
                    UPDATE ab_tests SET evaluation_owner = NULL, evaluation_lease_until = NULL, next_evaluation_at = \(bind: next)
                    WHERE id = \(bind: test.id) AND evaluation_owner = \(bind: owner) RETURNING id
                    """
                ).first()
                if moved == nil { throw ABTestStore.DecisionError.superseded }
            }
        }
        if let record {
            logger.info(
                "A/B test decided",
                metadata: ["ab_test_id": "\(test.id)", "kind": "\(record.kind)", "reason": "\(record.reason)"]
            )
        }
    }

    /// What the look's statistics mean for the test under its settings; nil to keep going.
    static func verdict(_ test: ABTest, decision: Decision, atHorizon: Bool) -> ABTestVerdictRecord? {
        let leader = test.variations[decision.leader].id
        switch decision.verdict {
        case .notEnoughData, .keepGoing, .awaitingSends:
            return nil
        case .sampleRatioMismatch:
            let sent = decision.sampleRatio.observed.map(String.init).joined(separator: " / ")
            return ABTestVerdictRecord(
                outcome: .needsDecision(
                    recommended: nil,
                    alert: "A/B test \(test.name): the variations were sent \(sent) against shares of \(test.variations.map { "\($0.share) %" }.joined(separator: " / ")); something is wrong with one of them, so Herald decides nothing. Check the test and choose by hand."
                ),
                kind: "policy",
                reason: "Sample ratio mismatch (p = \(String(format: "%.2g", decision.sampleRatio.pValue))): the arms were not sent as planned, so the result cannot be trusted."
            )
        case .winner(let arm):
            let winner = test.variations[arm]
            let kind = atHorizon ? "horizon" : "sequential"
            let reason = decision.explanation
            if test.settings.autoSendWinner {
                return ABTestVerdictRecord(outcome: .winner(winner.id, send: true), kind: kind, reason: reason)
            }
            return ABTestVerdictRecord(
                outcome: .needsDecision(
                    recommended: winner.id,
                    alert: "A/B test \(test.name): \(winner.name) won (\(reason)). Sending is manual: declare the winner to send it to the rest."
                ),
                kind: kind, reason: reason
            )
        case .inconclusive:
            let reason = "No variation was clearly better by the end of the test. " + decision.explanation
            let pick: ABTestVariation? =
                switch test.settings.inconclusivePolicy {
                case .manual: nil
                case .control: test.variations[0]
                case .leader: test.variations[decision.leader]
                }
            if let pick, test.settings.autoSendWinner {
                let why = test.settings.inconclusivePolicy == .control ? "the control is kept" : "the leader is sent"
                return ABTestVerdictRecord(outcome: .winner(pick.id, send: true), kind: "policy", reason: "\(reason) By the test's policy \(why): \(pick.name).")
            }
            return ABTestVerdictRecord(
                outcome: .needsDecision(
                    recommended: pick?.id ?? leader,
                    alert: "A/B test \(test.name) ended without a clear winner; choose the variation to send to the rest."
                ),
                kind: "horizon", reason: reason
            )
        }
    }

    /// The end came and no test message was ever exposed (an empty audience, or every send failed): nothing to compare,
    /// so a person decides (the control is kept under the `control` policy).
    static func nothingToCompare(_ test: ABTest) -> ABTestVerdictRecord {
        let reason = "The test ended without any message that could be compared."
        if test.settings.inconclusivePolicy == .control, test.settings.autoSendWinner {
            return ABTestVerdictRecord(
                outcome: .winner(test.variations[0].id, send: true), kind: "policy", reason: "\(reason) By the test's policy the control is kept."
            )
        }
        return ABTestVerdictRecord(
            outcome: .needsDecision(recommended: nil, alert: "A/B test \(test.name) ended without any message that could be compared; check its audience and choose what to send."),
            kind: "horizon", reason: reason
        )
    }

    /// Appends the look (its number is unique per test, so two writers of one look cannot both succeed), keeps each
    /// treatment's running always-valid p and the latest results for the list page.
    static func recordLook(
        _ test: ABTest, decision: Decision, results: ABTestResults, owner: String, now: Date, dialect: Dialect, in sql: any SQLDatabase
    ) async throws {
        let look = (try await sql.raw("SELECT looks FROM ab_tests WHERE id = \(bind: test.id)").first()?.decode(column: "looks", as: Int.self) ?? 0) + 1
        struct Counts: Encodable {
            let exposed: [Int], successes: [Int], sent: [Int], p: [Double], adjusted_p: [Double], srm_p: Double, verdict: String
        }
        let counts = Counts(
            exposed: decision.arms.map(\.exposed), successes: decision.arms.map(\.successes), sent: decision.sampleRatio.observed,
            p: decision.comparisons.map(\.pValue), adjusted_p: decision.comparisons.map(\.adjustedPValue), srm_p: decision.sampleRatio.pValue,
            verdict: results.verdict.state
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let countsJSON = String(decoding: try encoder.encode(counts), as: UTF8.self)
        let resultsJSON = String(decoding: try JSONResponse.data(results), as: UTF8.self)
        try await sql.raw(
            """
            INSERT INTO ab_test_looks (ab_test_id, look, looked_at, owner, verdict, counts)
            VALUES (\(bind: test.id), \(bind: look), \(bind: now), \(bind: owner), \(bind: results.verdict.state), \(dialect.json(countsJSON)))
            """
        ).run()
        try await sql.raw(
            "UPDATE ab_tests SET looks = \(bind: look), last_result = \(dialect.json(resultsJSON)) WHERE id = \(bind: test.id)"
        ).run()
        for (index, variation) in test.variations.dropFirst().enumerated() {
            try await sql.raw(
                "UPDATE ab_test_variations SET always_valid_p = \(bind: decision.pValues[index].value) WHERE id = \(bind: variation.id)"
            ).run()
        }
    }
}
