import Foundation
import SQLKit
import Testing

@testable import HeraldApp

/// Hand-filled rollup cells in a workspace on Asia/Kolkata time (+5:30) reporting in USD with a EUR rate and no GBP
/// rate: campaign A (variations v1, v2; DE and FR), B (no variation, DE) and C (too small to rank), in three quarter
/// hours, the last one past local midnight of 1 May 2026.
struct AnalyticsMetricsFixture {
    let app: TestApp
    let a: UUID, b: UUID, c: UUID
    let v1: UUID, v2: UUID

    /// 2026-05-01 23:30, 23:45 and 2026-05-02 00:00 in Kolkata.
    static let dayTwo: Int64 = 1_777_660_200
    static let b1 = dayTwo - 1800, b2 = dayTwo - 900, b3 = dayTwo

    static func make(_ app: TestApp) async throws -> AnalyticsMetricsFixture {
        let f = AnalyticsMetricsFixture(app: app, a: .timeOrdered(), b: .timeOrdered(), c: .timeOrdered(), v1: .timeOrdered(), v2: .timeOrdered())
        let none = CellKey.noVariation
        try await app.database.transaction { sql in
            let w = app.workspace.id, now = Date()
            try await sql.raw("UPDATE workspaces SET time_zone = 'Asia/Kolkata', currency = 'USD' WHERE id = \(bind: w)").run()
            try await sql.raw(
                """
                INSERT INTO currency_rates (workspace_id, currency, rate_micros, as_of, updated_at)
                VALUES (\(bind: w), 'EUR', 1100000, '2026-05-01', \(bind: now))
                """
            ).run()
            for (id, name) in [(f.a, "Spring"), (f.b, "Summer"), (f.c, "Tiny")] {
                try await Self.campaign(id, name, workspace: w, in: sql)
            }
            // campaign, variation, country, bucket: sent, delivered, read, clicked, clicks, replied, replies, failed, converted, orders
            try await Self.cell(w, f.a, f.v1, "DE", b1, [100, 90, 60, 20, 25, 5, 6, 10, 3, 3], in: sql)
            try await Self.cell(w, f.a, f.v2, "DE", b2, [50, 50, 30, 15, 15, 2, 2, 0, 1, 1], in: sql)
            try await Self.cell(w, f.a, f.v1, "FR", b3, [60, 55, 20, 5, 9, 1, 1, 5, 0, 0], in: sql)
            try await Self.cell(w, f.b, none, "DE", b2, [200, 180, 100, 54, 60, 9, 9, 20, 9, 10], in: sql)
            try await Self.cell(w, f.c, none, "DE", b3, [50, 50, 40, 45, 50, 0, 0, 0, 0, 0], in: sql)
            try await Self.failures(w, f.a, f.v1, "DE", b1, [131026: 7, 0: 3], in: sql)
            try await Self.failures(w, f.a, f.v1, "FR", b3, [131026: 5], in: sql)
            try await Self.failures(w, f.b, none, "DE", b2, [131049: 20], in: sql)
            // currency: cost micros, revenue minor, refunded orders, refunded minor
            try await Self.money(w, f.a, f.v1, "DE", b1, "USD", [2_250_000, 0, 0, 0], in: sql)
            try await Self.money(w, f.a, f.v1, "DE", b1, "EUR", [0, 10_000, 1, 2_000], in: sql)
            try await Self.money(w, f.a, f.v2, "DE", b2, "USD", [1_250_000, 0, 0, 0], in: sql)
            try await Self.money(w, f.a, f.v2, "DE", b2, "GBP", [0, 5_000, 0, 0], in: sql)
            try await Self.money(w, f.a, f.v1, "FR", b3, "EUR", [1_000_000, 0, 0, 0], in: sql)
            try await Self.money(w, f.b, none, "DE", b2, "USD", [4_500_000, 45_000, 0, 0], in: sql)
        }
        return f
    }

    static func campaign(_ id: UUID, _ name: String, workspace: UUID, in sql: any SQLDatabase) async throws {
        let now = Date()
        try await sql.raw(
            """
            INSERT INTO campaigns (id, workspace_id, name, status, created_at, updated_at)
            VALUES (\(bind: id), \(bind: workspace), \(bind: name), 'completed', \(bind: now), \(bind: now))
            """
        ).run()
    }

    static func cell(_ w: UUID, _ c: UUID, _ v: UUID, _ country: String, _ bucket: Int64, _ n: [Int64], in sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO analytics_cells (workspace_id, campaign_id, variation_id, country, bucket, sent, delivered, read, clicked, clicks, replied,
                replies, failed, converted, orders)
            VALUES (\(bind: w), \(bind: c), \(bind: v), \(bind: country), \(bind: bucket), \(bind: n[0]), \(bind: n[1]), \(bind: n[2]), \(bind: n[3]),
                \(bind: n[4]), \(bind: n[5]), \(bind: n[6]), \(bind: n[7]), \(bind: n[8]), \(bind: n[9]))
            """
        ).run()
    }

    static func failures(_ w: UUID, _ c: UUID, _ v: UUID, _ country: String, _ bucket: Int64, _ codes: [Int: Int64], in sql: any SQLDatabase)
        async throws
    {
        for (code, n) in codes {
            try await sql.raw(
                """
                INSERT INTO analytics_failures (workspace_id, campaign_id, variation_id, country, bucket, error_code, failed)
                VALUES (\(bind: w), \(bind: c), \(bind: v), \(bind: country), \(bind: bucket), \(bind: code), \(bind: n))
                """
            ).run()
        }
    }

    static func money(
        _ w: UUID, _ c: UUID, _ v: UUID, _ country: String, _ bucket: Int64, _ currency: String, _ n: [Int64], in sql: any SQLDatabase
    ) async throws {
        try await sql.raw(
            """
            INSERT INTO analytics_money (workspace_id, campaign_id, variation_id, country, bucket, currency, cost_micros, revenue_minor,
                refunded_orders, refunded_minor)
            VALUES (\(bind: w), \(bind: c), \(bind: v), \(bind: country), \(bind: bucket), \(bind: currency), \(bind: n[0]), \(bind: n[1]),
                \(bind: n[2]), \(bind: n[3]))
            """
        ).run()
    }

    func get(_ path: String) async throws -> JSONValue {
        let response = try await app.request(.get, path)
        #expect(response.status == .ok, "\(path): \(response.text)")
        return response.json
    }

    func id(_ uuid: UUID) -> String { uuid.uuidString.lowercased() }
}
