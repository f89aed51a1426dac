/// An incremental RFC 4180 CSV parser that accepts input in arbitrary chunks.
///
/// Quoted fields may contain delimiters, line breaks and doubled quotes. Both CRLF
/// and LF end a record, a UTF-8 byte order mark at the very start is skipped, blank
/// lines are ignored and invalid UTF-8 becomes U+FFFD. Chunks may split the input
/// anywhere, even inside a multi-byte character, a doubled quote or a CRLF.
///
/// Memory is bounded by `CSVLimits`: a record with a field, a total size or a column count
/// over its limit is skipped to its end without being kept, and reported as a `CSVRecordError`
/// by `feedResults(_:)` and `finishResults()`.
public struct CSVParser: Sendable {
    private enum State: Sendable {
        case fieldStart, unquoted, quoted, quoteInQuoted
    }

    private static let quote = UInt8(ascii: "\"")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    private let delimiter: UInt8
    public let limits: CSVLimits
    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fieldWasQuoted = false
    private var record: [String] = []
    /// Bytes in the finished fields of `record`.
    private var recordBytes = 0
    /// Set once the current record broke a limit: its bytes are skipped until it ends.
    private var refusal: (reason: CSVRecordError.Reason, limit: Int)?
    private var output: [Result<[String], CSVRecordError>] = []
    /// Skip a LF that directly follows a CR ending a record.
    private var skipLF = false
    /// Bytes of the byte order mark matched so far at the start, or nil once past it.
    private var bomMatched: Int? = 0

    /// The 1-based number of the last record returned (0 before the first one).
    public private(set) var recordNumber = 0

    /// Creates a parser; `delimiter` separates fields (a comma by default).
    public init(delimiter: UInt8 = UInt8(ascii: ","), limits: CSVLimits = CSVLimits()) {
        self.delimiter = delimiter
        self.limits = limits
    }

    /// Consumes the next chunk of input and returns the records it completed, leaving out any over the limits.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [[String]] {
        feedResults(bytes).compactMap { try? $0.get() }
    }

    /// Ends the input like `finishResults()`, leaving out a last record over the limits.
    public mutating func finish() -> [[String]] {
        finishResults().compactMap { try? $0.get() }
    }

    /// Consumes the next chunk of input and returns the records it completed, in order, each one
    /// either its fields or the limit it broke.
    public mutating func feedResults(_ bytes: some Sequence<UInt8>) -> [Result<[String], CSVRecordError>] {
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
    public mutating func finishResults() -> [Result<[String], CSVRecordError>] {
        if let matched = bomMatched, matched > 0 {
            bomMatched = nil
            Self.bom[..<matched].withUnsafeBufferPointer { consume($0) }
        }
        if state != .fieldStart || !record.isEmpty || fieldWasQuoted || refusal != nil {
            endRecord(atEndOfInput: true)
        }
        state = .fieldStart
        skipLF = false
        bomMatched = 0
        return takeOutput()
    }

    private mutating func takeOutput() -> [Result<[String], CSVRecordError>] {
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
                    append(buffer[index..<end])
                    state = .unquoted
                    index = end
                    continue
                }
            case .quoted:
                var end = index
                while end < count && buffer[end] != Self.quote { end += 1 }
                append(buffer[index..<end])
                if end < count { state = .quoteInQuoted }
                index = end + 1
                continue
            case .quoteInQuoted:
                if byte == Self.quote {
                    append(buffer[index..<index + 1])
                    state = .quoted
                } else if byte == delimiter {
                    endField()
                } else if byte == Self.cr || byte == Self.lf {
                    endRecord()
                    skipLF = byte == Self.cr
                } else {
                    // Lenient: text after a closing quote is kept as is.
                    append(buffer[index..<index + 1])
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

    /// Adds bytes to the current field, unless they take it or its record over a limit.
    private mutating func append(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) {
        guard refusal == nil else { return }
        if field.count + bytes.count > limits.fieldBytes {
            refuse(.fieldTooLong, limits.fieldBytes)
        } else if recordBytes + field.count + bytes.count > limits.recordBytes {
            refuse(.recordTooLong, limits.recordBytes)
        } else {
            field.append(contentsOf: bytes)
        }
    }

    /// Drops what the current record holds; the rest of it is skipped as it arrives.
    private mutating func refuse(_ reason: CSVRecordError.Reason, _ limit: Int) {
        refusal = (reason, limit)
        field.removeAll(keepingCapacity: true)
        record.removeAll(keepingCapacity: true)
        recordBytes = 0
    }

    private mutating func endField() {
        if refusal == nil {
            if record.count >= limits.columns {
                refuse(.tooManyColumns, limits.columns)
            } else {
                recordBytes += field.count
                record.append(String(decoding: field, as: UTF8.self))
            }
        }
        field.removeAll(keepingCapacity: true)
        fieldWasQuoted = false
        state = .fieldStart
    }

    private mutating func endRecord(atEndOfInput: Bool = false) {
        let isBlankLine = refusal == nil && record.isEmpty && field.isEmpty && !fieldWasQuoted
        if isBlankLine {
            state = .fieldStart
            return
        }
        let insideQuotes = state == .quoted
        endField()
        recordNumber += 1
        if let refusal {
            output.append(
                .failure(
                    CSVRecordError(
                        reason: refusal.reason, recordNumber: recordNumber, limit: refusal.limit, runsToEndOfInput: atEndOfInput && insideQuotes
                    )
                )
            )
            self.refusal = nil
        } else {
            output.append(.success(record))
        }
        record.removeAll(keepingCapacity: true)
        recordBytes = 0
    }
}
