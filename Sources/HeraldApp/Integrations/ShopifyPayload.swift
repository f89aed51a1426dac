import Foundation

/// Shopify's webhook and REST payloads (orders, refunds, customers, products) read into Herald's shapes.
enum ShopifyPayload {
    static let orderTopics: Set<String> = ["orders/create", "orders/paid", "orders/updated", "orders/cancelled"]
    static let customerTopics: Set<String> = ["customers/create", "customers/update"]
    static let refundTopic = "refunds/create"
    static var topics: Set<String> { orderTopics.union(customerTopics).union([refundTopic]) }

    static func order(_ json: ShopJSON) throws -> ShopOrder {
        guard json.isObject else { throw ShopPayloadError("an order must be a JSON object") }
        let id = try json["id"].id("the order's id")
        guard let currency = json["currency"].text?.uppercased(), currency.count == 3 else {
            throw ShopPayloadError("order \(id) has no three-letter currency")
        }
        guard let total = try json["total_price"].money(currency: currency, field: "total_price") else {
            throw ShopPayloadError("order \(id) has no total_price")
        }
        let createdAt = try json["created_at"].date(field: "created_at") ?? json["processed_at"].date(field: "processed_at")
        guard let orderedAt = createdAt else { throw ShopPayloadError("order \(id) has no created_at") }
        var refunds: [ShopOrder.Refund] = []
        for refund in json["refunds"].array { refunds.append(try Self.refund(refund, currency: currency).refund) }
        let customer = json["customer"], billing = json["billing_address"], shipping = json["shipping_address"]
        let buyer = ShopBuyer(
            customerID: customer["id"].text,
            email: json["email"].text ?? json["contact_email"].text ?? customer["email"].text,
            phone: json["phone"].text ?? customer["phone"].text ?? billing["phone"].text ?? shipping["phone"].text,
            country: billing["country_code"].text ?? shipping["country_code"].text ?? customer["default_address"]["country_code"].text,
            firstName: customer["first_name"].text ?? billing["first_name"].text, lastName: customer["last_name"].text ?? billing["last_name"].text
        )
        var lines: [ShopOrder.Line] = []
        for (index, item) in json["line_items"].array.enumerated() {
            let quantity = item["quantity"].int ?? 1
            let price = try item["price"].money(currency: currency, field: "line_items[\(index)].price") ?? 0
            // A custom line (no product) is kept under its own line id.
            let lineID = try item["id"].id("line_items[\(index)].id")
            let productID = item["product_id"].text ?? "line-\(lineID)"
            lines.append(
                ShopOrder.Line(productID: productID, name: item["title"].text ?? item["name"].text ?? productID, quantity: max(quantity, 1), unitPriceMinor: price)
            )
        }
        return ShopOrder(
            id: id, number: json["name"].text, currency: currency, totalMinor: total, refunds: refunds,
            status: status(financial: json["financial_status"].text, cancelledAt: json["cancelled_at"].text), orderedAt: orderedAt, buyer: buyer,
            lines: lines
        )
    }

    /// `cancelled_at` wins; then the financial status.
    static func status(financial: String?, cancelledAt: String?) -> ShopOrder.Status {
        if cancelledAt != nil { return .cancelled }
        switch financial {
        case "paid", "partially_refunded": return .paid
        case "refunded": return .refunded
        case "voided": return .cancelled
        default: return .unpaid  // pending, authorized, partially_paid, expired
        }
    }

    /// A refund (the `refunds/create` payload, or one of an order's `refunds`): its successful refund transactions.
    static func refund(_ json: ShopJSON, currency: String?) throws -> (orderID: String?, refund: ShopOrder.Refund) {
        let id = try json["id"].id("the refund's id")
        var amount: Int64 = 0
        for (index, transaction) in json["transactions"].array.enumerated()
        where transaction["kind"].text == "refund" && (transaction["status"].text ?? "success") == "success" {
            let code = (transaction["currency"].text ?? currency ?? "USD").uppercased()
            amount += try transaction["amount"].money(currency: code, field: "transactions[\(index)].amount") ?? 0
        }
        let at = try json["processed_at"].date(field: "processed_at") ?? json["created_at"].date(field: "created_at") ?? Date()
        return (json["order_id"].text, ShopOrder.Refund(id: id, amountMinor: amount, at: at))
    }

    static func customer(_ json: ShopJSON) throws -> ShopBuyer {
        guard json.isObject else { throw ShopPayloadError("a customer must be a JSON object") }
        let address = json["default_address"]
        return ShopBuyer(
            customerID: try json["id"].id("the customer's id"), email: json["email"].text, phone: json["phone"].text ?? address["phone"].text,
            country: address["country_code"].text, firstName: json["first_name"].text, lastName: json["last_name"].text
        )
    }

    /// A product's category: its product type, which order lines do not carry.
    static func productType(_ json: ShopJSON) -> String? {
        let product = json["product"].isObject ? json["product"] : json
        return product["product_type"].text
    }
}
