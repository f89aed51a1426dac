/// Bounds on what one CSV record may hold, so a malformed file (one unclosed quote makes the
/// rest of it a single field) cannot make the parser buffer it whole.
public struct CSVLimits: Sendable, Equatable {
    /// Bytes in one field, after unquoting.
    public var fieldBytes: Int
    /// Bytes in all the fields of one record together.
    public var recordBytes: Int
    /// Fields in one record.
    public var columns: Int

    public init(fieldBytes: Int = 64 << 10, recordBytes: Int = 1 << 20, columns: Int = 1000) {
        self.fieldBytes = fieldBytes
        self.recordBytes = recordBytes
        self.columns = columns
    }
}

/// A record the parser refused because it broke a `CSVLimits` bound. Its bytes were skipped up to the
/// end of the record, not kept, and parsing goes on with the next record.
public struct CSVRecordError: Error, Sendable, Equatable {
    public enum Reason: String, Sendable {
        case fieldTooLong = "field_too_long"
        case recordTooLong = "record_too_long"
        case tooManyColumns = "too_many_columns"
    }

    public let reason: Reason
    /// The 1-based number of the refused record, counted like `CSVParser.recordNumber`.
    public let recordNumber: Int
    /// The bound that was broken, in bytes or columns.
    public let limit: Int
    /// The input ended inside a quoted field of this record: its opening quote was most likely never
    /// closed, so everything after it was swallowed and no record after it could be read.
    public let runsToEndOfInput: Bool

    public init(reason: Reason, recordNumber: Int, limit: Int, runsToEndOfInput: Bool = false) {
        self.reason = reason
        self.recordNumber = recordNumber
        self.limit = limit
        self.runsToEndOfInput = runsToEndOfInput
    }

    /// A sentence for the person who sent the file.
    public var message: String {
        if runsToEndOfInput {
            return "a quoted field starting in this row is never closed, so the rest of the file was read as part of it; "
                + "close the quote and import the file again"
        }
        switch reason {
        case .fieldTooLong: return "a field in this row is longer than \(Self.size(limit)); the row was skipped"
        case .recordTooLong: return "this row is longer than \(Self.size(limit)); the row was skipped"
        case .tooManyColumns: return "this row has more than \(limit) columns; the row was skipped"
        }
    }

    static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}
