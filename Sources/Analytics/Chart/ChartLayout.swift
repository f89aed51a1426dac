/// Turns a `ChartModel` into shapes for a box of `width` × `height` points (y down). Text is measured with the
/// embedded font's widths, long labels are ellipsised and x labels thinned, so no two labels overlap down to phone
/// width (360 points).
public enum ChartLayout {
    public static func layout(_ model: ChartModel, width: Double, height: Double) -> [ChartShape] {
        var shapes: [ChartShape] = []
        let title = ChartFormat.fitting(model.title, width: width, size: titleSize, weight: .bold)
        if !title.isEmpty {
            shapes.append(.text(ChartText(title, x: 0, y: ascent(titleSize), size: titleSize, weight: .bold)))
        }
        let top = lineHeight(titleSize) + 8
        switch model.kind {
        case .funnel(let bars):
            shapes += funnel(bars, in: ChartRect(x: 0, y: top, width: width, height: height - top))
        case .trend(let labels, let series):
            shapes += trend(labels, series, format: model.valueFormat, in: ChartRect(x: 0, y: top, width: width, height: height - top))
        }
        return shapes
    }

    static let titleSize = 14.0
    static let labelSize = 11.0
    static let axisSize = 10.0

    static func ascent(_ size: Double) -> Double {
        Double(TrueTypeFont.dejaVuSans.ascent) * size / Double(TrueTypeFont.dejaVuSans.unitsPerEm)
    }

    static func lineHeight(_ size: Double) -> Double {
        let font = TrueTypeFont.dejaVuSans
        return Double(font.ascent - font.descent) * size / Double(font.unitsPerEm)
    }

    static func emptyNote(in area: ChartRect) -> [ChartShape] {
        let note = ChartFormat.fitting("No data", width: area.width, size: labelSize)
        guard area.height >= lineHeight(labelSize) else { return [] }
        return [.text(ChartText(note, x: area.x, y: area.y + ascent(labelSize), size: labelSize, colour: .muted))]
    }
}
