import Foundation

extension ChartLayout {
    /// A legend that wraps, a y axis with round ticks and grid lines, thinned x labels, one polyline per unbroken run.
    static func trend(_ labels: [String], _ series: [ChartSeries], format: ChartModel.ValueFormat, in area: ChartRect) -> [ChartShape] {
        var shapes: [ChartShape] = []
        // Legend.
        let legendLine = lineHeight(labelSize) + 4
        var cursor = area.x, legendTop = area.y
        for (index, item) in series.enumerated() {
            let name = ChartFormat.fitting(item.name, width: area.width - 18, size: labelSize)
            let itemWidth = 18 + ChartText.width(name, size: labelSize, weight: .regular)
            if cursor > area.x && cursor + itemWidth > area.maxX {
                cursor = area.x
                legendTop += legendLine
            }
            let colour = ChartColour.series[index % ChartColour.series.count]
            let baseline = legendTop + ascent(labelSize)
            shapes.append(.rect(ChartRect(x: cursor, y: baseline - 5, width: 12, height: 3), fill: colour))
            shapes.append(.text(ChartText(name, x: cursor + 16, y: baseline, size: labelSize)))
            cursor += itemWidth + 12
        }
        let plotTop = (series.isEmpty ? area.y : legendTop + legendLine) + 8
        let axisLine = lineHeight(axisSize)
        let plotBottom = area.maxY - axisLine - 6
        guard !labels.isEmpty, plotBottom - plotTop >= 40 else {
            return shapes + emptyNote(in: ChartRect(x: area.x, y: plotTop, width: area.width, height: area.maxY - plotTop))
        }

        // Y axis.
        let values = series.flatMap(\.values).compactMap { $0 }.filter(\.isFinite)
        let ticks = niceTicks(low: min(0, values.min() ?? 0), high: values.max() ?? 0, count: max(2, Int((plotBottom - plotTop) / 28)))
        let tickLabels = ticks.values.map { tickLabel($0, step: ticks.step, format: format) }
        let labelWidth = tickLabels.map { ChartText.width($0, size: axisSize, weight: .regular) }.max() ?? 0
        let plotLeft = area.x + labelWidth + 6, plotRight = area.maxX - 2
        let low = ticks.values.first ?? 0, high = ticks.values.last ?? 1
        func y(_ value: Double) -> Double {
            let clamped = min(max(value, low), high)
            return plotBottom - (clamped - low) / (high - low) * (plotBottom - plotTop)
        }
        for (value, label) in zip(ticks.values, tickLabels) {
            let tickY = y(value)
            shapes.append(.line(from: ChartPoint(x: plotLeft, y: tickY), to: ChartPoint(x: plotRight, y: tickY), stroke: .grid, width: 0.5))
            shapes.append(.text(ChartText(label, x: plotLeft - 6, y: tickY + axisSize * 0.35, anchor: .end, size: axisSize, colour: .muted)))
        }

        // X axis.
        func x(_ index: Int) -> Double {
            labels.count == 1 ? (plotLeft + plotRight) / 2 : plotLeft + Double(index) * (plotRight - plotLeft) / Double(labels.count - 1)
        }
        shapes += xLabels(labels, at: x, baseline: plotBottom + 6 + ascent(axisSize), in: area)

        // Lines.
        for (index, item) in series.enumerated() {
            let colour = ChartColour.series[index % ChartColour.series.count]
            var run: [ChartPoint] = []
            func flush() {
                if run.count == 1 {
                    shapes.append(.rect(ChartRect(x: run[0].x - 2, y: run[0].y - 2, width: 4, height: 4), fill: colour))
                } else if run.count > 1 {
                    shapes.append(.polyline(run, stroke: colour, width: 2))
                }
                run = []
            }
            for (position, value) in item.values.prefix(labels.count).enumerated() {
                guard let value, value.isFinite else {
                    flush()
                    continue
                }
                run.append(ChartPoint(x: x(position), y: y(value)))
            }
            flush()
        }
        return shapes
    }

    /// Every k-th label, the smallest k for which no two labels come closer than 6 points; each kept inside the area.
    static func xLabels(_ labels: [String], at x: (Int) -> Double, baseline: Double, in area: ChartRect) -> [ChartShape] {
        let widths = labels.map { ChartText.width($0, size: axisSize, weight: .regular) }
        func left(_ index: Int) -> Double {
            min(max(x(index) - widths[index] / 2, area.x), area.maxX - widths[index])
        }
        for step in 1...max(1, labels.count) {
            let chosen = Array(stride(from: 0, to: labels.count, by: step))
            let fits = zip(chosen, chosen.dropFirst()).allSatisfy { left($0) + widths[$0] + 6 <= left($1) }
            let inside = chosen.allSatisfy { widths[$0] <= area.width }
            if fits && inside || chosen.count == 1 {
                return chosen.map { index in
                    let text = ChartFormat.fitting(labels[index], width: area.width, size: axisSize)
                    let width = ChartText.width(text, size: axisSize, weight: .regular)
                    let start = min(max(x(index) - width / 2, area.x), area.maxX - width)
                    return .text(ChartText(text, x: start, y: baseline, size: axisSize, colour: .muted))
                }
            }
        }
        return []
    }

    /// Round tick values (steps of 1, 2 or 5 times a power of ten) covering low...high.
    static func niceTicks(low: Double, high: Double, count: Int) -> (values: [Double], step: Double) {
        var high = high
        if high <= low { high = low + 1 }
        let rough = (high - low) / Double(max(1, count))
        let magnitude = pow(10, (log10(rough)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        let first = (low / step).rounded(.down) * step
        var values: [Double] = []
        var value = first
        while value < high - step * 1e-9 {
            values.append(value)
            value = first + Double(values.count) * step
        }
        values.append(value)
        return (values, step)
    }

    static func tickLabel(_ value: Double, step: Double, format: ChartModel.ValueFormat) -> String {
        switch format {
        case .percent:
            let decimals = max(0, Int((-log10(step * 100)).rounded(.up)))
            return ChartFormat.percent(value, decimals: decimals)
        case .number:
            let decimals = max(0, Int((-log10(step)).rounded(.up)))
            return ChartFormat.decimal(value, decimals: decimals)
        }
    }
}
