import Testing
import Contacts

@Suite("CSV writer")
struct CSVWriterTests {
    @Test("joins plain fields with commas and ends with CRLF")
    func plain() {
        #expect(CSVWriter.row(["a", "b", "c"]) == "a,b,c\r\n")
        #expect(CSVWriter.row(["", "x", ""]) == ",x,\r\n")
    }

    @Test("quotes fields with commas, quotes and line breaks")
    func quoting() {
        #expect(CSVWriter.row(["Doe, Jane"]) == "\"Doe, Jane\"\r\n")
        #expect(CSVWriter.row(["say \"hi\""]) == "\"say \"\"hi\"\"\"\r\n")
        #expect(CSVWriter.row(["a\nb", "c\rd"]) == "\"a\nb\",\"c\rd\"\r\n")
    }

    @Test("neutralises spreadsheet formulas with an apostrophe")
    func formulaInjection() {
        #expect(CSVWriter.row(["=SUM(A1:A9)"]) == "'=SUM(A1:A9)\r\n")
        #expect(CSVWriter.row(["+1+1"]) == "'+1+1\r\n")
        #expect(CSVWriter.row(["-2"]) == "'-2\r\n")
        #expect(CSVWriter.row(["@cmd"]) == "'@cmd\r\n")
        #expect(CSVWriter.row(["\tx"]) == "'\tx\r\n")
        #expect(CSVWriter.row(["=HYPERLINK(\"x\",\"y\")"]) == "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"\r\n")
    }

    @Test("leaves E.164 phone numbers and harmless text alone")
    func phoneNumbersUntouched() {
        #expect(CSVWriter.row(["+4915112345678"]) == "+4915112345678\r\n")
        #expect(CSVWriter.row(["a=b", "x-y", "'quoted"]) == "a=b,x-y,'quoted\r\n")
        #expect(CSVWriter.row(["+"]) == "'+\r\n")
        #expect(CSVWriter.row(["+49 151"]) == "'+49 151\r\n")
    }

    @Test("writes a lone empty field so it is not a blank line")
    func loneEmptyField() {
        #expect(CSVWriter.row([""]) == "\"\"\r\n")
        #expect(parseCSV(CSVWriter.row([""])) == [[""]])
    }

    @Test("round-trips through the parser")
    func roundTrip() {
        let rows: [[String]] = [
            ["name", "phone", "note"],
            ["Doe, Jane", "+4915112345678", "said \"hi\""],
            ["multi\nline", "crlf\r\ninside", "lone\rCR"],
            ["", "", ""],
            [""],
            ["Zoë 😀", "日本", "\"\""],
            ["trailing space ", " leading", "a'b"],
        ]
        let text = rows.map(CSVWriter.row).joined()
        #expect(parseCSV(text) == rows)
    }

    @Test("round-trips formulas with the apostrophe kept")
    func roundTripFormula() {
        #expect(parseCSV(CSVWriter.row(["=1+2", "-x", "ok"])) == [["'=1+2", "'-x", "ok"]])
    }
}
