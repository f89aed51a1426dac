import Foundation
import SQLKit
import Testing

@testable import HeraldApp

@Suite("Attribution of orders to messages")
struct AttributionStoreTests {
    typealias World = AttributionWorld

    @Test("two campaigns compete for one order: the latest click converts, in the cohort cell of its message", arguments: Engine.available)
    func lastTouch(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let world = try await World.make(app)
            try await world.order("1001")
            #expect(try await world.conversion("1001") == World.Row(message: "B", touch: "click", reversed: false))
            let b = try await world.counters("B")
            #expect(b.count == 1)
            #expect(b.convertedAt == World.at("2026-05-03T12:00:00Z"))
            #expect(try await world.cell("B") == World.Cell(converted: 1, orders: 1, revenue: 8000))
            #expect(try await world.cell("A") == World.Cell())
            #expect(try await world.cell("C") == World.Cell(), "a click beats a later read")
            #expect(try await world.counters("A").count == 0)
        }
    }

    @Test("first touch converts the earliest click instead", arguments: Engine.available)
    func firstTouch(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let world = try await World.make(app)
            try await app.database.transaction { sql in
                try await sql.raw("UPDATE workspaces SET attribution_model = 'first_touch' WHERE id = \(bind: app.workspace.id)").run()
            }
            try await world.order("1001")
            #expect(try await world.conversion("1001") == World.Row(message: "A", touch: "click", reversed: false))
            #expect(try await world.cell("A") == World.Cell(converted: 1, orders: 1, revenue: 8000))
            #expect(try await world.cell("B") == World.Cell())
        }
    }

    @Test("without clicks the read converts; a second order outside every window converts nothing", arguments: Engine.available)
    func readAndOutside(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let world = try await World.make(app, anaClicks: false)
            try await world.order("1001")
            #expect(try await world.conversion("1001") == World.Row(message: "C", touch: "read", reversed: false))
            try await world.order("1002", total: 5000, at: "2026-05-12T12:00:00Z")
            #expect(try await world.conversion("1002") == nil)
            #expect(try await world.cell("C") == World.Cell(converted: 1, orders: 1, revenue: 8000))
            #expect(try await world.counters("C").convertedAt == World.at("2026-05-03T12:00:00Z"))
        }
    }

    @Test("a refund reverses the revenue and the converted message; back to paid restores both", arguments: Engine.available)
    func refund(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let world = try await World.make(app)
            try await world.order("1001")
            try await world.order("1001", status: "refunded")
            #expect(try await world.conversion("1001") == World.Row(message: "B", touch: "click", reversed: true))
            #expect(try await world.cell("B") == World.Cell(refundedOrders: 1, refunded: 8000))
            let refunded = try await world.counters("B")
            #expect(refunded.count == 0)
            #expect(refunded.convertedAt == nil)
            try await world.order("1001", status: "cancelled")
            #expect(try await world.cell("B") == World.Cell(refundedOrders: 1, refunded: 8000), "refunded then cancelled is still one reversal")
            try await world.order("1001")
            #expect(try await world.conversion("1001") == World.Row(message: "B", touch: "click", reversed: false))
            #expect(try await world.cell("B") == World.Cell(converted: 1, orders: 1, revenue: 8000))
            #expect(try await world.counters("B").count == 1)
        }
    }

    @Test("two orders on one message: converted counts the message once and converted_at is the earliest active order", arguments: Engine.available)
    func twoOrdersOneMessage(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let world = try await World.make(app)
            try await world.order("1001")
            try await world.order("1002", total: 2000, at: "2026-05-03T13:00:00Z")
            #expect(try await world.cell("B") == World.Cell(converted: 1, orders: 2, revenue: 10000))
            try await world.order("1001", status: "refunded")
            #expect(try await world.cell("B") == World.Cell(converted: 1, orders: 1, revenue: 2000, refundedOrders: 1, refunded: 8000))
            let b = try await world.counters("B")
            #expect(b.count == 1)
            #expect(b.convertedAt == World.at("2026-05-03T13:00:00Z"))
        }
    }

    @Test("an order moved to another contact leaves the first contact's message", arguments: Engine.available)
    func movedOrder(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let world = try await World.make(app)
            try await world.event("C-ben", "read", at: World.at("2026-05-03T11:30:00Z"))
            try await world.order("1001")
            try await world.order("1001", phone: World.benPhone, total: 9000)
            #expect(try await world.conversion("1001") == World.Row(message: "C-ben", touch: "read", reversed: false))
            #expect(try await world.cell("B") == World.Cell())
            #expect(try await world.counters("B").count == 0)
            #expect(try await world.cell("C-ben") == World.Cell(converted: 1, orders: 1, revenue: 9000), "the new amount, in Ben's message's cell")
        }
    }

    @Test("a read that arrives after the order re-attributes it", arguments: Engine.available)
    func lateRead(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let world = try await World.make(app)
            try await world.order("2001", phone: World.benPhone)
            #expect(try await world.conversion("2001") == nil, "Ben had no touch yet")
            let readAt = World.at("2026-05-03T11:30:00Z")
            try await world.event("C-ben", "read", at: readAt)
            let dialect = app.database.dialect
            let (workspaceID, ben) = (app.workspace.id, world.ben)
            try await app.database.transaction { sql in
                let delta = try await AttributionStore.afterTouches([(ben, readAt)], workspaceID: workspaceID, dialect: dialect, in: sql)
                try await delta.flush(dialect: dialect, in: sql)
            }
            #expect(try await world.conversion("2001") == World.Row(message: "C-ben", touch: "read", reversed: false))
            #expect(try await world.cell("C-ben") == World.Cell(converted: 1, orders: 1, revenue: 8000))
            // A touch long before the order (more than the longest window) does not look at it.
            let early = try await app.database.transaction { sql in
                try await AttributionStore.afterTouches([(ben, World.at("2026-04-20T00:00:00Z"))], workspaceID: workspaceID, dialect: dialect, in: sql)
            }
            #expect(early.isEmpty)
        }
    }

    @Test("the same order upserted twice changes nothing", arguments: Engine.available)
    func idempotent(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let world = try await World.make(app)
            try await world.order("1001")
            let cells = try await world.allCells()
            let updated = try await app.database.read { sql in
                try await sql.raw("SELECT updated_at FROM conversions").first()!.decode(column: "updated_at", as: Date.self)
            }
            try await world.order("1001")
            #expect(try await world.allCells() == cells)
            #expect(cells.count == 2, "one cell and one money row: \(cells)")
            let again = try await app.database.read { sql in
                try await sql.raw("SELECT updated_at FROM conversions").first()!.decode(column: "updated_at", as: Date.self)
            }
            #expect(again == updated, "an unchanged conversion is not rewritten")
        }
    }

    @Test("re-attributing the whole workspace after a model change moves the conversion", arguments: Engine.available)
    func reattributeAll(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let world = try await World.make(app)
            try await world.order("1001")
            try await app.database.transaction { sql in
                try await sql.raw("UPDATE workspaces SET attribution_model = 'first_touch' WHERE id = \(bind: app.workspace.id)").run()
            }
            let seen = Counter()
            try await AttributionStore.reattributeAll(workspaceID: app.workspace.id, dialect: app.database.dialect, in: app.database) { done, total in
                await seen.record(done, total)
            }
            #expect(await seen.calls == ["1/1"])
            #expect(try await world.conversion("1001") == World.Row(message: "A", touch: "click", reversed: false))
            #expect(try await world.cell("A") == World.Cell(converted: 1, orders: 1, revenue: 8000))
            #expect(try await world.cell("B") == World.Cell())
        }
    }

    actor Counter {
        var calls: [String] = []
        func record(_ done: Int, _ total: Int) { calls.append("\(done)/\(total)") }
    }
}
