import Experiments
import Foundation
import SQLKit
import Storage

/// One look at a test: the results document, and the statistics the decision worker acts on.
struct ABTestEvaluation: Sendable {
    var results: ABTestResults
    /// Nil until some message has had its outcome window.
    var decision: Decision?
    /// The planned end has passed, nothing is left to send and every test message has had its window: the final look.
    var atHorizon: Bool
    /// When the final look can happen, once nothing is left to send; nil while test messages still wait.
    var horizonAt: Date?
}

/// Counts a test's messages per variation and evaluates them with `Experiments.Decision` (design section 4).
/// A message counts once it has had its metric's outcome window, with only the events inside the window, so every
/// variation is compared over the same exposure.
struct ABTestResultsReader: Sendable {
    let database: Database

    func results(for test: ABTest, now: Date = Date()) async throws -> ABTestResults {
        try await evaluate(test, now: now).results
    }

    func evaluate(_ test: ABTest, now: Date = Date()) async throws -> ABTestEvaluation {
        let dialect = database.dialect
        return try await database.read { sql in try await Self.evaluate(test, now: now, dialect: dialect, in: sql) }
    }

    static func evaluate(_ test: ABTest, now: Date, dialect: Dialect, in sql: any SQLDatabase) async throws -> ABTestEvaluation {
        let stored = try await ABTestEvaluationState.load(testID: test.id, in: sql)
        let counts = try await ArmTally.load(test, now: now, dialect: dialect, in: sql)
        let policy = DecisionPolicy(
            alpha: stored.alpha,
            method: .confidenceSequence(plannedTotal: max(2 * (test.variations.map { stored.assigned[$0.id] ?? 0 }.min() ?? 0), 2 * stored.minimumPerArm)),
            minimumPerArm: stored.minimumPerArm
        )
        let tallies = test.variations.map { counts[$0.id] ?? ArmTally() }
        let pending = tallies.reduce(0) { $0 + $1.pending }
        let lastAccepted = tallies.compactMap(\.lastAccepted).max()
        let window = TimeInterval(test.settings.outcomeWindowSeconds)
        var horizonAt: Date?
        let unallocated = test.settings.allocation == .thompson ? try await ABTestStore.unallocated(testID: test.id, in: sql) : 0
        if let endsAt = test.endsAt, stored.frozen, pending == 0, unallocated == 0 {
            horizonAt = max(endsAt, lastAccepted.map { $0.addingTimeInterval(window) } ?? endsAt)
        }
        let atHorizon = horizonAt.map { $0 <= now } ?? false

        var decision: Decision?
        if tallies.contains(where: { $0.exposed > 0 }) {
            let arms = zip(test.variations, tallies).map { variation, tally in
                ArmCounts(name: variation.name, share: Double(variation.share) / 100, exposed: tally.exposed, successes: tally.successes, assigned: tally.sent)
            }
            let previous = test.variations.dropFirst().map { AlwaysValidPValue(value: stored.alwaysValidP[$0.id] ?? 1) }
            decision = Decision(arms: arms, policy: policy, previous: previous, atHorizon: atHorizon, unsent: pending)
        }
        var results = ABTestResults(
            asOf: now,
            status: test.status,
            timeLeftSeconds: (test.status == .running || test.status == .paused) ? test.endsAt.map { max(0, Int($0.timeIntervalSince(now).rounded(.up))) } : nil,
            metric: test.settings.successMetric,
            outcomeWindowSeconds: test.settings.outcomeWindowSeconds,
            variations: test.variations.enumerated().map { index, variation in
                variationResult(variation, tally: tallies[index], assigned: stored.assigned[variation.id] ?? 0, decision: decision, index: index)
            },
            srm: decision.map { ABTestResults.SRM(p: $0.sampleRatio.pValue, ok: !$0.sampleRatio.isMismatch(threshold: policy.sampleRatioThreshold)) },
            looks: stored.looks,
            leader: decision.map { test.variations[$0.leader].id },
            verdict: verdict(test, decision: decision, frozen: stored.frozen, reason: stored.reason)
        )
        ABTestBandit.adjust(&results, test: test)
        return ABTestEvaluation(results: results, decision: decision, atHorizon: atHorizon, horizonAt: horizonAt)
    }

    private static func variationResult(
        _ variation: ABTestVariation, tally: ArmTally, assigned: Int, decision: Decision?, index: Int
    ) -> ABTestResults.VariationResult {
        let summary = decision?.arms[index]
        let comparison = decision?.comparisons.first { $0.arm == index }
        return ABTestResults.VariationResult(
            id: variation.id, name: variation.name, position: variation.position, control: variation.isControl, share: variation.share,
            assigned: assigned, messages: tally.messages, sent: tally.sent, delivered: tally.delivered, read: tally.read,
            clicked: tally.clicked, replied: tally.replied, failed: tally.failed, optedOut: tally.optedOut,
            rates: ABTestResults.Rates(
                delivered: .init(tally.delivered, of: tally.sent), read: .init(tally.read, of: tally.sent),
                clicked: .init(tally.clicked, of: tally.sent), replied: .init(tally.replied, of: tally.sent)
            ),
            exposed: tally.exposed, successes: tally.successes,
            rate: tally.exposed > 0 ? summary?.rate : nil,
            interval: tally.exposed > 0 ? summary.map { ABTestResults.Interval($0.interval) } : nil,
            lift: comparison.map { ABTestResults.Lift(absolute: $0.difference, relative: $0.relativeLift, interval: ABTestResults.Interval($0.interval)) },
            alwaysValidP: comparison?.pValue, adjustedP: comparison?.adjustedPValue,
            probabilityBest: summary?.probabilityBest, expectedLoss: summary?.expectedLoss
        )
    }

    private static func verdict(_ test: ABTest, decision: Decision?, frozen: Bool, reason: String?) -> ABTestResults.Verdict {
        let name = { (id: UUID?) in test.variations.first { $0.id == id }?.name ?? "?" }
        switch test.status {
        case .draft:
            return .init(state: "not_started", variationId: nil, explanation: "The test has not started.")
        case .completed:
            return .init(state: "decided", variationId: test.winnerVariationID, explanation: reason ?? "\(name(test.winnerVariationID)) won.")
        case .cancelled:
            return .init(state: "stopped", variationId: nil, explanation: reason ?? "The test was stopped without a winner.")
        case .deciding:
            return .init(
                state: "needs_decision", variationId: test.recommendedVariationID,
                explanation: reason ?? "The test needs a decision: choose the variation to send."
            )
        case .running, .paused:
            guard frozen else { return .init(state: "not_enough_data", variationId: nil, explanation: "The audience is being prepared.") }
            guard let decision else {
                return .init(state: "not_enough_data", variationId: nil, explanation: "No message has had its outcome window yet.")
            }
            switch decision.verdict {
            case .notEnoughData, .awaitingSends: return .init(state: "not_enough_data", variationId: nil, explanation: decision.explanation)
            case .sampleRatioMismatch: return .init(state: "srm_failed", variationId: nil, explanation: decision.explanation)
            case .keepGoing: return .init(state: "keep_going", variationId: nil, explanation: decision.explanation)
            case .inconclusive: return .init(state: "inconclusive", variationId: nil, explanation: decision.explanation)
            case .winner(let arm): return .init(state: "winner", variationId: test.variations[arm].id, explanation: decision.explanation)
            }
        }
    }
}

/// What the database holds for the statistics: the stored rules, the running always-valid p per treatment, the
/// looks so far and the freeze's arm sizes.
struct ABTestEvaluationState: Sendable {
    var alpha = 0.05
    var minimumPerArm = 100
    var looks = 0
    var frozen = false
    var reason: String?
    var alwaysValidP: [UUID: Double] = [:]
    var assigned: [UUID: Int] = [:]

    static func load(testID: UUID, in sql: any SQLDatabase) async throws -> ABTestEvaluationState {
        var state = ABTestEvaluationState()
        if let row = try await sql.raw(
            "SELECT alpha, min_per_arm, looks, frozen_at, decision_reason FROM ab_tests WHERE id = \(bind: testID)"
        ).first() {
            state.alpha = try row.decode(column: "alpha", as: Double.self)
            state.minimumPerArm = try row.decode(column: "min_per_arm", as: Int.self)
            state.looks = try row.decode(column: "looks", as: Int.self)
            state.frozen = try row.decode(column: "frozen_at", as: Date?.self) != nil
            state.reason = try row.decode(column: "decision_reason", as: String?.self)
        }
        for row in try await sql.raw("SELECT id, always_valid_p FROM ab_test_variations WHERE ab_test_id = \(bind: testID)").all() {
            if let p = try row.decode(column: "always_valid_p", as: Double?.self) {
                state.alwaysValidP[try row.decode(column: "id", as: UUID.self)] = p
            }
        }
        for row in try await sql.raw(
            """
            SELECT variation_id, COUNT(*) AS n FROM ab_test_assignments
            WHERE ab_test_id = \(bind: testID) AND in_test = \(bind: true) AND variation_id IS NOT NULL GROUP BY variation_id
            """
        ).all() {
            state.assigned[try row.decode(column: "variation_id", as: UUID.self)] = try row.decode(column: "n", as: Int.self)
        }
        return state
    }
}

/// One variation's test messages, counted in one grouped query.
struct ArmTally: Sendable, Equatable {
    var messages = 0, sent = 0, delivered = 0, read = 0, clicked = 0, replied = 0, failed = 0, optedOut = 0
    /// Still queued or being sent.
    var pending = 0
    var exposed = 0, successes = 0
    var lastAccepted: Date?

    static func load(_ test: ABTest, now: Date, dialect: Dialect, in sql: any SQLDatabase) async throws -> [UUID: ArmTally] {
        let window = Double(test.settings.outcomeWindowSeconds)
        let cutoff = now.addingTimeInterval(-window)
        let column = test.settings.successMetric.messageColumn
        // A STOP is a reply but not a success; a genuine reply before a later STOP still is (the count never falls).
        let notOptOut: SQLQueryString = test.settings.successMetric == .reply ? " AND (opted_out_at IS NULL OR replied_at < opted_out_at)" : ""
        let rows = try await sql.raw(
            """
            SELECT variation_id, COUNT(*) AS messages, COUNT(accepted_at) AS sent, COUNT(delivered_at) AS delivered,
                COUNT(read_at) AS reads, COUNT(clicked_at) AS clicks, COUNT(replied_at) AS replies, COUNT(opted_out_at) AS opt_outs,
                SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
                SUM(CASE WHEN status IN ('queued', 'sending') THEN 1 ELSE 0 END) AS pending,
                SUM(CASE WHEN accepted_at <= \(bind: cutoff) THEN 1 ELSE 0 END) AS exposed,
                SUM(CASE WHEN accepted_at <= \(bind: cutoff) AND \(ident: column) IS NOT NULL
                    AND \(ident: column) <= \(dialect.plusSeconds("accepted_at", window))\(notOptOut) THEN 1 ELSE 0 END) AS successes,
                MAX(accepted_at) AS last_accepted
            FROM messages WHERE campaign_id = \(bind: test.campaignID) AND ab_phase = 'test' AND variation_id IS NOT NULL
            GROUP BY variation_id
            """
        ).all()
        var tallies: [UUID: ArmTally] = [:]
        for row in rows {
            func int(_ name: String) throws -> Int { try row.decode(column: name, as: Int?.self) ?? 0 }
            tallies[try row.decode(column: "variation_id", as: UUID.self)] = ArmTally(
                messages: try int("messages"), sent: try int("sent"), delivered: try int("delivered"), read: try int("reads"),
                clicked: try int("clicks"), replied: try int("replies"), failed: try int("failed"), optedOut: try int("opt_outs"),
                pending: try int("pending"), exposed: try int("exposed"), successes: try int("successes"),
                lastAccepted: try row.decode(column: "last_accepted", as: Date?.self)
            )
        }
        return tallies
    }
}
