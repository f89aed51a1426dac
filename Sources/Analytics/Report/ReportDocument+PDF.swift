import Foundation

extension ReportDocument {
    /// The report as an A4 PDF: title, the filter line, metric cards in a grid, charts as vector graphics, tables
    /// whose header row repeats on each page they continue on, and "Page n of N" at the foot of every page.
    public func pdf() -> Data {
        var flow = ReportPageFlow()
        flow.heading(title, size: 20)
        flow.paragraph(filters, size: 11, colour: .muted)
        flow.paragraph("Generated " + ReportPageFlow.dateLine(generatedAt), size: 8, colour: .muted)
        flow.space(10)
        for section in sections {
            switch section {
            case .metrics(let group): flow.metrics(group)
            case .chart(let chart): flow.chart(chart)
            case .table(let table): flow.table(table)
            }
        }
        var document = PDFDocument(title: title, creationDate: generatedAt)
        for page in flow.finishedPages() {
            document.add(page)
        }
        return document.data()
    }
}
