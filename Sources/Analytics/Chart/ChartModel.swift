/// What a chart shows, independent of where it is drawn: the console's SVG and the PDF report draw the same model
/// through `ChartLayout`.
public struct ChartModel: Sendable, Equatable {
    public var title: String
    public var kind: Kind
    /// How values are written on the axis and beside bars.
    public var valueFormat: ValueFormat

    public enum Kind: Sendable, Equatable {
        /// Horizontal bars, one per step (sent, delivered, read, clicked, converted), widths proportional to counts.
        case funnel([FunnelBar])
        /// Lines over a shared x axis; each series has one value (or a gap) per x label.
        case trend(xLabels: [String], series: [ChartSeries])
    }

    public enum ValueFormat: Sendable, Equatable {
        /// Fractions shown as percentages (0.412 → "41 %").
        case percent
        /// Plain numbers with thousands separators.
        case number
    }

    public init(title: String, kind: Kind, valueFormat: ValueFormat = .number) {
        self.title = title
        self.kind = kind
        self.valueFormat = valueFormat
    }

    /// A funnel: counts with their percentage of the first step.
    public static func funnel(title: String, bars: [FunnelBar]) -> ChartModel {
        ChartModel(title: title, kind: .funnel(bars), valueFormat: .number)
    }

    /// A trend: named series over x labels (dates, hours), values as fractions or numbers.
    public static func trend(title: String, xLabels: [String], series: [ChartSeries], valueFormat: ValueFormat) -> ChartModel {
        ChartModel(title: title, kind: .trend(xLabels: xLabels, series: series), valueFormat: valueFormat)
    }
}

/// One step of a funnel.
public struct FunnelBar: Sendable, Equatable {
    public var label: String
    public var count: Int64
    /// Share of the funnel's base (0.412 for 41.2 %); nil shows no percentage (the base step itself, or no base).
    public var fraction: Double?

    public init(label: String, count: Int64, fraction: Double? = nil) {
        self.label = label
        self.count = count
        self.fraction = fraction
    }
}

/// One line of a trend chart: a value per x label, nil where there is nothing to show (the line breaks there).
public struct ChartSeries: Sendable, Equatable {
    public var name: String
    public var values: [Double?]

    public init(name: String, values: [Double?]) {
        self.name = name
        self.values = values
    }
}
