import Analytics
import Foundation

/// What `POST /api/analytics/reports/export` asked for, as the `analytics.report` job's payload. The filters are kept
/// as the query parameters the metrics endpoints read, with the moment of the request, so the job reads exactly the
/// range the user saw ("the last 30 days" as of the click, not of whenever the job runs).
struct ReportRequest: Codable, Sendable, Equatable {
    enum Kind: String, Codable, Sendable, CaseIterable { case overview, campaign, compare }
    enum Format: String, Codable, Sendable, CaseIterable {
        case csv, pdf
        var contentType: String { self == .pdf ? "application/pdf" : "text/csv; charset=utf-8" }
    }

    static let jobKind = "analytics.report"
    static let filterKeys: Set<String> = ["from", "to", "campaign_id", "variation_id", "country", "segment_id", "granularity"]

    var format: Format
    var report: Kind
    var campaignID: UUID?
    var campaignIDs: [UUID]
    /// Query-parameter form of the body's `filters`.
    var filters: [String: [String]]
    var topBy: TopCampaignsBy
    var requestedAt: Date

    enum CodingKeys: String, CodingKey {
        case format, report, filters
        case campaignID = "campaign_id"
        case campaignIDs = "campaign_ids"
        case topBy = "top_by"
        case requestedAt = "requested_at"
    }

    /// The body's shape, checked field by field (422 naming the field); whether the campaigns and segment exist is
    /// checked against the workspace by ``ReportExport``.
    init(body: JSONValue, now: Date) throws(APIError) {
        let reader = try FieldReader(body)
        try reader.rejectUnknown(["format", "report", "campaign_id", "campaign_ids", "filters", "top_by"])
        let formats = Format.allCases.map(\.rawValue).joined(separator: " or ")
        guard let format = Format(rawValue: try reader.string("format", required: true) ?? "") else {
            throw APIError.invalid("format", "format must be \(formats)")
        }
        let kinds = Kind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let report = Kind(rawValue: try reader.string("report", required: true) ?? "") else {
            throw APIError.invalid("report", "report must be one of \(kinds)", code: "unknown_report")
        }
        self.format = format
        self.report = report
        self.requestedAt = now
        self.campaignID = nil
        self.campaignIDs = []
        self.topBy = .ctr
        if let text = try reader.string("top_by") {
            guard let topBy = TopCampaignsBy(rawValue: text) else { throw APIError.invalid("top_by", "top_by must be ctr, conversion_rate or roi") }
            self.topBy = topBy
        }
        switch report {
        case .overview: break
        case .campaign:
            let text = try reader.string("campaign_id", required: true) ?? ""
            guard let id = UUID(uuidString: text) else {
                throw APIError.invalid("campaign_id", "campaign_id must be a campaign id", code: "unknown_campaign")
            }
            campaignID = id
        case .compare:
            guard let texts = try reader.strings("campaign_ids") else {
                throw APIError.invalid("campaign_ids", "campaign_ids is required for a comparison", code: "required")
            }
            for (index, text) in texts.enumerated() {
                guard let id = UUID(uuidString: text.trimmingCharacters(in: .whitespaces)) else {
                    throw APIError.invalid("campaign_ids[\(index)]", "campaign_ids[\(index)] is not a campaign id", code: "unknown_campaign")
                }
                if !campaignIDs.contains(id) { campaignIDs.append(id) }
            }
            let limits = AnalyticsStore.compareLimits
            if campaignIDs.count < limits.lowerBound {
                throw APIError.invalid("campaign_ids", "compare at least \(limits.lowerBound) campaigns", code: "too_few_campaigns")
            }
            if campaignIDs.count > limits.upperBound {
                throw APIError.invalid("campaign_ids", "compare at most \(limits.upperBound) campaigns", code: "too_many_campaigns")
            }
        }
        filters = [:]
        if let filters = try reader.object("filters") {
            try filters.rejectUnknown(Self.filterKeys)
            for key in Self.filterKeys.sorted() {
                if key == "campaign_id", case .array? = filters.fields[key] {
                    self.filters[key] = try filters.strings(key)
                } else if let text = try filters.string(key), !text.isEmpty {
                    self.filters[key] = [text]
                }
            }
        }
    }

    /// The analytics filter in the workspace's zone, as of the request; a bad value is a 422 naming `filters.<key>`.
    func filter(timeZone: TimeZone) throws(APIError) -> AnalyticsFilter {
        do { return try AnalyticsFilter.parse(filters, timeZone: timeZone, now: requestedAt) } catch {
            throw APIError.invalid("filters.\(error.field)", error.message)
        }
    }

    func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> ReportRequest {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try decoder.decode(ReportRequest.self, from: Data(text.utf8))
    }
}

extension TopCampaignsBy: Codable {}
