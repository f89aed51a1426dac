import Foundation
import SQLKit
import Testing

@testable import HeraldApp

/// The A/B success metric `conversion` (docs/design-analytics.md, section 3): a message succeeds when an order attributed
/// to it was placed within the test's outcome window after it was sent (`messages.converted_at`).
@Suite("A/B tests: conversion metric")
struct ABTestConversionTests {
    typealias Row = ABTestResultsTests.Row

    @Test("a test can measure conversions: only conversions inside the window count", arguments: Engine.available)
    func conversions(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let base = try await f.count("contacts")
            let now = Date()
            let hour: TimeInterval = 3600
            let test = try await ABTestResultsTests.running(f, metric: "conversion", rows: [
                Row(arm: 0, accepted: -2 * hour, delivered: -2 * hour + 5),
                Row(arm: 0, accepted: -2 * hour, delivered: -2 * hour + 5),
                Row(arm: 1, accepted: -2 * hour, delivered: -2 * hour + 5),
                Row(arm: 1, accepted: -2 * hour, delivered: -2 * hour + 5),
            ], now: now)
            #expect(test.settings.successMetric == .conversion)
            // Converted 30 minutes after sending (inside the hour), 90 minutes after (outside), none, 1 minute after.
            let converted: [TimeInterval?] = [-2 * hour + 1800, -2 * hour + 5400, nil, -2 * hour + 60]
            try await app.database.transaction { sql in
                for (index, offset) in converted.enumerated() {
                    guard let offset else { continue }
                    try await sql.raw(
                        "UPDATE messages SET converted_at = \(bind: now.addingTimeInterval(offset)), conversion_count = 1 WHERE click_token = \(bind: "r\(base + index)")"
                    ).run()
                }
            }
            let results = try await ABTestResultsReader(database: app.database).results(for: test, now: now)
            #expect([results.variations[0].exposed, results.variations[0].successes] == [2, 1] as [Int])
            #expect([results.variations[1].exposed, results.variations[1].successes] == [2, 1] as [Int])
            let shown = try await app.request(.get, "/api/ab-tests/\(test.id.uuidString)")
            #expect(shown.json["success_metric"].string == "conversion", "\(shown.text)")
        }
    }

    @Test("migration 9 widens the success_metric check and keeps ab_tests whole", arguments: Engine.available)
    func migration(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await ABTestFixture.make(app)
            let refused = try await app.request(
                .post, "/api/ab-tests/create",
                json: f.body([f.variation("A", "spring_sale"), f.variation("B", "spring_sale_bold")], extra: #","success_metric":"revenue""#)
            )
            expectError(refused, .unprocessableContent, field: "success_metric")
            #expect(refused.json["error"]["message"].string?.contains("conversion") == true)
            try await app.database.read { sql in
                if engine == .postgres {
                    let check = try await sql.raw(
                        """
                        SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint
                        WHERE conrelid = 'ab_tests'::regclass AND conname = 'ab_tests_success_metric_check'
                        """
                    ).first()?.decode(column: "def", as: String.self)
                    #expect(check?.contains("conversion") == true, "\(check ?? "no constraint")")
                } else {
                    #expect(try await sql.raw("PRAGMA foreign_key_check").all().isEmpty)
                    let indexes = try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ab_tests' AND sql IS NOT NULL ORDER BY name").all()
                        .map { try $0.decode(column: "name", as: String.self) }
                    #expect(indexes == ["ab_tests_due", "ab_tests_workspace"])
                    let table = try await sql.raw("SELECT sql FROM sqlite_master WHERE name = 'ab_tests'").first()!.decode(column: "sql", as: String.self)
                    #expect(table.contains("'conversion'"))
                }
            }
        }
    }
}
