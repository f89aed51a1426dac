/// A generic table section. Each column has a role that says where its cells go in the CSV's long format:
/// `campaign`, `variation` and `metric` columns name the coordinates of the row; `label` columns (a segment, a
/// contact) are joined into the CSV's `section` ("Recipients: Łukasz Nowak"); each `value` column cell becomes one
/// CSV row whose metric is the row's `metric` cell, else the column title.
public struct ReportTable: Sendable {
    public var title: String
    public var columns: [Column]
    /// One cell per column; missing cells are empty.
    public var rows: [[Cell]]

    public init(title: String, columns: [Column], rows: [[Cell]]) {
        self.title = title
        self.columns = columns
        self.rows = rows
    }

    public struct Column: Sendable {
        public enum Role: Sendable { case campaign, variation, metric, label, value }
        public enum Alignment: Sendable { case leading, trailing }

        public var title: String
        public var role: Role
        public var alignment: Alignment
        /// For a comparison, where each value column is a campaign: the campaign its cells belong to.
        public var campaign: String?
        /// The base of every value in the column ("delivered"), unless a cell names its own.
        public var base: String?
        public var currency: String?

        public init(
            _ title: String, role: Role, alignment: Alignment = .leading, campaign: String? = nil, base: String? = nil,
            currency: String? = nil
        ) {
            self.title = title
            self.role = role
            self.alignment = alignment
            self.campaign = campaign
            self.base = base
            self.currency = currency
        }
    }

    public struct Cell: Sendable, ExpressibleByStringLiteral {
        /// Shown in the PDF ("61 %").
        public var display: String
        /// Written to the CSV ("0.61"); the display text when nil.
        public var value: String?
        public var base: String?

        public init(_ display: String, value: String? = nil, base: String? = nil) {
            self.display = display
            self.value = value
            self.base = base
        }

        public init(stringLiteral display: String) {
            self.init(display)
        }

        var csvValue: String { value ?? display }
    }

    func cell(_ row: [Cell], _ column: Int) -> Cell {
        column < row.count ? row[column] : Cell("")
    }
}
