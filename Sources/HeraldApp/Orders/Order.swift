import Foundation

/// A purchase, in integer minor units of its currency.
struct Order: Sendable, Encodable {
    var id: UUID
    var externalID: String
    var contactID: UUID
    var totalMinor: Int64
    var currency: String
    var status: String
    var orderedAt: Date
    var lines: [Line]

    struct Line: Sendable, Encodable {
        var productExternalID: String
        var name: String
        var category: String?
        var quantity: Int64
        var unitPriceMinor: Int64
        enum CodingKeys: String, CodingKey {
            case name, category, quantity
            case productExternalID = "product_external_id"
            case unitPriceMinor = "unit_price"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, currency, status, lines
        case externalID = "external_id"
        case contactID = "contact_id"
        case totalMinor = "total"
        case orderedAt = "ordered_at"
    }

    static let statuses: Set<String> = ["paid", "refunded", "cancelled"]

    static func parse(_ reader: FieldReader, defaultCurrency: String) throws(APIError) -> Order {
        try reader.rejectUnknown(["external_id", "contact", "total", "currency", "status", "ordered_at", "lines"])
        let total = try reader.integer("total", required: true)!
        guard total >= 0 else { throw APIError.invalid(reader.name("total"), "total must not be negative (minor units, e.g. cents)") }
        let currency = (try reader.string("currency", maxLength: 3) ?? defaultCurrency).uppercased()
        guard currency.count == 3, currency.allSatisfy(\.isLetter) else {
            throw APIError.invalid(reader.name("currency"), "currency must be a three-letter ISO 4217 code")
        }
        let status = try reader.string("status") ?? "paid"
        guard statuses.contains(status) else { throw APIError.invalid(reader.name("status"), "status must be paid, refunded or cancelled") }
        var lines: [Line] = []
        switch reader.fields["lines"] {
        case nil, .null?: break
        case .array(let items)?:
            for (index, item) in items.enumerated() {
                let line = try FieldReader(item, path: reader.name("lines[\(index)]"))
                try line.rejectUnknown(["product_external_id", "name", "category", "quantity", "unit_price"])
                let quantity = try line.integer("quantity") ?? 1
                let price = try line.integer("unit_price", required: true)!
                guard quantity > 0 else { throw APIError.invalid(line.name("quantity"), "quantity must be at least 1") }
                guard price >= 0 else { throw APIError.invalid(line.name("unit_price"), "unit_price must not be negative") }
                lines.append(
                    Line(
                        productExternalID: try line.string("product_external_id", required: true, maxLength: 200)!,
                        name: try line.string("name", required: true, maxLength: 500)!,
                        category: try line.string("category", maxLength: 200).flatMap { $0.isEmpty ? nil : $0 },
                        quantity: quantity, unitPriceMinor: price
                    )
                )
            }
        case let other?:
            throw APIError.invalid(reader.name("lines"), "lines must be a list, not \(other.typeName)", code: "invalid_type")
        }
        let order = Order(
            id: UUID(), externalID: try reader.string("external_id", required: true, maxLength: 200)!, contactID: UUID(),
            totalMinor: total, currency: currency, status: status, orderedAt: try reader.date("ordered_at") ?? Date(), lines: lines
        )
        return order
    }
}
