/// A drawing primitive in points, origin at the top left, y growing downwards (as SVG; the PDF renderer flips it).
public enum ChartShape: Sendable, Equatable {
    case rect(ChartRect, fill: ChartColour)
    case line(from: ChartPoint, to: ChartPoint, stroke: ChartColour, width: Double)
    case polyline([ChartPoint], stroke: ChartColour, width: Double)
    case text(ChartText)
}

public struct ChartPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

public struct ChartRect: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Double { x + width }
    public var maxY: Double { y + height }

    /// True when the two rectangles share more than an edge.
    public func overlaps(_ other: ChartRect) -> Bool {
        x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
    }

    /// True when `other` lies inside this rectangle (edges included).
    public func contains(_ other: ChartRect) -> Bool {
        other.x >= x - 0.001 && other.maxX <= maxX + 0.001 && other.y >= y - 0.001 && other.maxY <= maxY + 0.001
    }
}

/// An sRGB colour.
public struct ChartColour: Sendable, Equatable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8
    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// "#1f6feb".
    public var hex: String {
        "#" + [red, green, blue].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    public static let text = ChartColour(0x1F, 0x23, 0x28)
    public static let muted = ChartColour(0x59, 0x63, 0x6E)
    public static let grid = ChartColour(0xD0, 0xD7, 0xDE)
    public static let track = ChartColour(0xEA, 0xEE, 0xF2)
    /// Series colours, distinguishable with the common colour-vision deficiencies (Okabe–Ito).
    public static let series = [
        ChartColour(0x00, 0x72, 0xB2), ChartColour(0xD5, 0x5E, 0x00), ChartColour(0x00, 0x9E, 0x73),
        ChartColour(0xCC, 0x79, 0xA7), ChartColour(0xE6, 0x9F, 0x00), ChartColour(0x56, 0xB4, 0xE9),
    ]
}

/// A run of text; `x` is where the anchor is, `y` is the baseline.
public struct ChartText: Sendable, Equatable {
    public enum Anchor: String, Sendable { case start, middle, end }
    public enum Weight: String, Sendable { case regular, bold }

    public var string: String
    public var x: Double
    public var y: Double
    public var anchor: Anchor
    public var size: Double
    public var weight: Weight
    public var colour: ChartColour

    public init(_ string: String, x: Double, y: Double, anchor: Anchor = .start, size: Double = 11, weight: Weight = .regular,
        colour: ChartColour = .text)
    {
        self.string = string
        self.x = x
        self.y = y
        self.anchor = anchor
        self.size = size
        self.weight = weight
        self.colour = colour
    }

    /// The box the text covers when drawn with `font`: from ascent to descent, bold a little wider.
    public func box(font: TrueTypeFont = .dejaVuSans) -> ChartRect {
        let width = ChartText.width(string, size: size, weight: weight, font: font)
        let left: Double
        switch anchor {
        case .start: left = x
        case .middle: left = x - width / 2
        case .end: left = x - width
        }
        let ascent = Double(font.ascent) * size / Double(font.unitsPerEm)
        let descent = Double(-font.descent) * size / Double(font.unitsPerEm)
        return ChartRect(x: left, y: y - ascent, width: width, height: ascent + descent)
    }

    /// Width in points; bold is drawn with a stroke, which adds about 4 % (plus the stroke at both ends).
    public static func width(_ string: String, size: Double, weight: Weight, font: TrueTypeFont = .dejaVuSans) -> Double {
        let plain = font.width(of: string, size: size)
        return weight == .bold ? plain * 1.04 + size * 0.06 : plain
    }
}
