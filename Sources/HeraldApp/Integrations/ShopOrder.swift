import Analytics
import Foundation

/// An order as a shop sends it, in one shape for Shopify and WooCommerce: money in minor units of the order's own
/// currency, times in UTC, the buyer as the shop knows them.
struct ShopOrder: Sendable, Equatable {
    /// What the order means for spend and attribution.
    enum Status: String, Sendable {
        /// Paid, perhaps partly refunded: it counts, net of its refunds.
        case paid
        /// Refunded in full.
        case refunded
        /// Cancelled, voided or failed.
        case cancelled
        /// Not paid yet (pending, authorized, on hold): Herald does not count it until it is.
        case unpaid
    }

    struct Refund: Sendable, Equatable {
        var id: String
        var amountMinor: Int64
        var at: Date
    }

    struct Line: Sendable, Equatable {
        var productID: String
        var name: String
        var quantity: Int64
        var unitPriceMinor: Int64
        /// Known only where the payload names it (WooCommerce's products); Shopify's comes from the product.
        var category: String?
    }

    var id: String
    var number: String?
    var currency: String
    /// The order's total before refunds.
    var totalMinor: Int64
    var refunds: [Refund]
    var status: Status
    var orderedAt: Date
    var buyer: ShopBuyer
    var lines: [Line]

    var refundedMinor: Int64 { min(totalMinor, refunds.reduce(0) { $0 + $1.amountMinor }) }
}

/// A shop's customer or an order's buyer: phones are free text until matched.
struct ShopBuyer: Sendable, Equatable {
    var customerID: String?
    var email: String?
    var phone: String?
    var country: String?
    var firstName: String?
    var lastName: String?

    var name: String? {
        let parts = [firstName, lastName].compactMap { $0?.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }
}

/// Why a shop's payload could not be read; the delivery is kept with this as its error.
struct ShopPayloadError: Error, CustomStringConvertible, Equatable {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Decimal money strings ("598.94", "-5.00", "1000") to minor units of a currency, exactly: never through a Double.
enum ShopMoney {
    static func minor(_ text: String, currency: String, field: String) throws -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") }),
            let decimal = Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX"))
        else { throw ShopPayloadError("\(field) is not a decimal amount: \"\(text)\"") }
        var scaled = decimal
        for _ in 0..<CurrencyExponent.digits(currency) { scaled *= 10 }
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        guard rounded.magnitude < Decimal(Int64.max / 2) else { throw ShopPayloadError("\(field) is too large: \(text)") }
        return NSDecimalNumber(decimal: rounded).int64Value
    }
}

/// Shop times: Shopify's carry an offset, WooCommerce's `*_gmt` carry none and are UTC.
enum ShopTime {
    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let hasZone = trimmed.hasSuffix("Z") || trimmed.dropFirst(19).contains("+") || trimmed.dropFirst(19).contains("-")
        let full = hasZone ? trimmed : trimmed + "Z"
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: full) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: full)
    }
}
