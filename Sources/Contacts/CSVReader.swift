/// An incremental RFC 4180 CSV parser that accepts input in arbitrary chunks.
///
/// Quoted fields may contain delimiters, line breaks and doubled quotes. Both CRLF
/// and LF end a record, a UTF-8 byte order mark at the very start is skipped, blank
/// lines are ignored and invalid UTF-8 becomes U+FFFD. Chunks may split the input
/// anywhere, even inside a multi-byte character, a doubled quote or a CRLF.
public struct CSVParser: Sendable {
    private enum State: Sendable {
        case fieldStart, unquoted, quoted, quoteInQuoted
    }

    private static let quote = UInt8(ascii: "\"")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    private let delimiter: UInt8
    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fieldWasQuoted = false
    private var record: [String] = []
    private var output: [[String]] = []
    /// Skip a LF that directly follows a CR ending a record.
    private var skipLF = false
    /// Bytes of the byte order mark matched so far at the start, or nil once past it.
    private var bomMatched: Int? = 0

    /// The 1-based number of the last record returned (0 before the first one).
    public private(set) var recordNumber = 0

    /// Creates a parser; `delimiter` separates fields (a comma by default).
    public init(delimiter: UInt8 = UInt8(ascii: ",")) {
        self.delimiter = delimiter
    }

    /// Consumes the next chunk of input and returns the records it completed.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [[String]] {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            consume(buffer)
        }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { consume($0) }
        }
        return takeOutput()
    }

    /// Ends the input: returns the last record if it had no trailing line break,
    /// and resets the parser for a new stream.
    public mutating func finish() -> [[String]] {
        if let matched = bomMatched, matched > 0 {
            bomMatched = nil
            Self.bom[..<matched].withUnsafeBufferPointer { consume($0) }
        }
        if state != .fieldStart || !record.isEmpty || fieldWasQuoted {
            endRecord()
        }
        state = .fieldStart
        skipLF = false
        bomMatched = 0
        return takeOutput()
    }

    private mutating func takeOutput() -> [[String]] {
        defer { output = [] }
        return output
    }

    private mutating func consume(_ buffer: UnsafeBufferPointer<UInt8>) {
        var index = skipByteOrderMark(buffer)
        let count = buffer.count
        while index < count {
            let byte = buffer[index]
            if skipLF {
                skipLF = false
                if byte == Self.lf {
                    index += 1
                    continue
                }
            }
            switch state {
            case .fieldStart, .unquoted:
                if byte == delimiter {
                    endField()
                } else if byte == Self.cr || byte == Self.lf {
                    endRecord()
                    skipLF = byte == Self.cr
                } else if byte == Self.quote && state == .fieldStart {
                    state = .quoted
                    fieldWasQuoted = true
                } else {
                    // Copy the whole run of ordinary bytes at once.
                    var end = index + 1
                    while end < count {
                        let next = buffer[end]
                        if next == delimiter || next == Self.cr || next == Self.lf { break }
                        end += 1
                    }
                    field.append(contentsOf: buffer[index..<end])
                    state = .unquoted
                    index = end
                    continue
                }
            case .quoted:
                var end = index
                while end < count && buffer[end] != Self.quote { end += 1 }
                field.append(contentsOf: buffer[index..<end])
                if end < count { state = .quoteInQuoted }
                index = end + 1
                continue
            case .quoteInQuoted:
                if byte == Self.quote {
                    field.append(Self.quote)
                    state = .quoted
                } else if byte == delimiter {
                    endField()
                } else if byte == Self.cr || byte == Self.lf {
                    endRecord()
                    skipLF = byte == Self.cr
                } else {
                    // Lenient: text after a closing quote is kept as is.
                    field.append(byte)
                    state = .unquoted
                }
            }
            index += 1
        }
    }

    /// Matches a byte order mark at the start of the stream; returns where parsing starts.
    private mutating func skipByteOrderMark(_ buffer: UnsafeBufferPointer<UInt8>) -> Int {
        guard var matched = bomMatched else { return 0 }
        var index = 0
        while index < buffer.count && matched < Self.bom.count {
            guard buffer[index] == Self.bom[matched] else {
                // Not a BOM after all: parse the bytes held back so far, then continue normally.
                bomMatched = nil
                Self.bom[..<matched].withUnsafeBufferPointer { consume($0) }
                return index
            }
            matched += 1
            index += 1
        }
        bomMatched = matched == Self.bom.count ? nil : matched
        return index
    }

    private mutating func endField() {
        record.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
        fieldWasQuoted = false
        state = .fieldStart
    }

    private mutating func endRecord() {
        let isBlankLine = record.isEmpty && field.isEmpty && !fieldWasQuoted
        if isBlankLine {
            state = .fieldStart
            return
        }
        endField()
        output.append(record)
        record.removeAll(keepingCapacity: true)
        recordNumber += 1
    }
}
