import Testing
import Contacts

/// Parses `text` in one chunk and flushes the parser.
func parseCSV(_ text: String, delimiter: UInt8 = UInt8(ascii: ",")) -> [[String]] {
    parseCSV(Array(text.utf8), delimiter: delimiter)
}

/// Parses `bytes` in one chunk and flushes the parser.
func parseCSV(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) -> [[String]] {
    var parser = CSVParser(delimiter: delimiter)
    return parser.feed(bytes) + parser.finish()
}

@Suite("CSV parser")
struct CSVParserTests {
    @Test("splits simple records on commas and newlines")
    func simple() {
        #expect(parseCSV("a,b,c\n1,2,3\n") == [["a", "b", "c"], ["1", "2", "3"]])
    }

    @Test("keeps empty fields")
    func emptyFields() {
        #expect(parseCSV("a,,b\n,\n,x\n") == [["a", "", "b"], ["", ""], ["", "x"]])
    }

    @Test("reads quoted fields with commas, doubled quotes and line breaks")
    func quotedFields() {
        let text = "name,note\r\n\"Doe, Jane\",\"said \"\"hi\"\"\"\r\n\"multi\nline\",\"crlf\r\ninside\"\r\n"
        #expect(parseCSV(text) == [
            ["name", "note"],
            ["Doe, Jane", "said \"hi\""],
            ["multi\nline", "crlf\r\ninside"],
        ])
    }

    @Test("treats a quoted empty field as a record, not a blank line")
    func quotedEmpty() {
        #expect(parseCSV("\"\"\n\"\",\"\"\n") == [[""], ["", ""]])
    }

    @Test("accepts CRLF, LF and lone CR line endings")
    func lineEndings() {
        #expect(parseCSV("a,b\r\nc,d\ne,f\rg,h") == [["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"]])
    }

    @Test("skips blank lines")
    func blankLines() {
        #expect(parseCSV("\n\na\n\r\n\nb\r\n\r\n") == [["a"], ["b"]])
    }

    @Test("skips a UTF-8 byte order mark only at the very start")
    func byteOrderMark() {
        #expect(parseCSV([0xEF, 0xBB, 0xBF] + Array("id,name\n1,Zoë\n".utf8)) == [["id", "name"], ["1", "Zoë"]])
        #expect(parseCSV("a\n\u{FEFF}b\n") == [["a"], ["\u{FEFF}b"]])
        #expect(parseCSV([0xEF, 0xBB, 0xBF]) == [])
    }

    @Test("keeps bytes that only look like the start of a byte order mark")
    func partialByteOrderMark() {
        #expect(parseCSV([0xEF, 0xBB, 0x41, 0x0A]) == [["\u{FFFD}A"]])
        #expect(parseCSV([0xEF, 0xBB]) == [["\u{FFFD}"]])
    }

    @Test("flushes a last record without a trailing newline only on finish")
    func finishFlushes() {
        var parser = CSVParser()
        #expect(parser.feed(Array("a,b\nc,d".utf8)) == [["a", "b"]])
        #expect(parser.finish() == [["c", "d"]])
        #expect(parser.finish() == [])
    }

    @Test("emits an unterminated quoted field on finish")
    func unterminatedQuote() {
        #expect(parseCSV("a,\"open\nstill open") == [["a", "open\nstill open"]])
    }

    @Test("keeps stray quotes inside and after fields")
    func lenientQuotes() {
        #expect(parseCSV("ab\"c,\"x\"y,\"z\"\n") == [["ab\"c", "xy", "z"]])
    }

    @Test("turns invalid UTF-8 into replacement characters")
    func invalidUTF8() {
        #expect(parseCSV([0x61, 0xFF, 0x62, 0x2C, 0xC3, 0x0A]) == [["a\u{FFFD}b", "\u{FFFD}"]])
    }

    @Test("supports other delimiters")
    func otherDelimiters() {
        #expect(parseCSV("a;\"b;c\";d\n", delimiter: UInt8(ascii: ";")) == [["a", "b;c", "d"]])
        #expect(parseCSV("a\tb,c\n", delimiter: UInt8(ascii: "\t")) == [["a", "b,c"]])
    }

    @Test("counts emitted records")
    func recordNumber() {
        var parser = CSVParser()
        #expect(parser.recordNumber == 0)
        _ = parser.feed(Array("a\n\nb\nc".utf8))
        #expect(parser.recordNumber == 2)
        _ = parser.finish()
        #expect(parser.recordNumber == 3)
    }

    @Test("accepts byte sequences without contiguous storage")
    func nonContiguousInput() {
        var parser = CSVParser()
        let bytes = AnySequence("x,\"y\"\n".utf8)
        #expect(parser.feed(bytes) == [["x", "y"]])
    }

    @Test("parses 200,000 rows in linear time", .timeLimit(.minutes(1)))
    func largeInput() {
        var text = "id,name,phone,note\r\n"
        for i in 0..<200_000 {
            text += "\(i),\"Name \(i)\",+4915112345678,\"a, \"\"quoted\"\" note\"\r\n"
        }
        let bytes = Array(text.utf8)
        var parser = CSVParser()
        var count = 0
        var last: [String] = []
        let chunk = 64 * 1024
        for start in stride(from: 0, to: bytes.count, by: chunk) {
            let records = parser.feed(bytes[start..<min(start + chunk, bytes.count)])
            count += records.count
            last = records.last ?? last
        }
        count += parser.finish().count
        #expect(count == 200_001)
        #expect(parser.recordNumber == 200_001)
        #expect(last == ["199999", "Name 199999", "+4915112345678", "a, \"quoted\" note"])
    }
}
