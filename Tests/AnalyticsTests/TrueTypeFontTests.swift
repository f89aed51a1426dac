import Analytics
import Foundation
import Testing

@Suite("TrueType font")
struct TrueTypeFontTests {
    let font = TrueTypeFont.dejaVuSans

    @Test("DejaVu Sans loads from the module's resources with its metrics")
    func metrics() {
        #expect(font.unitsPerEm == 2048)
        #expect(font.postScriptName == "DejaVuSans")
        #expect(font.ascent > 0 && font.descent < 0)
        #expect(font.capHeight > 1000 && font.capHeight < font.ascent)
        #expect(font.glyphCount > 5000)
        #expect(font.boundingBox.count == 4)
        #expect(font.italicAngle == 0)
    }

    @Test("accented Latin letters map to their own glyphs, not to .notdef")
    func accentedLetters() {
        let glyphs = ["é", "ë", "Ł", "ł", "ã", "ç"].map { font.glyph(for: $0.unicodeScalars.first!) }
        #expect(glyphs.allSatisfy { $0 != 0 })
        #expect(Set(glyphs).count == glyphs.count)
        #expect(font.glyph(for: "A") != font.glyph(for: "B"))
        #expect(font.glyph(for: "\u{4E2D}") == 0, "DejaVu Sans has no CJK: 中 falls back to .notdef")
    }

    @Test("advance widths are sane: a space is narrower than an M, digits share one width")
    func widths() {
        let space = font.advance(glyph: font.glyph(for: " "))
        let m = font.advance(glyph: font.glyph(for: "M"))
        #expect(space > 300 && space < m && m < font.unitsPerEm * 2)
        let digits = Set("0123456789".unicodeScalars.map { font.advance(glyph: font.glyph(for: $0)) })
        #expect(digits.count == 1)
        #expect(font.width(of: "MM", size: 10) == 2 * font.width(of: "M", size: 10))
        #expect(font.width(of: "", size: 12) == 0)
    }

    @Test("a decomposed é measures like the precomposed one (NFC before mapping)")
    func normalisation() {
        #expect(font.width(of: "Jose\u{301}", size: 12) == font.width(of: "José", size: 12))
    }

    @Test("a file that is not a font is refused, not crashed on")
    func garbage() {
        #expect(throws: TrueTypeFont.Error.self) { try TrueTypeFont(data: Data("not a font".utf8)) }
        #expect(throws: TrueTypeFont.Error.self) { try TrueTypeFont(data: Data()) }
    }
}
