import Analytics
import Foundation
import Testing

/// The "done when" for the PDF, checked with the real tools: qpdf for structure, pdftotext for the text a
/// reader copies out. Both come from Debian's qpdf and poppler-utils, which scripts/test.sh installs.
@Suite("Report PDF")
struct ReportPDFTests {
    static func write(_ data: Data) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).pdf")
        try data.write(to: url)
        return url
    }

    @Test("the report passes qpdf --check and pdftotext finds the title, filters, every metric and an accented row")
    func checkedByTools() throws {
        let url = try Self.write(ReportFixtures.report().pdf())
        defer { try? FileManager.default.removeItem(at: url) }
        let check = try ExternalTool.run("qpdf", ["--check", url.path])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("No syntax or stream encoding errors found"))
        let text = try ExternalTool.run("pdftotext", ["-layout", url.path, "-"])
        #expect(text.status == 0)
        #expect(text.output.contains("Spring sale — campaign report"))
        #expect(text.output.contains(ReportFixtures.filters))
        for metric in ReportFixtures.metrics.metrics {
            #expect(text.output.contains(metric.label), "label \(metric.label)")
            #expect(text.output.contains(metric.display), "value \(metric.display)")
        }
        #expect(text.output.contains("of 9,500 delivered"))
        let rows = text.output.split(separator: "\n")
        #expect(rows.contains { $0.contains("Łukasz Nowak") && $0.contains("+551191000002") && $0.contains("read") })
        #expect(rows.contains { $0.contains("José Álvarez") } && rows.contains { $0.contains("Zoë Martin") })
        #expect(text.output.contains("Page 1 of"))
    }

    @Test("a 200-row table runs over several pages, repeats its header, numbers the pages, and passes qpdf --check")
    func multiPage() throws {
        let data = ReportFixtures.report(recipients: 200).pdf()
        let url = try Self.write(data)
        defer { try? FileManager.default.removeItem(at: url) }
        let check = try ExternalTool.run("qpdf", ["--check", url.path])
        #expect(check.status == 0, "\(check.output)")
        let pages = try ExternalTool.run("qpdf", ["--show-npages", url.path])
        let count = try #require(Int(pages.output.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(count >= 4)
        let text = try ExternalTool.run("pdftotext", ["-layout", url.path, "-"]).output
        let headers = text.components(separatedBy: "Furthest step").count - 1
        #expect(headers >= count - 2, "the header row is repeated on each page the table continues on")
        #expect(text.contains("Page \(count) of \(count)"))
        #expect(text.contains("Contact 199"))
        #expect(text.contains("…"), "long names are ellipsised to their column")
        #expect(!text.contains("on an A4 page"))
    }

    @Test("the same report gives the same bytes")
    func deterministic() {
        #expect(ReportFixtures.report().pdf() == ReportFixtures.report().pdf())
    }

    @Test("chart shapes are drawn with y flipped: a shape at the top of the chart lands near the top of the page")
    func flipsY() {
        var page = PDFPage()
        PDFRenderer.draw([.rect(ChartRect(x: 0, y: 0, width: 10, height: 20), fill: .text)], on: &page, x: 48, top: 100)
        #expect(page.content.contains("48 721.89 10 20 re f"))
        PDFRenderer.draw([.text(ChartText("Read", x: 100, y: 50, anchor: .end, size: 10))], on: &page, x: 0, top: 0)
        let width = ChartText.width("Read", size: 10, weight: .regular)
        #expect(page.content.contains("Td") && page.content.contains(" \(ChartFormatProbe.plain(100 - width)) 791.89 Td"))
    }
}

/// The two-decimal form the PDF writer uses, for expectations.
enum ChartFormatProbe {
    static func plain(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        var text = String(format: "%.2f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
