import Foundation

/// Lays report sections down A4 pages from the top, y measured downwards from the page's top edge; a block that
/// does not fit on what is left of a page starts the next one.
struct ReportPageFlow {
    static let margin = 48.0
    static let footer = 40.0
    let pageWidth = PDFDocument.a4.width, pageHeight = PDFDocument.a4.height
    var pages: [PDFPage] = [PDFPage()]
    var y = margin

    var contentWidth: Double { pageWidth - 2 * Self.margin }
    var bottom: Double { pageHeight - Self.margin - Self.footer / 2 }

    mutating func newPage() {
        pages.append(PDFPage())
        y = Self.margin
    }

    /// Starts a new page unless `height` points still fit (a block taller than a page starts at the top of one).
    mutating func ensure(_ height: Double) {
        if y + height > bottom && y > Self.margin { newPage() }
    }

    mutating func space(_ points: Double) { y += points }

    /// Draws one line of text whose top is at `top` (y down), ellipsised to `width`.
    mutating func text(
        _ string: String, x: Double, top: Double, width: Double, size: Double, colour: ChartColour = .text, bold: Bool = false,
        trailing: Bool = false
    ) {
        let weight: ChartText.Weight = bold ? .bold : .regular
        let fitted = ChartFormat.fitting(string, width: width, size: size, weight: weight)
        let drawn = ChartText.width(fitted, size: size, weight: weight)
        let left = trailing ? x + width - drawn : x
        let baseline = top + ChartLayout.ascent(size)
        pages[pages.count - 1].text(fitted, x: Self.margin + left, y: pageHeight - baseline, size: size, colour: colour, bold: bold)
    }

    mutating func heading(_ string: String, size: Double) {
        ensure(ChartLayout.lineHeight(size) + 40)
        text(string, x: 0, top: y, width: contentWidth, size: size, bold: true)
        y += ChartLayout.lineHeight(size) + 4
    }

    /// Text wrapped at spaces to the content width.
    mutating func paragraph(_ string: String, size: Double, colour: ChartColour = .text) {
        for line in Self.wrap(string, width: contentWidth, size: size) {
            ensure(ChartLayout.lineHeight(size))
            text(line, x: 0, top: y, width: contentWidth, size: size, colour: colour)
            y += ChartLayout.lineHeight(size) + 2
        }
    }

    mutating func fill(_ rect: ChartRect, colour: ChartColour) {
        pages[pages.count - 1].fill(
            ChartRect(x: Self.margin + rect.x, y: pageHeight - rect.maxY, width: rect.width, height: rect.height), colour: colour)
    }

    mutating func metrics(_ group: ReportMetrics) {
        heading(group.title, size: 13)
        let columns = 3, gap = 10.0, cardHeight = 58.0
        let cardWidth = (contentWidth - gap * Double(columns - 1)) / Double(columns)
        for start in stride(from: 0, to: group.metrics.count, by: columns) {
            ensure(cardHeight)
            for (offset, metric) in group.metrics[start..<min(start + columns, group.metrics.count)].enumerated() {
                let left = Double(offset) * (cardWidth + gap)
                fill(ChartRect(x: left, y: y, width: cardWidth, height: cardHeight), colour: ChartColour(0xF3, 0xF5, 0xF8))
                text(metric.label, x: left + 8, top: y + 7, width: cardWidth - 16, size: 9, colour: .muted)
                text(metric.display, x: left + 8, top: y + 20, width: cardWidth - 16, size: 16, bold: true)
                if let base = metric.base {
                    text(base, x: left + 8, top: y + 42, width: cardWidth - 16, size: 8, colour: .muted)
                }
            }
            y += cardHeight + gap
        }
        space(8)
    }

    mutating func chart(_ chart: ChartModel) {
        let height = 220.0
        ensure(height)
        PDFRenderer.draw(ChartLayout.layout(chart, width: contentWidth, height: height), on: &pages[pages.count - 1], x: Self.margin, top: y)
        y += height + 18
    }

    /// Page numbers go on last, once the number of pages is known.
    func finishedPages() -> [PDFPage] {
        var pages = self.pages
        for index in pages.indices {
            let label = "Page \(index + 1) of \(pages.count)"
            let width = ChartText.width(label, size: 8, weight: .regular)
            pages[index].text(label, x: (pageWidth - width) / 2, y: Self.margin / 2, size: 8, colour: .muted)
        }
        return pages
    }

    static func wrap(_ string: String, width: Double, size: Double) -> [String] {
        var lines: [String] = [], line = ""
        for word in string.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let candidate = line.isEmpty ? word : line + " " + word
            if !line.isEmpty && ChartText.width(candidate, size: size, weight: .regular) > width {
                lines.append(line)
                line = word
            } else {
                line = candidate
            }
        }
        return lines + [line]
    }

    /// "4 Dec 2026, 04:26 UTC": fixed English month names, so output does not depend on the host's locale.
    static func dateLine(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let two = { (value: Int?) in String(format: "%02d", value ?? 0) }
        return "\(parts.day ?? 1) \(months[(parts.month ?? 1) - 1]) \(parts.year ?? 1970), \(two(parts.hour)):\(two(parts.minute)) UTC"
    }
}
