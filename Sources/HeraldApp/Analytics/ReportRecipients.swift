import Analytics
import Foundation

/// A campaign's recipients in a report: the contact (name, phone, country) and the furthest step with when it was
/// reached, in the workspace's zone in the PDF and as ISO 8601 UTC in the CSV.
enum ReportRecipients {
    static func table(_ rows: [RecipientRow], title: String, zone: TimeZone) -> ReportTable {
        let columns = [
            ReportTable.Column("Name", role: .label), ReportTable.Column("Phone", role: .label), ReportTable.Column("Country", role: .label),
            ReportTable.Column("Variation", role: .variation), ReportTable.Column("Step", role: .value), ReportTable.Column("Reached", role: .value),
        ]
        let cells: [[ReportTable.Cell]] = rows.map { row in
            let at = reached(row)
            return [
                ReportTable.Cell(row.name ?? "–", value: row.name ?? ""), ReportTable.Cell(row.address ?? "–", value: row.address ?? ""),
                ReportTable.Cell(row.country ?? "–", value: row.country ?? ""),
                ReportTable.Cell(row.variation?.name ?? "", value: row.variation?.name ?? ""),
                ReportTable.Cell(row.step.rawValue.prefix(1).uppercased() + row.step.rawValue.dropFirst(), value: row.step.rawValue),
                ReportTable.Cell(at.map { ReportText.time($0, zone: zone) } ?? "–", value: at.map(ISODate.format) ?? ""),
            ]
        }
        return ReportTable(title: title, columns: columns, rows: cells)
    }

    /// When the message reached its furthest step.
    static func reached(_ row: RecipientRow) -> Date? {
        switch row.step {
        case .converted: row.convertedAt ?? row.clickedAt
        case .clicked: row.clickedAt
        case .read: row.readAt
        case .delivered: row.deliveredAt
        case .failed: row.failedAt
        case .sent: row.sentAt
        case .suppressed, .imported, .queued: nil
        }
    }
}
