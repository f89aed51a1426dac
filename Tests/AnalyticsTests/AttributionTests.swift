import Analytics
import Foundation
import Testing

@Suite("Attribution's choice")
struct AttributionTests {
    static let a = UUID(uuidString: "AAAAAAAA-0000-0000-0000-000000000001")!
    static let b = UUID(uuidString: "BBBBBBBB-0000-0000-0000-000000000002")!
    static let c = UUID(uuidString: "CCCCCCCC-0000-0000-0000-000000000003")!
    static let campaignA = UUID(uuidString: "AAAAAAAA-1111-0000-0000-000000000000")!
    static let campaignB = UUID(uuidString: "BBBBBBBB-1111-0000-0000-000000000000")!
    static let campaignC = UUID(uuidString: "CCCCCCCC-1111-0000-0000-000000000000")!

    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    /// Ana's touches in design section 3: clicks on A and B, a read of C.
    static let ana: [Attribution.Touch] = [
        .init(messageID: a, campaignID: campaignA, kind: .click, at: at("2026-04-28T18:00:00Z")),
        .init(messageID: b, campaignID: campaignB, kind: .click, at: at("2026-05-02T09:00:00Z")),
        .init(messageID: c, campaignID: campaignC, kind: .read, at: at("2026-05-03T11:00:00Z")),
    ]
    static let order = at("2026-05-03T12:00:00Z")

    @Test("last touch takes the latest click, which beats a later read; first touch the earliest click")
    func example() {
        let last = Attribution.choose(orderedAt: Self.order, touches: Self.ana, settings: .init())
        #expect(last?.messageID == Self.b)
        #expect(last?.kind == .click)
        let first = Attribution.choose(orderedAt: Self.order, touches: Self.ana, settings: .init(model: .firstTouch))
        #expect(first?.messageID == Self.a)
    }

    @Test("without clicks the latest read in the read window converts")
    func readFallback() {
        let reads = Self.ana.filter { $0.kind == .read }
        #expect(Attribution.choose(orderedAt: Self.order, touches: reads, settings: .init())?.messageID == Self.c)
    }

    @Test("an order with no click in 7 days and no read in 1 day converts nothing")
    func outsideEveryWindow() {
        #expect(Attribution.choose(orderedAt: Self.at("2026-05-12T12:00:00Z"), touches: Self.ana, settings: .init()) == nil)
    }

    @Test("windows include both ends: the order's own instant and exactly the window before it")
    func windowEdges() {
        let settings = Attribution.Settings(model: .lastTouch, clickWindowSeconds: 3600, readWindowSeconds: 60)
        let o = Self.order
        func click(_ offset: TimeInterval) -> Attribution.Touch { .init(messageID: Self.a, campaignID: Self.campaignA, kind: .click, at: o.addingTimeInterval(offset)) }
        func read(_ offset: TimeInterval) -> Attribution.Touch { .init(messageID: Self.c, campaignID: Self.campaignC, kind: .read, at: o.addingTimeInterval(offset)) }
        #expect(Attribution.choose(orderedAt: o, touches: [click(-3600)], settings: settings) != nil, "exactly the window before")
        #expect(Attribution.choose(orderedAt: o, touches: [click(-3600.001)], settings: settings) == nil, "just outside")
        #expect(Attribution.choose(orderedAt: o, touches: [click(0)], settings: settings) != nil, "at the order's instant")
        #expect(Attribution.choose(orderedAt: o, touches: [click(0.001)], settings: settings) == nil, "after the order")
        #expect(Attribution.choose(orderedAt: o, touches: [read(-60)], settings: settings)?.kind == .read)
        #expect(Attribution.choose(orderedAt: o, touches: [read(-61)], settings: settings) == nil)
        #expect(Attribution.choose(orderedAt: o, touches: [read(1)], settings: settings) == nil)
        #expect(
            Attribution.choose(orderedAt: o, touches: [read(-10), click(-3601)], settings: settings)?.kind == .read,
            "a click outside its window does not hide a read inside its own"
        )
    }

    @Test("ties at the same instant go to the lower message id, for either model")
    func ties() {
        let t = Self.order.addingTimeInterval(-60)
        let touches: [Attribution.Touch] = [
            .init(messageID: Self.c, campaignID: Self.campaignC, kind: .click, at: t),
            .init(messageID: Self.a, campaignID: Self.campaignA, kind: .click, at: t),
            .init(messageID: Self.b, campaignID: Self.campaignB, kind: .click, at: t),
        ]
        #expect(Attribution.choose(orderedAt: Self.order, touches: touches, settings: .init())?.messageID == Self.a)
        #expect(Attribution.choose(orderedAt: Self.order, touches: touches.reversed(), settings: .init(model: .firstTouch))?.messageID == Self.a)
    }
}
