import Foundation

/// WooCommerce's webhook and REST payloads read into Herald's shapes.
enum WooCommercePayload {
    static let orderTopics: Set<String> = ["order.created", "order.updated", "order.deleted", "order.restored"]
    /// `order.deleted` carries only the id: the order is cancelled.
    static let deletedTopic = "order.deleted"
    static let customerTopics: Set<String> = ["customer.created", "customer.updated"]
    static var topics: Set<String> { orderTopics.union(customerTopics) }

    static func order(_ json: ShopJSON) throws -> ShopOrder {
        guard json.isObject else { throw ShopPayloadError("an order must be a JSON object") }
        let id = try json["id"].id("the order's id")
        guard let currency = json["currency"].text?.uppercased(), currency.count == 3 else {
            throw ShopPayloadError("order \(id) has no three-letter currency")
        }
        guard let total = try json["total"].money(currency: currency, field: "total") else { throw ShopPayloadError("order \(id) has no total") }
        guard let orderedAt = try json["date_created_gmt"].date(field: "date_created_gmt") ?? json["date_created"].date(field: "date_created") else {
            throw ShopPayloadError("order \(id) has no date_created_gmt")
        }
        var refunds: [ShopOrder.Refund] = []
        for (index, refund) in json["refunds"].array.enumerated() {
            // Listed on the order with negative totals ("-5.00").
            let amount = try refund["total"].money(currency: currency, field: "refunds[\(index)].total") ?? 0
            refunds.append(ShopOrder.Refund(id: try refund["id"].id("refunds[\(index)].id"), amountMinor: abs(amount), at: orderedAt))
        }
        let billing = json["billing"], shipping = json["shipping"]
        let buyer = ShopBuyer(
            customerID: json["customer_id"].text.flatMap { $0 == "0" ? nil : $0 }, email: billing["email"].text,
            phone: billing["phone"].text ?? shipping["phone"].text, country: billing["country"].text ?? shipping["country"].text,
            firstName: billing["first_name"].text, lastName: billing["last_name"].text
        )
        var lines: [ShopOrder.Line] = []
        for (index, item) in json["line_items"].array.enumerated() {
            let quantity = max(item["quantity"].int ?? 1, 1)
            // `price` is a JSON number; the line's subtotal string is exact.
            let subtotal = try item["subtotal"].money(currency: currency, field: "line_items[\(index)].subtotal")
            let price = try subtotal.map { $0 / quantity } ?? item["price"].money(currency: currency, field: "line_items[\(index)].price") ?? 0
            // A variation counts as its parent product, which carries the categories.
            let lineID = try item["id"].id("line_items[\(index)].id")
            let productID = item["product_id"].text.flatMap { $0 == "0" ? nil : $0 } ?? "line-\(lineID)"
            lines.append(ShopOrder.Line(productID: productID, name: item["name"].text ?? productID, quantity: quantity, unitPriceMinor: price))
        }
        return ShopOrder(
            id: id, number: json["number"].text, currency: currency, totalMinor: total, refunds: refunds,
            status: status(json["status"].text), orderedAt: orderedAt, buyer: buyer, lines: lines
        )
    }

    static func status(_ status: String?) -> ShopOrder.Status {
        switch status {
        case "processing", "completed": .paid
        case "refunded": .refunded
        case "cancelled", "failed", "trash": .cancelled
        default: .unpaid  // pending, on-hold, checkout-draft
        }
    }

    static func customer(_ json: ShopJSON) throws -> ShopBuyer {
        guard json.isObject else { throw ShopPayloadError("a customer must be a JSON object") }
        let billing = json["billing"]
        return ShopBuyer(
            customerID: try json["id"].id("the customer's id"), email: json["email"].text ?? billing["email"].text, phone: billing["phone"].text,
            country: billing["country"].text, firstName: json["first_name"].text ?? billing["first_name"].text,
            lastName: json["last_name"].text ?? billing["last_name"].text
        )
    }

    /// A product's categories, first one first.
    static func categories(_ json: ShopJSON) -> [String] { json["categories"].array.compactMap { $0["name"].text } }
}
