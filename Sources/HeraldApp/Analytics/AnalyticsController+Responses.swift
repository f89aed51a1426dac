import Analytics
import Foundation

extension CampaignMetricsReport: Encodable {
    enum CodingKeys: String, CodingKey {
        case campaign, filters, metrics, series, asOf = "as_of", rebuilding, byVariation = "by_variation"
    }

    struct Variation: Encodable {
        let id: UUID?
        let name: String?
        let metrics: MetricSetJSON
    }

    struct Point: Encodable {
        let start: Date
        let counts: MetricCounts
        let rates: MetricSet.Rates
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(CampaignRefJSON(campaign), forKey: .campaign)
        try c.encode(FilterJSON(filter: filter, allTime: allTime), forKey: .filters)
        try c.encode(MetricSetJSON(summary: summary), forKey: .metrics)
        try c.encode(
            byVariation.map { Variation(id: $0.id == CellKey.noVariation ? nil : $0.id, name: $0.name, metrics: MetricSetJSON(summary: $0.summary)) },
            forKey: .byVariation
        )
        try c.encode(series.map { Point(start: $0.start, counts: $0.counts, rates: $0.rates) }, forKey: .series)
        try c.encode(asOf, forKey: .asOf)
        try c.encode(rebuilding, forKey: .rebuilding)
    }
}

extension ComparisonReport: Encodable {
    enum CodingKeys: String, CodingKey { case campaigns, filters, rows, currency, metrics }

    struct Row: Encodable {
        let row: ComparisonRow
        enum CodingKeys: String, CodingKey { case metric, unit, direction, values, rates, best }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(row.metric, forKey: .metric)
            try c.encode(row.unit.rawValue, forKey: .unit)
            try c.encode(row.direction, forKey: .direction)
            try c.encode(row.values, forKey: .values)
            try c.encodeIfPresent(row.rates, forKey: .rates)
            try c.encode(row.best, forKey: .best)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(campaigns.map(CampaignRefJSON.init), forKey: .campaigns)
        try c.encode(FilterJSON(filter: filter, allTime: allTime), forKey: .filters)
        try c.encode(currency, forKey: .currency)
        try c.encode(rows.map(Row.init), forKey: .rows)
        try c.encode(summaries.map(MetricSetJSON.init), forKey: .metrics)
    }
}

extension OverviewReport: Encodable {
    enum CodingKeys: String, CodingKey {
        case filters, metrics, series, campaigns, asOf = "as_of", rebuilding, topBy = "top_by", topCampaigns = "top_campaigns"
    }

    struct Point: Encodable {
        let start: Date
        let delivery: Rate
        let read: Rate
        let click: Rate
        enum CodingKeys: String, CodingKey { case start, delivery = "delivery_rate", read = "read_rate", click = "click_rate" }
    }

    struct Top: Encodable {
        let campaign: CampaignRefJSON
        let delivered: Int64
        let value: Double?
        let metrics: MetricSetJSON
        enum CodingKeys: String, CodingKey { case campaign, delivered, value, metrics }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(campaign, forKey: .campaign)
            try c.encode(delivered, forKey: .delivered)
            try c.encode(value, forKey: .value)
            try c.encode(metrics, forKey: .metrics)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(FilterJSON(filter: filter), forKey: .filters)
        try c.encode(MetricSetJSON(summary: summary), forKey: .metrics)
        try c.encode(series.map { Point(start: $0.start, delivery: $0.delivery, read: $0.read, click: $0.click) }, forKey: .series)
        try c.encode(topBy.rawValue, forKey: .topBy)
        try c.encode(
            topCampaigns.map {
                Top(campaign: CampaignRefJSON($0.campaign), delivered: $0.delivered, value: $0.value, metrics: MetricSetJSON(summary: $0.summary))
            },
            forKey: .topCampaigns
        )
        try c.encode(campaigns.map(CampaignRefJSON.init), forKey: .campaigns)
        try c.encode(asOf, forKey: .asOf)
        try c.encode(rebuilding, forKey: .rebuilding)
    }
}

extension SegmentPerformanceReport: Encodable {
    enum CodingKeys: String, CodingKey { case campaign, segments, asOf = "as_of" }

    struct Segment: Encodable {
        let id: UUID
        let name: String
        let recipients: Int64
        let metrics: MetricSetJSON
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(CampaignRefJSON(campaign), forKey: .campaign)
        try c.encode(
            segments.map { Segment(id: $0.id, name: $0.name, recipients: $0.recipients, metrics: MetricSetJSON(summary: $0.summary)) },
            forKey: .segments)
        try c.encode(asOf, forKey: .asOf)
    }
}
