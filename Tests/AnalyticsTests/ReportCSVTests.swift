import Analytics
import Foundation
import Testing

@Suite("Report CSV")
struct ReportCSVTests {
    @Test("one long RFC 4180 table with a fixed header and CRLF line ends")
    func header() {
        let csv = ReportFixtures.report().csv()
        #expect(csv.hasPrefix("section,campaign,variation,metric,value,base,currency\r\n"))
        #expect(csv.hasSuffix("\r\n"))
        #expect(!csv.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test("metrics, funnel bars, trend points and table cells each become rows")
    func rows() {
        let lines = ReportFixtures.report().csv().components(separatedBy: "\r\n")
        #expect(lines.contains("Key metrics,Spring sale,,Delivery rate,0.95,\"of 10,000 sent\","))
        #expect(lines.contains("Key metrics,Spring sale,,ROI,-0.25,\"of 1,646.08 BRL cost\",BRL"), "a negative number is a value, not a formula")
        #expect(lines.contains("Funnel,,,Delivered,9500,,"))
        #expect(lines.contains("\"Delivery, read and click rates by day: 2 May\",,,Read rate,0.54,,"))
        #expect(lines.contains("Variations,,A,Read rate,0.61,delivered,"))
        #expect(lines.contains("Recipients: Łukasz Nowak · +551191000002,,,Furthest step,read,,"))
        #expect(!lines.contains { $0.contains("by day: 10 May\",,,Read rate") }, "a gap has no row")
        #expect(lines.contains { $0.contains("by day: 10 May\",,,Click rate") })
    }

    @Test("cells a spreadsheet would run as formulas get an apostrophe; phone numbers and plain numbers do not")
    func formulas() {
        let csv = ReportFixtures.report().csv()
        #expect(csv.contains("Variations,,\"'=HYPERLINK(\"\"x\"\")\",Delivered,4750,,"))
        #expect(ReportCSV.row(["=1+1", "+1 (555)", "-2+3", "@sum", "\tx", "+5511912345678", "-12.5", "12", "a,b", "q\"q"])
            == "'=1+1,'+1 (555),'-2+3,'@sum,'\tx,+5511912345678,-12.5,12,\"a,b\",\"q\"\"q\"\r\n")
        #expect(ReportCSV.row(["\rline", "x\ny"]) == "\"'\rline\",\"x\ny\"\r\n")
    }

    @Test("the CSV parses with Python's csv module into 7 columns per row")
    func pythonParses() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).csv")
        try Data(ReportFixtures.report(recipients: 20).csv().utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let script = """
            import csv, sys
            rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
            assert all(len(r) == 7 for r in rows), rows
            print(len(rows))
            print([r for r in rows if 'Łukasz' in r[0]][0][0])
            """
        let result = try ExternalTool.run("python3", ["-c", script, url.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("Recipients: Łukasz Nowak · +551191000002"))
    }
}
