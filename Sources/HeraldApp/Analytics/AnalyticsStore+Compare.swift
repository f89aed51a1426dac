import Analytics
import Foundation

/// One row of a comparison: a metric's value for each campaign (in the order asked) and which are best.
struct ComparisonRow: Sendable, Equatable {
    /// `count` (messages or events), `rate` (a share, with its rate in `rates`), `micros` (money in the report currency)
    /// or `ratio` (ROI, return on spend).
    enum Unit: String, Sendable { case count, rate, micros, ratio }

    var metric: String
    var unit: Unit
    var direction: Comparison.Direction
    var values: [Double?]
    /// For rate rows: the rates themselves (numerator, denominator, base).
    var rates: [Rate]?
    var best: [Int]
}

/// `GET /api/analytics/campaigns/compare` (design 5.2).
struct ComparisonReport: Sendable {
    var campaigns: [AnalyticsStore.CampaignName]
    var filter: AnalyticsFilter
    var allTime: Bool { !filter.explicitRange }
    var summaries: [MetricsSummary]
    var rows: [ComparisonRow]
    var currency: String
}

/// Why a comparison cannot be made.
enum ComparisonProblem: Error, Equatable {
    case tooFew, tooMany
    case unknownCampaign(String)
}

extension AnalyticsStore {
    static let compareLimits = 2...10

    /// The campaigns' figures side by side under `filter` (its own campaign list is replaced by `ids`); without dates,
    /// over their whole lives.
    func compare(_ workspaceID: UUID, ids texts: [String], filter requested: AnalyticsFilter) async throws -> ComparisonReport {
        var ids: [UUID] = []
        for text in texts {
            guard let id = UUID(uuidString: text.trimmingCharacters(in: .whitespaces)) else { throw ComparisonProblem.unknownCampaign(text) }
            if !ids.contains(id) { ids.append(id) }
        }
        guard ids.count >= Self.compareLimits.lowerBound else { throw ComparisonProblem.tooFew }
        guard ids.count <= Self.compareLimits.upperBound else { throw ComparisonProblem.tooMany }
        let found = Dictionary(uniqueKeysWithValues: try await campaigns(workspaceID, ids: ids).map { ($0.id, $0) })
        if let missing = ids.first(where: { found[$0] == nil }) { throw ComparisonProblem.unknownCampaign(missing.uuidString.lowercased()) }
        let workspace = try await workspace(workspaceID)
        var filter = requested
        filter.campaignIDs = ids
        // Without dates, each campaign's whole life (as its own metrics page).
        let rows = try await tally(CellSelection(workspaceID: workspaceID, filter: filter, allTime: !filter.explicitRange), by: [.campaign])
        var byCampaign: [UUID: AnalyticsTally] = [:]
        for (key, t) in rows { if let id = key.campaignID { byCampaign[id, default: AnalyticsTally()].add(t) } }
        let summaries = ids.map { MetricsSummary(byCampaign[$0] ?? AnalyticsTally(), converter: workspace.converter) }
        return ComparisonReport(
            campaigns: ids.compactMap { found[$0] }, filter: filter, summaries: summaries, rows: Self.comparisonRows(summaries.map(\.metrics)),
            currency: workspace.currency
        )
    }

    /// Rows in reading order: counts (never marked), rates (highest, with enough messages), money and returns.
    static func comparisonRows(_ sets: [MetricSet]) -> [ComparisonRow] {
        func count(_ metric: String, _ value: (MetricCounts) -> Int64) -> ComparisonRow {
            ComparisonRow(metric: metric, unit: .count, direction: .none, values: sets.map { Double(value($0.counts)) }, rates: nil, best: [])
        }
        func rate(_ metric: String, _ value: (MetricSet.Rates) -> Rate) -> ComparisonRow {
            let rates = sets.map { value($0.rates) }
            return ComparisonRow(
                metric: metric, unit: .rate, direction: .higher, values: rates.map(\.value), rates: rates, best: Comparison.best(rates: rates))
        }
        func money(_ metric: String, _ direction: Comparison.Direction, _ value: (MetricSet) -> Int64?) -> ComparisonRow {
            let values = sets.map { value($0).map(Double.init) }
            return ComparisonRow(
                metric: metric, unit: .micros, direction: direction, values: values, rates: nil, best: Comparison.best(values, direction: direction))
        }
        func ratio(_ metric: String, _ value: (MetricSet) -> Double?) -> ComparisonRow {
            let values = sets.map(value)
            return ComparisonRow(
                metric: metric, unit: .ratio, direction: .higher, values: values, rates: nil, best: Comparison.best(values, direction: .higher))
        }
        return [
            count("sent", \.sent), count("delivered", \.delivered), count("read", \.read), count("clicked", \.clicked), count("clicks", \.clicks),
            count("replied", \.replied), count("failed", \.failed), count("converted", \.converted), count("orders", \.orders),
            rate("delivery_rate", \.delivery), rate("read_rate", \.read), rate("click_rate", \.click), rate("reply_rate", \.reply),
            rate("conversion_rate", \.conversion),
            money("cost", .none, \.costMicros), money("cost_per_message", .lower, \.costPerMessage.micros),
            money("cost_per_conversion", .lower, \.costPerConversion.micros), money("revenue", .higher, \.revenueMicros),
            ratio("roi", \.roi), ratio("return_on_spend", \.returnOnSpend),
        ]
    }
}
