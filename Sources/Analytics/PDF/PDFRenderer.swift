/// Draws chart shapes (y down, as laid out for SVG) onto a PDF page (y up): the console's charts and the report's
/// are the same layout.
public enum PDFRenderer {
    /// Draws `shapes` with their origin at `x` from the page's left edge and `top` from its top edge.
    public static func draw(_ shapes: [ChartShape], on page: inout PDFPage, x: Double, top: Double) {
        let height = page.height
        func point(_ p: ChartPoint) -> ChartPoint { ChartPoint(x: x + p.x, y: height - top - p.y) }
        for shape in shapes {
            switch shape {
            case .rect(let rect, let fill):
                page.fill(ChartRect(x: x + rect.x, y: height - top - rect.maxY, width: rect.width, height: rect.height), colour: fill)
            case .line(let from, let to, let stroke, let width):
                page.line(from: point(from), to: point(to), colour: stroke, width: width)
            case .polyline(let points, let stroke, let width):
                page.polyline(points.map(point), colour: stroke, width: width)
            case .text(let text):
                let width = ChartText.width(text.string, size: text.size, weight: text.weight)
                let start: Double
                switch text.anchor {
                case .start: start = text.x
                case .middle: start = text.x - width / 2
                case .end: start = text.x - width
                }
                let origin = point(ChartPoint(x: start, y: text.y))
                page.text(text.string, x: origin.x, y: origin.y, size: text.size, colour: text.colour, bold: text.weight == .bold)
            }
        }
    }
}
