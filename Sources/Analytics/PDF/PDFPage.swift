/// One page's drawing in PDF coordinates: points, origin at the bottom left, y up. Text is set in the document's
/// embedded font (`/F1`): NFC-normalised, each scalar drawn as its glyph id, so any character DejaVu Sans has comes
/// out right and can be copied back out.
public struct PDFPage: Sendable {
    public var width: Double
    public var height: Double
    /// The content stream's operators.
    public private(set) var content = ""
    /// Glyphs drawn on this page and the character each stands for (for `/W` and `/ToUnicode`).
    private(set) var glyphs: [UInt16: Unicode.Scalar] = [:]
    let font: TrueTypeFont

    public init(width: Double = PDFDocument.a4.width, height: Double = PDFDocument.a4.height, font: TrueTypeFont = .dejaVuSans) {
        self.width = width
        self.height = height
        self.font = font
    }

    /// Draws `string` with its baseline starting at (x, y). Bold is simulated by filling and stroking the outlines
    /// (text render mode 2), so one embedded font serves both weights. Control characters are skipped.
    public mutating func text(_ string: String, x: Double, y: Double, size: Double, colour: ChartColour = .text, bold: Bool = false) {
        var hex = ""
        for scalar in string.precomposedStringWithCanonicalMapping.unicodeScalars where scalar.value >= 0x20 && scalar.value != 0x7F {
            let glyph = font.glyph(for: scalar)
            if glyph != 0, glyphs[glyph] == nil { glyphs[glyph] = scalar }
            hex += PDFString.hex4(Int(glyph))
        }
        guard !hex.isEmpty else { return }
        let n = { (value: Double) in ChartFormat.plain(value) }
        var ops = "q \(Self.rgb(colour)) rg"
        if bold { ops += " \(Self.rgb(colour)) RG \(n(size * 0.035)) w 2 Tr" }
        ops += " BT /F1 \(n(size)) Tf \(n(x)) \(n(y)) Td <\(hex)> Tj ET Q\n"
        content += ops
    }

    /// Fills a rectangle whose origin (`rect.x`, `rect.y`) is its bottom-left corner.
    public mutating func fill(_ rect: ChartRect, colour: ChartColour) {
        let n = { (value: Double) in ChartFormat.plain(value) }
        content += "\(Self.rgb(colour)) rg \(n(rect.x)) \(n(rect.y)) \(n(rect.width)) \(n(rect.height)) re f\n"
    }

    public mutating func line(from: ChartPoint, to: ChartPoint, colour: ChartColour, width: Double) {
        polyline([from, to], colour: colour, width: width)
    }

    /// Strokes connected segments through `points` with round joins.
    public mutating func polyline(_ points: [ChartPoint], colour: ChartColour, width: Double) {
        guard let first = points.first, points.count > 1 else { return }
        let n = { (value: Double) in ChartFormat.plain(value) }
        var ops = "\(Self.rgb(colour)) RG \(n(width)) w 1 j \(n(first.x)) \(n(first.y)) m"
        for point in points.dropFirst() { ops += " \(n(point.x)) \(n(point.y)) l" }
        content += ops + " S\n"
    }

    static func rgb(_ colour: ChartColour) -> String {
        [colour.red, colour.green, colour.blue].map { ChartFormat.plain(Double($0) / 255, decimals: 3) }.joined(separator: " ")
    }
}
