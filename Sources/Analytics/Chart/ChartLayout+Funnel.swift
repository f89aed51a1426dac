extension ChartLayout {
    /// One row per step: the label on the left, "count · percentage" on the right, the bar underneath.
    static func funnel(_ bars: [FunnelBar], in area: ChartRect) -> [ChartShape] {
        let line = lineHeight(labelSize)
        guard !bars.isEmpty, area.height >= Double(bars.count) * (line + 8) else { return emptyNote(in: area) }
        let rowHeight = area.height / Double(bars.count)
        let barHeight = max(4, min(16, rowHeight - line - 6))
        let largest = max(1, bars.map(\.count).max() ?? 1)
        var shapes: [ChartShape] = []
        for (index, bar) in bars.enumerated() {
            let rowTop = area.y + Double(index) * rowHeight
            let baseline = rowTop + ascent(labelSize)
            var value = ChartFormat.grouped(bar.count)
            if let fraction = bar.fraction { value += " · " + ChartFormat.percent(fraction) }
            value = ChartFormat.fitting(value, width: area.width / 2, size: labelSize)
            let valueWidth = ChartText.width(value, size: labelSize, weight: .regular)
            let label = ChartFormat.fitting(bar.label, width: area.width - valueWidth - 8, size: labelSize)
            shapes.append(.text(ChartText(label, x: area.x, y: baseline, size: labelSize)))
            shapes.append(.text(ChartText(value, x: area.maxX, y: baseline, anchor: .end, size: labelSize, colour: .muted)))
            let barTop = rowTop + line + 2
            shapes.append(.rect(ChartRect(x: area.x, y: barTop, width: area.width, height: barHeight), fill: .track))
            let barWidth = area.width * Double(max(0, bar.count)) / Double(largest)
            if barWidth > 0 {
                shapes.append(.rect(ChartRect(x: area.x, y: barTop, width: barWidth, height: barHeight), fill: ChartColour.series[0]))
            }
        }
        return shapes
    }
}
