import Foundation

/// A minimal PDF 1.7 writer: numbered objects with recorded byte offsets, a classic cross-reference table and a
/// trailer naming `/Root` and `/Info` (what `qpdf --check` verifies). The font is embedded whole as a Type 0 font
/// with Identity-H encoding over a CIDFontType2 (`/FontFile2`, `/CIDToGIDMap /Identity`), with `/W` widths for the
/// glyphs used and a `/ToUnicode` map, so text is selectable and extractable. Streams are not compressed (zlib is
/// not linked). Output depends only on the pages, title and date: the same input gives the same bytes.
public struct PDFDocument: Sendable {
    /// A4 in points.
    public static let a4 = (width: 595.28, height: 841.89)

    public var title: String
    public var creationDate: Date
    public let font: TrueTypeFont
    public private(set) var pages: [PDFPage] = []

    /// `font` must be the font the pages were drawn with (both default to DejaVu Sans).
    public init(title: String, creationDate: Date, font: TrueTypeFont = .dejaVuSans) {
        self.title = title
        self.creationDate = creationDate
        self.font = font
    }

    public mutating func add(_ page: PDFPage) {
        pages.append(page)
    }

    /// The file's bytes. A document without pages gets one blank A4 page (a PDF needs one).
    public func data() -> Data {
        let pages = self.pages.isEmpty ? [PDFPage(font: font)] : self.pages
        var glyphs: [UInt16: Unicode.Scalar] = [:]
        for page in pages {
            glyphs.merge(page.glyphs) { first, _ in first }
        }
        let fontName = "/" + PDFString.name(font.postScriptName)
        let firstPage = 9
        var writer = PDFObjectWriter()
        writer.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        let kids = pages.indices.map { "\(firstPage + 2 * $0) 0 R" }.joined(separator: " ")
        writer.object(2, "<< /Type /Pages /Kids [\(kids)] /Count \(pages.count) >>")
        writer.object(3, "<< /Title \(PDFString.text(title)) /Producer (Herald) /CreationDate (\(Self.date(creationDate))) >>")
        writer.object(
            4, "<< /Type /Font /Subtype /Type0 /BaseFont \(fontName) /Encoding /Identity-H /DescendantFonts [5 0 R] /ToUnicode 8 0 R >>")
        writer.object(
            5,
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont \(fontName) /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
                + " /FontDescriptor 6 0 R /DW \(scaled(font.advance(glyph: 0))) /W \(widths(glyphs)) /CIDToGIDMap /Identity >>")
        let box = font.boundingBox.map { String(scaled($0)) }.joined(separator: " ")
        writer.object(
            6,
            "<< /Type /FontDescriptor /FontName \(fontName) /Flags 32 /FontBBox [\(box)] /ItalicAngle \(ChartFormat.plain(font.italicAngle))"
                + " /Ascent \(scaled(font.ascent)) /Descent \(scaled(font.descent)) /CapHeight \(scaled(font.capHeight))"
                + " /StemV 80 /FontFile2 7 0 R >>")
        writer.stream(7, extra: "/Length1 \(font.data.count)", font.data)
        writer.stream(8, extra: "", Data(Self.toUnicode(glyphs).utf8))
        for (index, page) in pages.enumerated() {
            let number = firstPage + 2 * index
            let size = "0 0 \(ChartFormat.plain(page.width)) \(ChartFormat.plain(page.height))"
            writer.object(
                number, "<< /Type /Page /Parent 2 0 R /MediaBox [\(size)] /Resources << /Font << /F1 4 0 R >> >> /Contents \(number + 1) 0 R >>")
            writer.stream(number + 1, extra: "", Data(page.content.utf8))
        }
        return writer.finish(root: 1, info: 3)
    }

    /// Font units to the 1/1000 em of PDF glyph space, rounded half away from zero.
    func scaled(_ units: Int) -> Int {
        let value = Double(units) * 1000 / Double(font.unitsPerEm)
        return Int(value.rounded())
    }

    /// `[first [w w w] first [w] …]` for runs of consecutive glyph ids.
    func widths(_ glyphs: [UInt16: Unicode.Scalar]) -> String {
        var out = "[", previous: UInt16?
        for glyph in glyphs.keys.sorted() {
            let width = String(scaled(font.advance(glyph: glyph)))
            if let last = previous, glyph == last + 1 {
                out += " " + width
            } else {
                out += (previous == nil ? "" : "] ") + "\(glyph) [" + width
            }
            previous = glyph
        }
        return out + (previous == nil ? "]" : "]]")
    }

    /// A CMap from glyph ids back to the characters they were drawn for (UTF-16BE), in blocks of at most 100.
    static func toUnicode(_ glyphs: [UInt16: Unicode.Scalar]) -> String {
        var cmap = """
            /CIDInit /ProcSet findresource begin
            12 dict begin
            begincmap
            /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
            /CMapName /Adobe-Identity-UCS def
            /CMapType 2 def
            1 begincodespacerange
            <0000> <FFFF>
            endcodespacerange

            """
        let entries = glyphs.keys.sorted()
        for start in stride(from: 0, to: entries.count, by: 100) {
            let block = entries[start..<min(start + 100, entries.count)]
            cmap += "\(block.count) beginbfchar\n"
            for glyph in block {
                let units = String(Character(glyphs[glyph]!)).utf16.map { PDFString.hex4(Int($0)) }.joined()
                cmap += "<\(PDFString.hex4(Int(glyph)))> <\(units)>\n"
            }
            cmap += "endbfchar\n"
        }
        return cmap + "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    }

    /// `D:20260501120000Z`, in UTC.
    static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let fields = [parts.month, parts.day, parts.hour, parts.minute, parts.second].map { value in
            let digits = String(value ?? 0)
            return digits.count == 1 ? "0" + digits : digits
        }
        return "D:\(parts.year ?? 1970)" + fields.joined() + "Z"
    }
}

/// Appends numbered objects, remembering where each starts, and closes the file with xref and trailer.
struct PDFObjectWriter {
    private(set) var bytes = Data("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
    private var offsets: [Int: Int] = [:]

    mutating func object(_ number: Int, _ body: String) {
        offsets[number] = bytes.count
        bytes.append(Data("\(number) 0 obj\n\(body)\nendobj\n".utf8))
    }

    mutating func stream(_ number: Int, extra: String, _ data: Data) {
        offsets[number] = bytes.count
        let dictionary = "<< /Length \(data.count)" + (extra.isEmpty ? "" : " " + extra) + " >>"
        bytes.append(Data("\(number) 0 obj\n\(dictionary)\nstream\n".utf8))
        bytes.append(data)
        bytes.append(Data("\nendstream\nendobj\n".utf8))
    }

    mutating func finish(root: Int, info: Int) -> Data {
        let count = (offsets.keys.max() ?? 0) + 1
        let start = bytes.count
        var xref = "xref\n0 \(count)\n0000000000 65535 f \n"
        for number in 1..<count {
            let offset = String(offsets[number] ?? 0)
            xref += String(repeating: "0", count: 10 - offset.count) + offset + " 00000 n \n"
        }
        xref += "trailer\n<< /Size \(count) /Root \(root) 0 R /Info \(info) 0 R >>\nstartxref\n\(start)\n%%EOF\n"
        bytes.append(Data(xref.utf8))
        return bytes
    }
}
