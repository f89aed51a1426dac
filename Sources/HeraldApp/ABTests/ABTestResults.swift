import Experiments
import Foundation

/// The results document of `GET /api/ab-tests/{id}/results`, of the live stream and of the monitoring page
/// (design sections 4 and 6). Built by `ABTestResultsReader`; the decision worker acts on the same evaluation.
struct ABTestResults: Encodable, Sendable, Equatable {
    var asOf: Date
    var status: ABTestStatus
    /// Until the planned end; nil before the start and once the test is over.
    var timeLeftSeconds: Int?
    var metric: SuccessMetric
    var outcomeWindowSeconds: Int
    /// In position order; the first is the control.
    var variations: [VariationResult]
    /// The sample-ratio check of sent messages against the shares; nil before anything was sent.
    var srm: SRM?
    var looks: Int
    /// The variation with the highest rate so far; nil before any message has had its window.
    var leader: UUID?
    var verdict: Verdict
    /// `fixed`, or `thompson` for the bandit (which has no ratio check: `srm` stays nil).
    var allocation = ABTestAllocation.fixed

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", status, timeLeftSeconds = "time_left_seconds", metric, outcomeWindowSeconds = "outcome_window_seconds"
        case variations, srm, looks, leader, verdict, allocation
    }

    struct SRM: Encodable, Sendable, Equatable {
        var p: Double
        var ok: Bool
    }

    /// Where the decision stands: `not_started`, `not_enough_data`, `keep_going`, `winner`, `inconclusive`,
    /// `srm_failed`, `needs_decision` (waiting for a person), `decided` or `stopped`, with the variation it names.
    struct Verdict: Encodable, Sendable, Equatable {
        var state: String
        var variationId: UUID?
        var explanation: String

        enum CodingKeys: String, CodingKey { case state, variationId = "variation_id", explanation }
    }

    struct Interval: Encodable, Sendable, Equatable {
        var low: Double
        var high: Double
    }

    struct RateInterval: Encodable, Sendable, Equatable {
        var rate: Double?
        var low: Double?
        var high: Double?
    }

    /// Delivered, read, clicked and replied as shares of the messages sent, with 95 % Wilson intervals.
    struct Rates: Encodable, Sendable, Equatable {
        var delivered: RateInterval
        var read: RateInterval
        var clicked: RateInterval
        var replied: RateInterval
    }

    struct Lift: Encodable, Sendable, Equatable {
        var absolute: Double
        var relative: Double?
        /// The always-valid interval of the absolute difference.
        var interval: Interval
    }

    struct VariationResult: Encodable, Sendable, Equatable {
        var id: UUID
        var name: String
        var position: Int
        var control: Bool
        var share: Int
        /// Test contacts assigned to it at the freeze.
        var assigned: Int
        var messages: Int, sent: Int, delivered: Int, read: Int, clicked: Int, replied: Int, failed: Int, optedOut: Int
        var rates: Rates
        /// Messages that have had their outcome window, and successes inside it: what the test compares.
        var exposed: Int, successes: Int
        var rate: Double?
        var interval: Interval?
        /// Against the control; nil for the control.
        var lift: Lift?
        var alwaysValidP: Double?, adjustedP: Double?, probabilityBest: Double?, expectedLoss: Double?

        enum CodingKeys: String, CodingKey {
            case id, name, position, control, share, assigned, messages, sent, delivered, read, clicked, replied, failed
            case optedOut = "opted_out", rates, exposed, successes, rate, interval, lift, alwaysValidP = "always_valid_p"
            case adjustedP = "adjusted_p", probabilityBest = "probability_best", expectedLoss = "expected_loss"
        }
    }
}

extension ABTestResults.RateInterval {
    init(_ count: Int, of total: Int) {
        guard total > 0 else {
            self.init(rate: nil, low: nil, high: nil)
            return
        }
        let proportion = Proportion(successes: count, trials: total)
        let interval = proportion.wilsonInterval(confidence: 0.95)
        self.init(rate: proportion.rate, low: interval.lower, high: interval.upper)
    }
}

extension ABTestResults.Interval {
    init(_ interval: Experiments.Interval) { self.init(low: interval.lower, high: interval.upper) }
}
