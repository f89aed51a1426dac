import Testing
import Contacts

@Suite("CSV parser chunking")
struct CSVChunkingTests {
    /// A sample with a BOM, quotes, doubled quotes, embedded CRLF, multi-byte
    /// characters, blank lines and no trailing newline.
    static let sample: [UInt8] = [0xEF, 0xBB, 0xBF] + Array((
        "name,phone,note\r\n"
            + "\"Müller, Jürgen\",+49 151 1234 5678,\"he said \"\"😀\"\"\"\r\n"
            + "\r\n"
            + "Ørsted,\"\",\"two\r\nlines\"\n"
            + "\n"
            + "日本,\"\"\"\",x\r\n"
            + "last,\"€\",end"
    ).utf8)

    static let expected: [[String]] = [
        ["name", "phone", "note"],
        ["Müller, Jürgen", "+49 151 1234 5678", "he said \"😀\""],
        ["Ørsted", "", "two\r\nlines"],
        ["日本", "\"", "x"],
        ["last", "€", "end"],
    ]

    @Test("parses the sample in one chunk")
    func oneShot() {
        #expect(parseCSV(Self.sample) == Self.expected)
    }

    @Test("gives the same records for every single split position")
    func everySplit() {
        for split in 0...Self.sample.count {
            var parser = CSVParser()
            let records = parser.feed(Self.sample[..<split]) + parser.feed(Self.sample[split...]) + parser.finish()
            #expect(records == Self.expected, "split at \(split)")
            #expect(parser.recordNumber == Self.expected.count)
        }
    }

    @Test("gives the same records for every pair of split positions")
    func everySplitPair() {
        let bytes = Self.sample
        for first in 0...bytes.count {
            for second in first...bytes.count {
                var parser = CSVParser()
                let records = parser.feed(bytes[..<first]) + parser.feed(bytes[first..<second])
                    + parser.feed(bytes[second...]) + parser.finish()
                if records != Self.expected {
                    Issue.record("split at \(first) and \(second)")
                    return
                }
            }
        }
    }

    @Test("gives the same records when fed one byte at a time")
    func byteByByte() {
        var parser = CSVParser()
        var records: [[String]] = []
        for byte in Self.sample {
            records += parser.feed([byte])
        }
        records += parser.finish()
        #expect(records == Self.expected)
    }

    @Test("can parse a second stream after finish")
    func reuseAfterFinish() {
        var parser = CSVParser()
        #expect(parser.feed(Self.sample) + parser.finish() == Self.expected)
        #expect(parser.feed(Self.sample) + parser.finish() == Self.expected)
    }
}
