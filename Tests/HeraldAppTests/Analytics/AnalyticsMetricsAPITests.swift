import Foundation
import Testing

@testable import HeraldApp

/// Campaign metrics, comparison and overview over hand-filled cells (AnalyticsMetricsFixture), checked against numbers
/// worked out by hand.
@Suite("Analytics metrics API")
struct AnalyticsMetricsAPITests {
    @Test("campaign metrics: counts, rates with bases, failures by code, money in two currencies and one without a rate", arguments: Engine.available)
    func campaignMetrics(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await AnalyticsMetricsFixture.make(app)
            let body = try await f.get("/api/analytics/campaigns/\(f.id(f.a))/metrics")
            let m = body["metrics"]
            #expect(body["campaign"]["name"].string == "Spring")
            let counts = m["counts"]
            #expect(
                [
                    counts["sent"], counts["delivered"], counts["read"], counts["clicked"], counts["clicks"], counts["replied"], counts["replies"],
                    counts["failed"], counts["converted"], counts["orders"], counts["refunded_orders"],
                ].map { $0.number } == [210, 195, 110, 40, 49, 8, 9, 15, 4, 4, 1] as [Double?])
            #expect(m["rates"]["delivery"]["numerator"].number == 195 && m["rates"]["delivery"]["denominator"].number == 210)
            #expect(m["rates"]["delivery"]["base"].string == "sent")
            #expect(m["rates"]["click"]["value"].number == 40.0 / 195.0)
            #expect(m["rates"]["click"]["base"].string == "delivered")
            #expect(m["rates"]["conversion"]["numerator"].number == 4)
            #expect(m["failed_by_code"][0]["code"].number == 131026 && m["failed_by_code"][0]["count"].number == 12)
            #expect(m["failed_by_code"][1]["code"].number == 0 && m["failed_by_code"][1]["count"].number == 3)
            // Cost: 2.25 + 1.25 USD + 1.00 EUR at 1.10 = 4.60 USD over 195 delivered and 4 converted.
            #expect(m["cost"]["micros"].number == 4_600_000 && m["cost"]["currency"].string == "USD" && m["cost"]["display"].string == "4.6000")
            #expect(m["cost_per_message"]["amount"]["micros"].number == 23_590 && m["cost_per_message"]["base"].string == "delivered")
            #expect(m["cost_per_conversion"]["amount"]["micros"].number == 1_150_000 && m["cost_per_conversion"]["count"].number == 4)
            // Revenue: 100.00 EUR = 110.00 USD; the 50.00 GBP has no rate and is listed, never counted 1:1.
            #expect(
                m["revenue"]["micros"].number == 110_000_000 && m["revenue"]["minor"].number == 11_000 && m["revenue"]["display"].string == "110.00")
            #expect(m["refunded"]["micros"].number == 22_000_000)
            #expect(m["unconverted"].array.count == 1)
            #expect(m["unconverted"][0]["currency"].string == "GBP" && m["unconverted"][0]["revenue_minor"].number == 5_000)
            #expect(abs((m["roi"].number ?? 0) - (110 - 4.6) / 4.6) < 1e-9)
            #expect(abs((m["return_on_spend"].number ?? 0) - 110 / 4.6) < 1e-9)
            // By variation and by day of the cohort (Kolkata): 1 May holds b1 and b2, 2 May b3.
            let variations = body["by_variation"].array
            #expect(variations.count == 2)
            let v1 = variations.first { $0["id"].string == f.id(f.v1) }
            #expect(v1?["metrics"]["counts"]["sent"].number == 160)
            #expect(body["filters"]["from"] == .null && body["filters"]["time_zone"].string == "Asia/Kolkata")
            let series = body["series"].array
            #expect(series.map { $0["counts"]["sent"].number } == [150, 60] as [Double?])
            #expect(series.first?["start"].string == "2026-04-30T18:30:00Z")
            #expect(series.last?["rates"]["delivery"]["numerator"].number == 55)
            #expect(body["rebuilding"] != .null && body["as_of"].string != nil)
        }
    }

    @Test("filters: date range in the workspace's zone, country, variation; hourly series for a short range", arguments: Engine.available)
    func filters(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await AnalyticsMetricsFixture.make(app)
            let path = "/api/analytics/campaigns/\(f.id(f.a))/metrics"
            let day = try await f.get(path + "?from=2026-05-01&to=2026-05-01")
            #expect(day["metrics"]["counts"]["sent"].number == 150)
            #expect(day["filters"]["granularity"].string == "hour")
            let hours = day["series"].array
            #expect(hours.count == 24)
            #expect(hours.last?["counts"]["sent"].number == 150 && hours.last?["start"].string == "2026-05-01T17:30:00Z")
            #expect(try await f.get(path + "?country=fr")["metrics"]["counts"]["sent"].number == 60)
            let v2 = try await f.get(path + "?variation_id=\(f.id(f.v2))")
            #expect(v2["metrics"]["counts"]["sent"].number == 50)
            #expect(v2["by_variation"].array.count == 1)
            #expect(try await f.get(path + "?from=2026-05-02&to=2026-05-02&country=DE")["metrics"]["counts"]["sent"].number == 0)
        }
    }

    @Test("bad filters are 400 naming the parameter; another workspace's campaign is 404", arguments: Engine.available)
    func errors(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await AnalyticsMetricsFixture.make(app)
            let path = "/api/analytics/campaigns/\(f.id(f.a))/metrics"
            expectError(try await app.request(.get, path + "?from=2026-13-01"), .badRequest, code: "invalid_parameter", field: "from")
            expectError(try await app.request(.get, path + "?from=2026-05-03&to=2026-05-01"), .badRequest, code: "invalid_parameter", field: "to")
            expectError(try await app.request(.get, path + "?granularity=week"), .badRequest, code: "invalid_parameter", field: "granularity")
            expectError(try await app.request(.get, path + "?country=Germany"), .badRequest, code: "invalid_parameter", field: "country")
            expectError(try await app.request(.get, path + "?segment_id=\(UUID())"), .badRequest, code: "invalid_parameter", field: "segment_id")
            expectError(
                try await app.request(.get, "/api/analytics/dashboard/overview?top_by=clicks"), .badRequest, code: "invalid_parameter",
                field: "top_by")
            let (_, otherKey) = try await app.services.workspaces.create(name: "Other")
            expectError(try await app.request(.get, path, key: otherKey), .notFound)
            expectError(try await app.request(.get, "/api/analytics/campaigns/\(f.id(f.a))/segments", key: otherKey), .notFound)
            expectError(try await app.request(.get, "/api/analytics/campaigns/nope/metrics"), .notFound)
            expectError(try await app.request(.get, path, key: ""), .unauthorized)
        }
    }

    @Test("compare marks the best per row, never a count, a null or a rate over fewer than 100", arguments: Engine.available)
    func compare(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await AnalyticsMetricsFixture.make(app)
            let body = try await f.get("/api/analytics/campaigns/compare?ids=\(f.id(f.a)),\(f.id(f.b))")
            #expect(body["campaigns"].array.map { $0["name"].string } == ["Spring", "Summer"])
            func row(_ body: JSONValue, _ metric: String) -> JSONValue { body["rows"].array.first { $0["metric"].string == metric } ?? .null }
            #expect(row(body, "sent")["values"].array.map(\.number) == [210, 200] as [Double?])
            #expect(row(body, "sent")["best"].array.isEmpty && row(body, "sent")["direction"].string == "none")
            #expect(row(body, "delivery_rate")["best"].array.map(\.number) == [0] as [Double?])  // 195/210 over 180/200
            #expect(row(body, "click_rate")["best"].array.map(\.number) == [1] as [Double?])  // 54/180 over 40/195
            #expect(row(body, "click_rate")["rates"][1]["denominator"].number == 180)
            #expect(row(body, "cost_per_message")["direction"].string == "lower")
            #expect(row(body, "cost_per_message")["values"].array.map(\.number) == [23_590, 25_000] as [Double?])
            #expect(row(body, "cost_per_message")["best"].array.map(\.number) == [0] as [Double?])
            #expect(row(body, "roi")["best"].array.map(\.number) == [1] as [Double?])  // 99 over 22.9
            #expect(body["metrics"][1]["roi"].number == 99)
            // C's 45 of 50 is a higher click rate but over too few messages to call.
            let small = try await f.get("/api/analytics/campaigns/compare?ids=\(f.id(f.a)),\(f.id(f.c))")
            #expect(row(small, "click_rate")["best"].array.map(\.number) == [0] as [Double?])
            // C converted nothing: no cost per conversion, so A's is best; C cost nothing, so its 0 per message is.
            #expect(row(small, "cost_per_conversion")["values"][1] == .null)
            #expect(row(small, "cost_per_conversion")["best"].array.map(\.number) == [0] as [Double?])
            #expect(row(small, "cost_per_message")["best"].array.map(\.number) == [1] as [Double?])
            // The filters apply to every campaign.
            let fr = try await f.get("/api/analytics/campaigns/compare?ids=\(f.id(f.a)),\(f.id(f.b))&country=FR")
            #expect(row(fr, "sent")["values"].array.map(\.number) == [60, 0] as [Double?])
        }
    }

    @Test("compare takes 2 to 10 campaigns of this workspace, else 422 naming the problem", arguments: Engine.available)
    func compareErrors(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await AnalyticsMetricsFixture.make(app)
            let path = "/api/analytics/campaigns/compare"
            expectError(try await app.request(.get, path), .unprocessableContent, code: "too_few_campaigns", field: "ids")
            expectError(try await app.request(.get, path + "?ids=\(f.id(f.a)),\(f.id(f.a))"), .unprocessableContent, code: "too_few_campaigns")
            let eleven = (0..<11).map { _ in UUID().uuidString }.joined(separator: ",")
            expectError(try await app.request(.get, path + "?ids=\(eleven)"), .unprocessableContent, code: "too_many_campaigns")
            let stranger = UUID().uuidString.lowercased()
            let unknown = try await app.request(.get, path + "?ids=\(f.id(f.a)),\(stranger)")
            expectError(unknown, .unprocessableContent, code: "unknown_campaign", field: "ids")
            #expect(unknown.json["error"]["message"].string?.contains(stranger) == true)
            expectError(try await app.request(.get, path + "?ids=\(f.id(f.a)),bogus"), .unprocessableContent, code: "unknown_campaign")
            expectError(try await app.request(.get, path + "?ids=\(f.id(f.a)),\(f.id(f.b))&from=yesterday"), .badRequest, code: "invalid_parameter")
        }
    }

    @Test(
        "overview: totals, daily trend of rates, top campaigns by CTR, conversion rate and ROI with at least 100 delivered",
        arguments: Engine.available)
    func overview(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let f = try await AnalyticsMetricsFixture.make(app)
            let path = "/api/analytics/dashboard/overview?from=2026-05-01&to=2026-05-02"
            let body = try await f.get(path + "&granularity=day")
            #expect(body["metrics"]["counts"]["sent"].number == 460)
            #expect(body["metrics"]["cost"]["micros"].number == 9_100_000)
            let series = body["series"].array
            #expect(series.map { $0["delivery_rate"]["numerator"].number } == [320, 105] as [Double?])
            #expect(series.map { $0["delivery_rate"]["denominator"].number } == [350, 110] as [Double?])
            #expect(series.first?["click_rate"]["base"].string == "delivered")
            #expect(body["top_by"].string == "ctr")
            #expect(body["top_campaigns"].array.map { $0["campaign"]["name"].string } == ["Summer", "Spring"])
            #expect(body["top_campaigns"][0]["value"].number == 0.3)
            #expect(body["campaigns"].array.count == 3)
            let roi = try await f.get(path + "&top_by=roi")
            #expect(roi["top_campaigns"].array.map { $0["value"].number } == [99, (110 - 4.6) / 4.6] as [Double?])
            let conversion = try await f.get(path + "&top_by=conversion_rate")
            #expect(conversion["top_campaigns"][1]["value"].number == 4.0 / 195.0)
            // Two days default to an hourly trend; campaign and country filters narrow everything.
            #expect(try await f.get(path)["series"].array.count == 48)
            let narrowed = try await f.get(path + "&campaign_id=\(f.id(f.a))&campaign_id=\(f.id(f.b))&country=DE")
            #expect(narrowed["metrics"]["counts"]["sent"].number == 350)
            #expect(narrowed["top_campaigns"].array.count == 2)
            // Without dates: the last 30 days up to today in Kolkata, where these cells are not.
            let recent = try await f.get("/api/analytics/dashboard/overview")
            #expect(recent["metrics"]["counts"]["sent"].number == 0)
            #expect(recent["series"].array.count == 30)
        }
    }
}
