import Contacts
import Testing

@Suite("CSV parser limits")
struct CSVLimitTests {
    static let longText = String(repeating: "x", count: 100_000)

    @Test("a field over the size limit is not returned, and the next record is")
    func longFieldSkipped() {
        #expect(parseCSV("phone,name\n+491,\(Self.longText)\n+492,Bo\n") == [["phone", "name"], ["+492", "Bo"]])
    }

    @Test("an unclosed quote does not turn the rest of the file into one field")
    func unclosedQuote() {
        let text = "phone,name\n+491,\"Doe, Jane\n" + String(repeating: "+49151,Someone\n", count: 10_000)
        #expect(parseCSV(text) == [["phone", "name"]])
    }

    static let small = CSVLimits(fieldBytes: 8, recordBytes: 16, columns: 3)

    /// Parses `text` with the small limits, split at `split` (the end by default).
    static func results(_ text: String, split: Int? = nil) -> [Result<[String], CSVRecordError>] {
        let bytes = Array(text.utf8)
        let cut = split ?? bytes.count
        var parser = CSVParser(limits: small)
        return parser.feedResults(bytes[..<cut]) + parser.feedResults(bytes[cut...]) + parser.finishResults()
    }

    static let sample = "a,b\n123456789,x\n\"quoted, but far too long\",y\nc,d\n12345678,12345678,1\ne,f\n1234567,1234567,123\n\"g\"\"\",h\n"
    static let expected: [Result<[String], CSVRecordError>] = [
        .success(["a", "b"]),
        .failure(CSVRecordError(reason: .fieldTooLong, recordNumber: 2, limit: 8)),
        .failure(CSVRecordError(reason: .fieldTooLong, recordNumber: 3, limit: 8)),
        .success(["c", "d"]),
        .failure(CSVRecordError(reason: .recordTooLong, recordNumber: 5, limit: 16)),
        .success(["e", "f"]),
        .failure(CSVRecordError(reason: .recordTooLong, recordNumber: 7, limit: 16)),
        .success(["g\"", "h"]),
    ]

    @Test("reports each refused record in its place, with its number, and reads on")
    func refusedInPlace() {
        #expect(Self.results(Self.sample) == Self.expected)
        #expect(
            Self.results("1,2,3,4\nx,y,z\n") == [
                .failure(CSVRecordError(reason: .tooManyColumns, recordNumber: 1, limit: 3)), .success(["x", "y", "z"]),
            ]
        )
    }

    @Test("gives the same results for every split position")
    func everySplit() {
        for split in 0...Self.sample.utf8.count {
            #expect(Self.results(Self.sample, split: split) == Self.expected, "split at \(split)")
        }
    }

    @Test("says when a refused record ran to the end of the input inside quotes")
    func runsToEnd() {
        let results = Self.results("a,b\nc,\"never closed\nd,e\nf,g\n")
        #expect(
            results == [.success(["a", "b"]), .failure(CSVRecordError(reason: .fieldTooLong, recordNumber: 2, limit: 8, runsToEndOfInput: true))]
        )
        #expect(results.last.map { if case .failure(let error) = $0 { error.message.contains("never closed") } else { false } } == true)
        #expect(
            Self.results("a,b\nc,toolongvalue") == [
                .success(["a", "b"]), .failure(CSVRecordError(reason: .fieldTooLong, recordNumber: 2, limit: 8)),
            ]
        )
    }

    @Test("a short unclosed quote is still returned at the end, as before")
    func shortUnclosedQuote() {
        #expect(Self.results("a,\"open") == [.success(["a", "open"])])
    }

    @Test("can parse a second stream after a refused last record")
    func reuseAfterRefusal() {
        var parser = CSVParser(limits: Self.small)
        _ = parser.feedResults(Array("x,\"unclosed and long".utf8))
        #expect(parser.finishResults().count == 1)
        #expect(parser.feedResults(Array("a,b\n".utf8)) == [.success(["a", "b"])])
    }
}
