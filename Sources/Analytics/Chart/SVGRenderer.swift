/// Writes chart shapes as an SVG document for the console pages: escaped text, a `viewBox` so it scales, and
/// `role="img"` with a `<title>` so screen readers name it. Text asks for DejaVu Sans (the font the layout measured)
/// and falls back to Verdana, which is as wide or wider... close enough that the layout's 6-point gaps absorb it.
public enum SVGRenderer {
    /// Lays out and writes a chart in one step, titled with the model's title: what a console page embeds (once at
    /// 640 and once at 360 points wide, a CSS media query showing one, keeps labels legible on phones).
    public static func render(_ model: ChartModel, width: Double, height: Double) -> String {
        render(ChartLayout.layout(model, width: width, height: height), width: width, height: height, title: model.title)
    }

    public static func render(_ shapes: [ChartShape], width: Double, height: Double, title: String) -> String {
        let w = ChartFormat.plain(width), h = ChartFormat.plain(height)
        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(w) \#(h)" width="\#(w)" height="\#(h)" role="img""#
        svg += #" font-family="'DejaVu Sans', Verdana, sans-serif"><title>\#(escape(title))</title>"#
        for shape in shapes {
            svg += element(shape)
        }
        return svg + "</svg>"
    }

    static func element(_ shape: ChartShape) -> String {
        let n = { (value: Double) in ChartFormat.plain(value) }
        switch shape {
        case .rect(let rect, let fill):
            return #"<rect x="\#(n(rect.x))" y="\#(n(rect.y))" width="\#(n(rect.width))" height="\#(n(rect.height))" fill="\#(fill.hex)"/>"#
        case .line(let from, let to, let stroke, let width):
            return #"<line x1="\#(n(from.x))" y1="\#(n(from.y))" x2="\#(n(to.x))" y2="\#(n(to.y))""#
                + #" stroke="\#(stroke.hex)" stroke-width="\#(n(width))"/>"#
        case .polyline(let points, let stroke, let width):
            let list = points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
            return #"<polyline points="\#(list)" fill="none" stroke="\#(stroke.hex)" stroke-width="\#(n(width))" stroke-linejoin="round"/>"#
        case .text(let text):
            var attributes = #"x="\#(n(text.x))" y="\#(n(text.y))" font-size="\#(n(text.size))" fill="\#(text.colour.hex)""#
            if text.anchor != .start { attributes += #" text-anchor="\#(text.anchor.rawValue)""# }
            if text.weight == .bold { attributes += #" font-weight="bold""# }
            return "<text \(attributes)>\(escape(text.string))</text>"
        }
    }

    /// Escapes text and attribute values, and drops the control characters XML 1.0 cannot hold.
    static func escape(_ string: String) -> String {
        var out = ""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) || (0xD800...0xDFFF).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
