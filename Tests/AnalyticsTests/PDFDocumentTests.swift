import Analytics
import Foundation
import Testing

@Suite("PDF writer")
struct PDFDocumentTests {
    static let date = Date(timeIntervalSince1970: 1_777_636_800)  // 2026-05-01 12:00:00 UTC

    static func small(_ title: String = "Campaign report") -> Data {
        var page = PDFPage()
        page.text("Łukasz, José, Zoë", x: 72, y: 770, size: 12)
        page.text("Bold", x: 72, y: 750, size: 12, bold: true)
        page.fill(ChartRect(x: 72, y: 700, width: 100, height: 20), colour: ChartColour(0, 0x72, 0xB2))
        page.line(from: ChartPoint(x: 72, y: 690), to: ChartPoint(x: 172, y: 690), colour: .grid, width: 0.5)
        page.polyline([ChartPoint(x: 72, y: 600), ChartPoint(x: 100, y: 650)], colour: .text, width: 2)
        var document = PDFDocument(title: title, creationDate: date)
        document.add(page)
        return document.data()
    }

    static func latin1(_ data: Data) -> String { String(decoding: data.map { $0 }, as: Unicode.ASCII.self) }

    @Test("the same document and date give the same bytes")
    func deterministic() {
        #expect(Self.small() == Self.small())
        let text = Self.latin1(Self.small())
        #expect(text.hasPrefix("%PDF-1.7\n"))
        #expect(text.hasSuffix("%%EOF\n"))
        #expect(text.contains("/CreationDate (D:20260501120000Z)"))
        #expect(text.contains("/Producer (Herald)"))
        #expect(text.contains("/Title (Campaign report)"))
    }

    @Test("every xref entry points at its object, and startxref at the xref table")
    func crossReference() throws {
        let data = Self.small()
        let text = String(decoding: data, as: UTF8.self)
        let bytes = [UInt8](data)
        let startxref = try #require(text.range(of: "startxref\n", options: .backwards))
        let offsetLine = text[startxref.upperBound...].prefix { $0 != "\n" }
        let xrefOffset = try #require(Int(offsetLine))
        #expect(Array(bytes[xrefOffset..<(xrefOffset + 4)]) == Array("xref".utf8))
        let table = String(decoding: bytes[xrefOffset...], as: UTF8.self).split(separator: "\n")
        let header = table[1].split(separator: " ")
        #expect(header[0] == "0")
        let count = try #require(Int(header[1]))
        #expect(count >= 10)
        #expect(table[2] == "0000000000 65535 f ")
        for object in 1..<count {
            let entry = table[2 + object]
            #expect(entry.count == 19 && entry.hasSuffix(" 00000 n "))
            let offset = try #require(Int(entry.prefix(10)))
            let marker = Array("\(object) 0 obj".utf8)
            #expect(Array(bytes[offset..<(offset + marker.count)]) == marker, "object \(object)")
        }
        #expect(text.contains("/Size \(count)"))
    }

    @Test("text is written as glyph ids, with widths and a ToUnicode entry for each glyph used")
    func fontObjects() {
        let font = TrueTypeFont.dejaVuSans
        let text = Self.latin1(Self.small())
        let hex = { (scalar: Unicode.Scalar) in PDFDocumentTests.hex4(Int(font.glyph(for: scalar))) }
        #expect(text.contains("/Subtype /Type0 /BaseFont /DejaVuSans /Encoding /Identity-H"))
        #expect(text.contains("/Subtype /CIDFontType2"))
        #expect(text.contains("/CIDToGIDMap /Identity"))
        #expect(text.contains("/FontFile2 "))
        #expect(text.contains("/Length1 \(font.data.count)"))
        #expect(text.contains("<\(hex("Ł"))\(hex("u"))\(hex("k"))"))
        #expect(text.contains("<\(hex("Ł"))> <0141>"))
        #expect(text.contains("<\(hex("ë"))> <00EB>"))
        let jWidth = (font.advance(glyph: font.glyph(for: "J")) * 1000 + font.unitsPerEm / 2) / font.unitsPerEm
        let j = Int(font.glyph(for: "J"))
        #expect(text.contains(" \(j) [\(jWidth)") || text.contains(" \(jWidth) ") || text.contains("[\(jWidth)"))
        #expect(text.contains("2 Tr"), "bold is fill and stroke")
    }

    @Test("a decomposed é is drawn with the precomposed glyph")
    func normalisesText() {
        var composed = PDFPage(), decomposed = PDFPage()
        composed.text("José", x: 0, y: 0, size: 10)
        decomposed.text("Jose\u{301}", x: 0, y: 0, size: 10)
        #expect(composed.content == decomposed.content)
    }

    @Test("strings: literal escapes for ASCII, UTF-16 hex with a byte-order mark otherwise")
    func strings() {
        #expect(PDFString.text("a(b)\\c") == #"(a\(b\)\\c)"#)
        #expect(PDFString.text("tab\there\nnew") == #"(tab\there\nnew)"#)
        #expect(PDFString.text("\u{1}") == #"(\001)"#)
        #expect(PDFString.text("Zoë") == "<FEFF005A006F00EB>")
        #expect(PDFString.text("😀") == "<FEFFD83DDE00>")
        #expect(Self.latin1(Self.small("Łukasz (May)")).contains("/Title <FEFF0141"))
    }

    static func hex4(_ value: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
