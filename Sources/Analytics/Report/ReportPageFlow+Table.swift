extension ReportPageFlow {
    static let rowHeight = 16.0
    static let cellSize = 9.0

    /// A table: a bold header row on a tinted band, repeated at the top of every page the table continues on;
    /// cells ellipsised to their column.
    mutating func table(_ table: ReportTable) {
        heading(table.title, size: 13)
        let widths = columnWidths(table)
        drawHeader(table, widths: widths)
        for row in table.rows {
            if y + Self.rowHeight > bottom {
                newPage()
                drawHeader(table, widths: widths)
            }
            var left = 0.0
            for (index, column) in table.columns.enumerated() {
                text(
                    table.cell(row, index).display, x: left + 4, top: y + 3, width: widths[index] - 8, size: Self.cellSize,
                    trailing: column.alignment == .trailing)
                left += widths[index]
            }
            y += Self.rowHeight
        }
        space(14)
    }

    mutating func drawHeader(_ table: ReportTable, widths: [Double]) {
        fill(ChartRect(x: 0, y: y, width: contentWidth, height: Self.rowHeight), colour: .track)
        var left = 0.0
        for (index, column) in table.columns.enumerated() {
            text(
                column.title, x: left + 4, top: y + 3, width: widths[index] - 8, size: Self.cellSize, bold: true,
                trailing: column.alignment == .trailing)
            left += widths[index]
        }
        y += Self.rowHeight
    }

    /// Each column's natural width (its widest text, from the first 500 rows), scaled up to fill the page, or,
    /// when they do not fit, the narrow columns keep theirs and the wide ones share what is left equally.
    func columnWidths(_ table: ReportTable) -> [Double] {
        guard !table.columns.isEmpty else { return [] }
        let natural = table.columns.indices.map { index in
            var widest = ChartText.width(table.columns[index].title, size: Self.cellSize, weight: .bold)
            for row in table.rows.prefix(500) {
                widest = max(widest, ChartText.width(table.cell(row, index).display, size: Self.cellSize, weight: .regular))
            }
            return widest + 8
        }
        let total = natural.reduce(0, +)
        if total <= contentWidth { return natural.map { $0 * contentWidth / total } }
        var widths = natural, remaining = contentWidth, left = natural.count
        for index in natural.indices.sorted(by: { natural[$0] < natural[$1] }) {
            widths[index] = min(natural[index], remaining / Double(left))
            remaining -= widths[index]
            left -= 1
        }
        return widths
    }
}
