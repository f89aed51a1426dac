import Analytics
import Foundation

/// Fills a `ReportDocument` from the same store calls the metrics endpoints answer with, so a report and the API agree
/// to the message. `progress(done, total)` is called after each section is read.
struct ReportBuilder: Sendable {
    let analytics: AnalyticsStore
    let recipients: RecipientStore
    let reports: ReportStore
    /// Recipients beyond this many are left out of a report (the recipients CSV has them all) **(our limit)**.
    static let recipientLimit = 10_000

    typealias Progress = @Sendable (_ done: Int64, _ total: Int64) async throws -> Void

    /// A report that cannot be made any more (its campaign was deleted after the request).
    struct Gone: Error { let message: String }

    func build(_ request: ReportRequest, workspaceID: UUID, now: Date = Date(), progress: Progress) async throws -> (ReportDocument, filename: String)
    {
        let workspace = try await analytics.workspace(workspaceID)
        let filter = try request.filter(timeZone: workspace.timeZone)
        switch request.report {
        case .overview:
            let report = try await analytics.overview(workspaceID, filter: filter, topBy: request.topBy, now: now)
            try await progress(1, 2)
            var sections: [ReportSection] = [ReportSections.keyMetrics(report.summary), ReportSections.funnel(report.summary.metrics.counts)]
            if let trend = ReportSections.trend(report.series.map { ($0.start, $0.delivery, $0.read, $0.click) }, filter: filter) {
                sections.append(trend)
            }
            if !report.topCampaigns.isEmpty {
                let title = [
                    "ctr": "Top campaigns by click rate", "conversion_rate": "Top campaigns by conversion rate", "roi": "Top campaigns by ROI",
                ]
                sections.append(
                    ReportSections.summaryTable(
                        title[report.topBy.rawValue] ?? "Top campaigns",
                        first: ReportTable.Column("Campaign", role: .campaign),
                        rows: report.topCampaigns.map { ($0.campaign.name, $0.summary) }
                    )
                )
            }
            sections += [ReportSections.failures(report.summary), ReportSections.unconverted(report.summary)].compactMap { $0 }
            let line = try await filterLine(filter, allTime: false, workspaceID: workspaceID, campaignFilter: true)
            let document = ReportDocument(title: "Analytics overview", filters: line, generatedAt: now, sections: sections)
            return (document, ReportText.filename(["overview", filter.from, filter.to], format: request.format))
        case .campaign:
            return try await campaign(request, filter: filter, workspaceID: workspaceID, now: now, progress: progress)
        case .compare:
            let report: ComparisonReport
            do {
                report = try await analytics.compare(workspaceID, ids: request.campaignIDs.map(\.uuidString), filter: filter)
            } catch let problem as ComparisonProblem {
                throw Gone(message: "the comparison cannot be made: \(problem)")
            }
            try await progress(1, 2)
            let names = report.campaigns.map(\.name)
            let title = "Campaign comparison: " + (names.count <= 3 ? names.joined(separator: " vs ") : "\(names.count) campaigns")
            var sections: [ReportSection] = [ReportComparison.table(report)]
            for (index, summary) in report.summaries.enumerated() where index < names.count {
                sections.append(ReportSections.keyMetrics(summary, title: "Key metrics: \(names[index])", campaign: names[index]))
            }
            let line = try await filterLine(filter, allTime: report.allTime, workspaceID: workspaceID, campaignFilter: false)
            let document = ReportDocument(title: title, filters: line, generatedAt: now, sections: sections)
            let stamp = report.allTime ? String(ISODate.format(request.requestedAt).prefix(10)) : "\(filter.from) \(filter.to)"
            return (document, ReportText.filename(["comparison", stamp], format: request.format))
        }
    }

    func campaign(
        _ request: ReportRequest,
        filter: AnalyticsFilter,
        workspaceID: UUID,
        now: Date,
        progress: Progress
    ) async throws -> (ReportDocument, filename: String) {
        guard let id = request.campaignID, let report = try await analytics.campaignMetrics(workspaceID, campaignID: id, filter: filter, now: now)
        else {
            throw Gone(message: "the campaign was deleted")
        }
        try await progress(1, 4)
        let name = report.campaign.name
        var sections: [ReportSection] = [
            ReportSections.keyMetrics(report.summary, campaign: name), ReportSections.funnel(report.summary.metrics.counts),
        ]
        let points = report.series.map { ($0.start, $0.rates.delivery, $0.rates.read, $0.rates.click) }
        if let trend = ReportSections.trend(points, filter: report.filter) { sections.append(trend) }
        if report.byVariation.contains(where: { $0.id != CellKey.noVariation }) {
            sections.append(
                ReportSections.summaryTable(
                    "By variation",
                    first: ReportTable.Column("Variation", role: .variation),
                    rows: report.byVariation.map { ($0.name ?? ($0.id == CellKey.noVariation ? "No variation" : "Deleted variation"), $0.summary) }
                )
            )
        }
        sections += [ReportSections.failures(report.summary), ReportSections.unconverted(report.summary)].compactMap { $0 }
        if let segments = try await analytics.segmentPerformance(workspaceID, campaignID: id, now: now)?.segments.filter({ $0.recipients > 0 }),
            !segments.isEmpty
        {
            sections.append(
                ReportSections.summaryTable(
                    "Segments (members now)",
                    first: ReportTable.Column("Segment", role: .label),
                    rows: segments.map { ($0.name, $0.summary) },
                    extra: [ReportTable.Column("Recipients", role: .value, alignment: .trailing)],
                    extraCells: segments.map { [ReportText.count($0.recipients)] }
                )
            )
        }
        try await progress(2, 4)
        sections.append(try await recipientTable(campaignID: id, workspaceID: workspaceID, zone: filter.timeZone))
        try await progress(3, 4)
        let line = try await filterLine(report.filter, allTime: report.allTime, workspaceID: workspaceID, campaignFilter: false)
        let document = ReportDocument(title: "Campaign report: \(name)", filters: line, generatedAt: now, sections: sections)
        return (document, ReportText.filename(["campaign report", name], format: request.format))
    }

    /// Every recipient (up to ``recipientLimit``) with their furthest step, read page by page as the recipients API does.
    func recipientTable(campaignID: UUID, workspaceID: UUID, zone: TimeZone) async throws -> ReportSection {
        var rows: [RecipientRow] = []
        var filter = RecipientFilter(limit: 1000)
        while rows.count < Self.recipientLimit, let page = try await recipients.page(workspaceID: workspaceID, campaignID: campaignID, filter: filter)
        {
            rows += page.data
            guard let next = page.nextAfter.flatMap(UUID.init(uuidString:)) else { break }
            filter.after = next
        }
        let truncated = rows.count > Self.recipientLimit
        rows = Array(rows.prefix(Self.recipientLimit))
        let title = truncated ? "Recipients (the first \(ChartFormat.grouped(Int64(Self.recipientLimit))); the recipients CSV has all)" : "Recipients"
        return .table(ReportRecipients.table(rows, title: title, zone: zone))
    }

    /// "1 May 2026 – 31 May 2026 · Country: BR" with the campaigns, variation and segment named.
    func filterLine(_ filter: AnalyticsFilter, allTime: Bool, workspaceID: UUID, campaignFilter: Bool) async throws -> String {
        var parts = [ReportText.range(filter, allTime: allTime)]
        if campaignFilter, !filter.campaignIDs.isEmpty {
            let names = try await analytics.campaigns(workspaceID, ids: filter.campaignIDs).map(\.name)
            parts.append((names.count == 1 ? "Campaign: " : "Campaigns: ") + names.joined(separator: ", "))
        }
        if let id = filter.variationID {
            parts.append("Variation: " + (try await analytics.variationNames(workspaceID, ids: [id])[id] ?? id.uuidString.lowercased()))
        }
        if let country = filter.country { parts.append("Country: \(country)") }
        if let id = filter.segmentID {
            parts.append("Segment: " + (try await reports.segmentName(id, workspaceID: workspaceID) ?? id.uuidString.lowercased()))
        }
        if filter.timeZone.identifier != "UTC" && filter.timeZone.identifier != "GMT" { parts.append("Time zone: \(filter.timeZone.identifier)") }
        return parts.joined(separator: " · ")
    }
}
