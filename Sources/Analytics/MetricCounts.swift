/// The outcome counts of a set of messages, summed over rollup cells (or message rows): messages for `sent`,
/// `delivered`, `read`, `clicked`, `replied`, `failed`, `converted`; events for `clicks` and `replies`; active
/// conversions for `orders`; reversed ones for `refundedOrders`.
public struct MetricCounts: Sendable, Equatable, Hashable, Codable {
    public var sent: Int64
    public var delivered: Int64
    public var read: Int64
    public var clicked: Int64
    public var clicks: Int64
    public var replied: Int64
    public var replies: Int64
    public var failed: Int64
    public var converted: Int64
    public var orders: Int64
    public var refundedOrders: Int64

    public init(
        sent: Int64 = 0, delivered: Int64 = 0, read: Int64 = 0, clicked: Int64 = 0, clicks: Int64 = 0, replied: Int64 = 0, replies: Int64 = 0,
        failed: Int64 = 0, converted: Int64 = 0, orders: Int64 = 0, refundedOrders: Int64 = 0
    ) {
        self.sent = sent
        self.delivered = delivered
        self.read = read
        self.clicked = clicked
        self.clicks = clicks
        self.replied = replied
        self.replies = replies
        self.failed = failed
        self.converted = converted
        self.orders = orders
        self.refundedOrders = refundedOrders
    }

    enum CodingKeys: String, CodingKey {
        case sent, delivered, read, clicked, clicks, replied, replies, failed, converted, orders
        case refundedOrders = "refunded_orders"
    }

    public static func + (a: MetricCounts, b: MetricCounts) -> MetricCounts {
        MetricCounts(
            sent: a.sent + b.sent, delivered: a.delivered + b.delivered, read: a.read + b.read, clicked: a.clicked + b.clicked,
            clicks: a.clicks + b.clicks, replied: a.replied + b.replied, replies: a.replies + b.replies, failed: a.failed + b.failed,
            converted: a.converted + b.converted, orders: a.orders + b.orders, refundedOrders: a.refundedOrders + b.refundedOrders
        )
    }

    public static func += (a: inout MetricCounts, b: MetricCounts) { a = a + b }
}
