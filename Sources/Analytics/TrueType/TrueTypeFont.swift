import Foundation

/// A TrueType font read from its file: the metrics and character map that reports need to measure text and to embed
/// the font in a PDF. Only what Herald uses is read (`head`, `hhea`, `maxp`, `hmtx`, `cmap` formats 4 and 12, `OS/2`,
/// `post`, `name`); glyph outlines are never interpreted.
public struct TrueTypeFont: Sendable {
    /// The whole font file, embedded as is in PDFs.
    public let data: Data
    /// Font units per em (2,048 for DejaVu Sans): divide by it to get a fraction of the font size.
    public let unitsPerEm: Int
    /// Typographic ascent and descent in font units (descent is negative), from `hhea`.
    public let ascent: Int
    public let descent: Int
    /// Height of capital letters in font units (`OS/2`; 70 % of the em when the table is too old to say).
    public let capHeight: Int
    /// The box enclosing every glyph, in font units: xMin, yMin, xMax, yMax.
    public let boundingBox: [Int]
    /// `post` italic angle in degrees (0 for upright fonts).
    public let italicAngle: Double
    /// The PostScript name (`name` id 6), e.g. "DejaVuSans".
    public let postScriptName: String
    /// Number of glyphs in the font (`maxp`).
    public let glyphCount: Int

    let advances: [UInt16]
    let characterMap: [UInt32: UInt16]

    /// Reads a font file; throws `TrueTypeFont.Error` when a table Herald needs is missing or cut short.
    public init(data: Data) throws {
        let file = FontBytes(Data(data))
        let tables = try Self.tableDirectory(file)
        func table(_ tag: String) throws -> FontBytes {
            guard let range = tables[tag] else { throw Error.missingTable(tag) }
            return try file.slice(range)
        }
        let head = try table("head"), hhea = try table("hhea"), maxp = try table("maxp")
        let hmtx = try table("hmtx"), cmap = try table("cmap")
        self.data = Data(data)
        unitsPerEm = Int(try head.u16(18))
        boundingBox = [Int(try head.i16(36)), Int(try head.i16(38)), Int(try head.i16(40)), Int(try head.i16(42))]
        ascent = Int(try hhea.i16(4))
        descent = Int(try hhea.i16(6))
        glyphCount = Int(try maxp.u16(4))
        let metricCount = Int(try hhea.u16(34))
        advances = try (0..<metricCount).map { try hmtx.u16($0 * 4) }
        characterMap = try Self.readCharacterMap(cmap)
        if let os2 = try? table("OS/2"), (try? os2.u16(0)) ?? 0 >= 2, let height = try? os2.i16(88) {
            capHeight = Int(height)
        } else {
            capHeight = unitsPerEm * 7 / 10
        }
        if let post = try? table("post"), let angle = try? post.i32(4) {
            italicAngle = Double(angle) / 65536
        } else {
            italicAngle = 0
        }
        postScriptName = (try? table("name")).flatMap(Self.readPostScriptName) ?? "Font"
    }

    /// The glyph that draws `scalar`, 0 (`.notdef`, a box) when the font has none.
    public func glyph(for scalar: Unicode.Scalar) -> UInt16 {
        characterMap[scalar.value] ?? 0
    }

    /// Advance width of a glyph in font units (glyphs past `hhea.numberOfHMetrics` share the last advance).
    public func advance(glyph: UInt16) -> Int {
        guard !advances.isEmpty else { return 0 }
        return Int(advances[min(Int(glyph), advances.count - 1)])
    }

    /// Width in points of `text` set at `size` points, measured glyph by glyph (no kerning, no shaping) on the NFC
    /// form, the same form the PDF writer draws.
    public func width(of text: String, size: Double) -> Double {
        var units = 0
        for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars {
            units += advance(glyph: glyph(for: scalar))
        }
        return Double(units) * size / Double(unitsPerEm)
    }

    public enum Error: Swift.Error, Equatable {
        case truncated
        case missingTable(String)
        case noUnicodeCharacterMap
    }
}

extension TrueTypeFont {
    /// DejaVu Sans 2.37 (Bitstream Vera licence, see `DejaVuSans-LICENSE.txt`), shipped with Herald so that reports
    /// never depend on the fonts of the host.
    public static let dejaVuSans: TrueTypeFont = {
        guard let url = Bundle.module.url(forResource: "DejaVuSans", withExtension: "ttf", subdirectory: "Resources/fonts"),
            let data = try? Data(contentsOf: url), let font = try? TrueTypeFont(data: data)
        else { fatalError("Analytics resource Resources/fonts/DejaVuSans.ttf is missing or unreadable") }
        return font
    }()
}
