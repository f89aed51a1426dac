import Foundation

/// What a test's monitoring page shows: status and time left, the settings, the per-variation table with rates and
/// intervals, the leader, the decision in words, and the buttons the viewer's role allows. Numbers are formatted as
/// `ab-tests-model.js` formats them, since the page's script rewrites the same cells from the live results.
struct ABTestPageModel {
    let pages: WebPages
    let access: Access
    let test: ABTest

    func values() async throws -> [String: Any] {
        let t = test
        let zone = try await pages.services.workspaces.find(id: t.workspaceID)?.timeZone ?? "UTC"
        let results = try await pages.abTestResults.results(for: t)
        let segment =
            try await t.audience.segmentID.asyncMap { try await pages.services.segments.store.find(workspaceID: t.workspaceID, id: $0) } ?? nil
        let undecided: Set<ABTestStatus> = [.running, .paused, .deciding]
        let names = Dictionary(t.variations.map { ($0.id, $0.name) }) { first, _ in first }
        var values: [String: Any] = [
            "id": t.id.uuidString.lowercased(), "name": t.name, "status": t.status.rawValue, "statusWords": Self.statusWords(t.status),
            "campaignID": t.campaignID.uuidString.lowercased(), "timeLeft": Self.timeLeft(results.timeLeftSeconds),
            "metric": t.settings.successMetric.rawValue, "metricWords": Self.metricWords(t.settings.successMetric),
            "window": Self.minutes(t.settings.outcomeWindowSeconds), "testPercentage": t.settings.testPercentage,
            "durationHours": t.settings.durationHours,
            "audienceLabel": t.audience.segmentID == nil ? "All opted-in contacts" : "Saved segment “\(segment?.name ?? "(deleted)")”",
            "audienceSize": WebPages.present(t.audienceSize.map(WebPages.grouped)),
            "testAudienceSize": WebPages.present(t.testAudienceSize.map(WebPages.grouped)),
            "autoSend": t.settings.autoSendWinner
                ? "Herald sends the winner to the remaining audience" : "You choose the winner; Herald recommends one",
            "policy": Self.policyWords(t.settings.inconclusivePolicy),
            "bandit": t.settings.allocation == .thompson, "banditLabel": ABTestBandit.label(t.settings.successMetric),
            "startedAt": WebPages.present(t.startedAt.map { WebPages.display($0, timeZone: zone) }),
            "endsAt": WebPages.present(t.endsAt.map { WebPages.display($0, timeZone: zone) }),
            "createdAt": WebPages.display(t.createdAt, timeZone: zone),
            "rows": results.variations.map(Self.row),
            "leader": Self.leaderText(results), "verdict": results.verdict.explanation, "verdictState": results.verdict.state,
            "live": undecided.contains(t.status), "pageScript": "ab-tests.js",
            "canStart": t.status == .draft, "canDeclare": undecided.contains(t.status), "canStop": t.status != .completed && t.status != .cancelled,
            "choices": t.variations.map { v -> [String: Any] in
                ["id": v.id.uuidString.lowercased(), "name": v.name, "selected": v.id == (results.verdict.variationId ?? t.recommendedVariationID)]
            },
        ]
        if let decision = t.decision {
            values["decision"] = [
                "winner": t.winnerVariationID.flatMap { names[$0] } ?? "—", "how": Self.decisionWords(decision.kind),
                "by": decision.by ?? "herald", "at": WebPages.present(decision.at.map { WebPages.display($0, timeZone: zone) }),
                "reason": WebPages.present(decision.reason),
            ] as [String: Any]
        }
        if let recommended = t.recommendedVariationID.flatMap({ names[$0] }), t.winnerVariationID == nil {
            values["recommended"] = recommended
        }
        return values
    }

    static func row(_ v: ABTestResults.VariationResult) -> [String: Any] {
        ["id": v.id.uuidString.lowercased(), "name": v.name, "control": v.control, "share": v.share, "cells": cells(v)]
    }

    /// The cells of a variation's row, keyed by their `data-cell` names (`rowCells` in ab-tests-model.js).
    static func cells(_ v: ABTestResults.VariationResult) -> [String: String] {
        func of(_ r: ABTestResults.RateInterval) -> String { rateText(r.rate, r.low, r.high) }
        return [
            "sent": WebPages.grouped(v.sent), "sent_rate": v.assigned > 0 ? "of \(WebPages.grouped(v.assigned)) assigned" : "",
            "delivered": WebPages.grouped(v.delivered), "delivered_rate": of(v.rates.delivered),
            "read": WebPages.grouped(v.read), "read_rate": of(v.rates.read),
            "clicked": WebPages.grouped(v.clicked), "clicked_rate": of(v.rates.clicked),
            "replied": WebPages.grouped(v.replied), "replied_rate": of(v.rates.replied),
            "metric": rateText(v.rate, v.interval?.low, v.interval?.high),
            "metric_counts": "\(WebPages.grouped(v.successes)) of \(WebPages.grouped(v.exposed))",
            "lift": v.control ? "control" : liftText(v.lift), "best": percent(v.probabilityBest),
        ]
    }

    static func statusWords(_ status: ABTestStatus) -> String {
        switch status {
        case .draft: "Draft: not started"
        case .running: "Running"
        case .paused: "Paused"
        case .deciding: "Waiting for a decision"
        case .completed: "Completed"
        case .cancelled: "Stopped"
        }
    }

    static func metricWords(_ metric: SuccessMetric) -> String {
        switch metric {
        case .read: "Read rate"
        case .click: "Click rate"
        case .reply: "Reply rate"
        case .conversion: "Conversion rate"
        }
    }

    static func policyWords(_ policy: InconclusivePolicy) -> String {
        switch policy {
        case .manual: "Wait for your decision"
        case .control: "Send the control"
        case .leader: "Send the leader"
        }
    }

    static func decisionWords(_ kind: String) -> String {
        switch kind {
        case "sequential": "by the sequential test, before the end"
        case "horizon": "at the end of the test"
        case "policy": "by the policy for an inconclusive test"
        case "manual": "by hand"
        default: kind
        }
    }

    static func minutes(_ seconds: Int) -> String {
        seconds % 60 == 0 ? (seconds == 60 ? "1 minute" : "\(seconds / 60) minutes") : "\(seconds) seconds"
    }

    /// One decimal of a percentage: 0.1234 → `12.3`.
    static func one(_ x: Double) -> String { String(format: "%.1f", (x * 1000).rounded() / 10) }

    static func percent(_ rate: Double?) -> String { rate.map { one($0) + "%" } ?? "—" }

    /// `12.3% (10.1–14.6)`: a rate with its 95 % interval.
    static func rateText(_ rate: Double?, _ low: Double?, _ high: Double?) -> String {
        guard let rate else { return "—" }
        guard let low, let high else { return percent(rate) }
        return "\(percent(rate)) (\(one(low))–\(one(high)))"
    }

    static func signed(_ x: Double) -> String {
        let v = (x * 1000).rounded() / 10
        let text = String(format: "%.1f", abs(v))
        return text == "0.0" ? text : (v > 0 ? "+" : "−") + text
    }

    /// `+12.3% (−1.2 to +5.4 pts)`: the relative lift over the control, and the absolute difference's interval.
    static func liftText(_ lift: ABTestResults.Lift?) -> String {
        guard let lift else { return "—" }
        let head = lift.relative.map { signed($0) + "%" } ?? signed(lift.absolute) + " pts"
        return "\(head) (\(signed(lift.interval.low)) to \(signed(lift.interval.high)) pts)"
    }

    static func timeLeft(_ seconds: Int?) -> String {
        guard let seconds else { return "—" }
        if seconds < 60 { return seconds <= 0 ? "ending now" : "under a minute" }
        let (days, hours, minutes) = (seconds / 86_400, seconds % 86_400 / 3600, seconds % 3600 / 60)
        if days > 0 { return "\(days) d \(hours) h" }
        return hours > 0 ? "\(hours) h \(minutes) min" : "\(minutes) min"
    }

    static func leaderText(_ results: ABTestResults) -> String {
        guard let leader = results.variations.first(where: { $0.id == results.leader }) else { return "No leader yet" }
        if leader.control { return "\(leader.name) (the control) leads" }
        let control = results.variations.first { $0.control }
        guard let lift = leader.lift else { return "\(leader.name) leads" }
        return "\(leader.name) leads: \(liftText(lift))" + (control.map { " against \($0.name)" } ?? "")
    }

    /// The list's column: the winner once decided, else the leader so far.
    static func leaderOrWinner(_ test: ABTest, results: ABTestResults?) -> String {
        if let winner = test.winnerVariationID, let v = test.variations.first(where: { $0.id == winner }) {
            let lift = results?.variations.first { $0.id == winner }?.lift
            return "Winner: \(v.name)" + (lift?.relative.map { " (\(signed($0))%)" } ?? "")
        }
        guard let results else { return "—" }
        return leaderText(results)
    }
}
