import Analytics
import Foundation

/// A campaign report like the one the export job builds, with the accented names the issue asks about.
enum ReportFixtures {
    static let generatedAt = Date(timeIntervalSince1970: 1_780_000_000)
    static let filters = "1 May 2026 – 31 May 2026 · Country: BR"
    static let names = ["José Álvarez", "Zoë Martin", "Łukasz Nowak"]

    static let metrics = ReportMetrics(
        title: "Key metrics", campaign: "Spring sale",
        metrics: [
            ReportMetric(label: "Sent", display: "10,000", value: "10000"),
            ReportMetric(label: "Delivery rate", display: "95 %", value: "0.95", base: "of 10,000 sent"),
            ReportMetric(label: "Read rate", display: "63.2 %", value: "0.6316", base: "of 9,500 delivered"),
            ReportMetric(label: "Click rate", display: "12.6 %", value: "0.1263", base: "of 9,500 delivered"),
            ReportMetric(label: "Revenue", display: "1,234.56 BRL", value: "1234.56", currency: "BRL"),
            ReportMetric(label: "ROI", display: "-25 %", value: "-0.25", base: "of 1,646.08 BRL cost", currency: "BRL"),
        ])

    static func recipients(_ count: Int) -> ReportTable {
        let steps = ["sent", "delivered", "read", "clicked", "converted"]
        var rows: [[ReportTable.Cell]] = []
        for index in 0..<count {
            let long = "Contact \(index) with a rather long name that must be cut short to fit its column on an A4 page"
            let name = index < names.count ? names[index] : long
            rows.append([ReportTable.Cell(name), ReportTable.Cell("+55119\(String(1_000_000 + index))"), ReportTable.Cell(steps[index % 5])])
        }
        return ReportTable(
            title: "Recipients",
            columns: [
                .init("Name", role: .label), .init("Phone", role: .label), .init("Furthest step", role: .value),
            ],
            rows: rows)
    }

    static let variations = ReportTable(
        title: "Variations",
        columns: [
            .init("Variation", role: .variation), .init("Delivered", role: .value, alignment: .trailing),
            .init("Read rate", role: .value, alignment: .trailing, base: "delivered"),
        ],
        rows: [
            [ReportTable.Cell("A"), ReportTable.Cell("4,750", value: "4750"), ReportTable.Cell("61 %", value: "0.61")],
            [ReportTable.Cell("=HYPERLINK(\"x\")"), ReportTable.Cell("4,750", value: "4750"), ReportTable.Cell("65.3 %", value: "0.653")],
        ])

    static func report(recipients: Int = 3) -> ReportDocument {
        ReportDocument(
            title: "Spring sale — campaign report", filters: filters, generatedAt: generatedAt,
            sections: [
                .metrics(metrics),
                .chart(ChartLayoutTests.funnel),
                .chart(ChartLayoutTests.trend),
                .table(variations),
                .table(Self.recipients(recipients)),
            ])
    }
}
