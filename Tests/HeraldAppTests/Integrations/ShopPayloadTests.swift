import Foundation
import Testing

@testable import HeraldApp

@Suite("Shop payloads")
struct ShopPayloadTests {
    @Test("decimal money strings become minor units of the order's currency, exactly")
    func money() throws {
        #expect(try ShopMoney.minor("598.94", currency: "USD", field: "t") == 59894)
        #expect(try ShopMoney.minor("0.10", currency: "EUR", field: "t") == 10)
        #expect(try ShopMoney.minor("1000", currency: "JPY", field: "t") == 1000)
        #expect(try ShopMoney.minor("1000.00", currency: "JPY", field: "t") == 1000)
        #expect(try ShopMoney.minor("12.345", currency: "KWD", field: "t") == 12345)
        #expect(try ShopMoney.minor("-5.00", currency: "USD", field: "t") == -500)
        // 0.1 + 0.2 through a Double would not be 30 cents; a decimal string is.
        #expect(try ShopMoney.minor("10000000.29", currency: "USD", field: "t") == 1_000_000_029)
        #expect(throws: ShopPayloadError.self) { try ShopMoney.minor("12,50", currency: "EUR", field: "t") }
        #expect(throws: ShopPayloadError.self) { try ShopMoney.minor("", currency: "EUR", field: "t") }
    }

    @Test("Shopify times carry an offset; WooCommerce's *_gmt times carry none and are UTC")
    func times() {
        #expect(ShopTime.parse("2008-01-10T11:00:00-05:00") == Date(timeIntervalSince1970: 1_199_980_800))
        #expect(ShopTime.parse("2017-03-22T19:28:02") == Date(timeIntervalSince1970: 1_490_210_882))
        #expect(ShopTime.parse("2017-03-22T19:28:02Z") == Date(timeIntervalSince1970: 1_490_210_882))
        #expect(ShopTime.parse("2017-03-22T19:28:02.250Z") == Date(timeIntervalSince1970: 1_490_210_882.25))
        #expect(ShopTime.parse("yesterday") == nil)
    }

    @Test("a Shopify order: buyer, lines, refunds and status")
    func shopifyOrder() throws {
        let body = ShopPayloads.shopifyOrder(
            id: 450789469, total: "598.94", financialStatus: "partially_refunded",
            lines: [.init(productID: 632910392, title: "IPod Nano - 8gb", price: "199.00"), .init(productID: 921728736, title: "IPod Touch", quantity: 2, price: "199.97")],
            refunds: [(id: 509562969, amount: "41.94")]
        )
        let order = try ShopifyPayload.order(try ShopJSON(parsing: Data(body.utf8)))
        #expect(order.id == "450789469")
        #expect(order.totalMinor == 59894 && order.refundedMinor == 4194)
        #expect(order.status == .paid)
        #expect(order.orderedAt == ShopTime.parse("2026-11-20T16:00:00Z"))
        #expect(order.buyer.phone == "+16136120707" && order.buyer.email == "bob@example.com" && order.buyer.country == "US")
        #expect(order.buyer.name == "Bob Norman")
        #expect(order.lines.map(\.productID) == ["632910392", "921728736"])
        #expect(order.lines[1].quantity == 2 && order.lines[1].unitPriceMinor == 19997)
        #expect(ShopifyPayload.status(financial: "paid", cancelledAt: "2026-11-20T12:00:00-05:00") == .cancelled)
        #expect(ShopifyPayload.status(financial: "refunded", cancelledAt: nil) == .refunded)
        #expect(ShopifyPayload.status(financial: "pending", cancelledAt: nil) == .unpaid)
        #expect(throws: ShopPayloadError.self) { try ShopifyPayload.order(try ShopJSON(parsing: Data(#"{"id":1,"currency":"USD"}"#.utf8))) }
    }

    @Test("a WooCommerce order: free-text phone, *_gmt time, negative refunds, statuses")
    func wooOrder() throws {
        let body = ShopPayloads.wooOrder(
            id: 727, total: "29.35", lines: [.init(productID: 93, title: "Woo Single #1", price: "6.00")], refunds: [(id: 730, total: "-5.00")]
        )
        let order = try WooCommercePayload.order(try ShopJSON(parsing: Data(body.utf8)))
        #expect(order.id == "727" && order.number == "727")
        #expect(order.totalMinor == 2935 && order.refundedMinor == 500)
        #expect(order.orderedAt == ShopTime.parse("2026-11-20T16:28:02Z"))
        #expect(order.buyer.phone == "(212) 555-0142" && order.buyer.country == "US" && order.buyer.customerID == nil)
        #expect(order.lines == [ShopOrder.Line(productID: "93", name: "Woo Single #1", quantity: 1, unitPriceMinor: 600)])
        for (status, expected) in [("processing", ShopOrder.Status.paid), ("completed", .paid), ("on-hold", .unpaid), ("pending", .unpaid),
            ("cancelled", .cancelled), ("failed", .cancelled), ("trash", .cancelled), ("refunded", .refunded)] {
            #expect(WooCommercePayload.status(status) == expected, "\(status)")
        }
    }

    @Test("Shopify's Link header: the rel=next URL, used as it is")
    func links() {
        let header = #"<https://acme.myshopify.com/admin/api/2025-01/orders.json?limit=250&page_info=abc>; rel="previous", <https://acme.myshopify.com/admin/api/2025-01/orders.json?limit=250&page_info=def>; rel="next""#
        #expect(ShopClient.nextLink(header) == "https://acme.myshopify.com/admin/api/2025-01/orders.json?limit=250&page_info=def")
        #expect(ShopClient.nextLink(#"<https://x/orders.json?page_info=abc>; rel="previous""#) == nil)
    }

    @Test("signatures: base64 HMAC-SHA256 of the raw body; anything else is refused")
    func signatures() {
        let body = Array(#"{"id":1}"#.utf8)
        let header = ShopSignature.sign(body: body, secret: "s3cret")
        #expect(ShopSignature.isValid(body: body, header: header, secret: "s3cret"))
        #expect(!ShopSignature.isValid(body: body, header: header, secret: "other"))
        #expect(!ShopSignature.isValid(body: body + [32], header: header, secret: "s3cret"))
        #expect(!ShopSignature.isValid(body: body, header: nil, secret: "s3cret"))
        #expect(!ShopSignature.isValid(body: body, header: "not base64!", secret: "s3cret"))
        #expect(!ShopSignature.isValid(body: body, header: header, secret: ""))
        // Known value: printf '{"id":1}' | openssl dgst -sha256 -hmac s3cret -binary | base64
        #expect(header == Self.opensslSignature)
    }

    static let opensslSignature = "Y92rNNpYOOODVF6ckLQPdKTj2qvF3ZqNSaUYda1LJBg="
}
