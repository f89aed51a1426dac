import Analytics
import Foundation
import Testing

@Suite("Analytics filters")
struct AnalyticsFilterTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let newYork = TimeZone(identifier: "America/New_York")!
    static let kolkata = TimeZone(identifier: "Asia/Kolkata")!
    /// 2026-05-20 12:00 UTC.
    static let now = Date(timeIntervalSince1970: 1_779_278_400)

    func parse(_ query: [String: [String]], _ zone: TimeZone = utc) throws(AnalyticsFilter.Invalid) -> AnalyticsFilter {
        try AnalyticsFilter.parse(query, timeZone: zone, now: Self.now)
    }

    @Test("a range of dates in UTC is whole days of buckets, to inclusive")
    func utcRange() throws {
        let f = try parse(["from": ["2026-05-01"], "to": ["2026-05-31"]])
        #expect(f.startBucket == 1_777_593_600)  // 2026-05-01T00:00Z
        #expect(f.endBucket == 1_780_272_000)  // 2026-06-01T00:00Z
        #expect(f.from == "2026-05-01" && f.to == "2026-05-31")
        #expect(f.granularity == .day)
        #expect(f.seriesStarts().count == 31)
    }

    @Test("without dates the range is the last 30 days up to today in the workspace's zone")
    func defaultRange() throws {
        let f = try parse([:])
        #expect(f.from == "2026-04-21" && f.to == "2026-05-20")
        #expect(f.explicitRange == false)
        // 2026-05-20 12:00 UTC is already 2026-05-20 17:30 in Kolkata, and still 08:00 in New York.
        #expect(try parse([:], Self.kolkata).to == "2026-05-20")
        #expect(try parse(["from": ["2026-05-19"]], Self.newYork).to == "2026-05-20")
    }

    @Test("the spring-forward day in New York has 92 quarter hours and 23 hours, the autumn one 100 and 25")
    func daylightSaving() throws {
        let spring = try parse(["from": ["2026-03-08"], "to": ["2026-03-08"]], Self.newYork)
        #expect(spring.startBucket == 1_772_946_000)  // 05:00Z = midnight EST
        #expect((spring.endBucket - spring.startBucket) / 900 == 92)
        #expect(spring.granularity == .hour)
        #expect(spring.seriesStarts().count == 23)
        let autumn = try parse(["from": ["2026-11-01"], "to": ["2026-11-01"], "granularity": ["hour"]], Self.newYork)
        #expect((autumn.endBucket - autumn.startBucket) / 900 == 100)
        #expect(autumn.seriesStarts().count == 25)
        let days = try parse(["from": ["2026-03-07"], "to": ["2026-03-09"], "granularity": ["day"]], Self.newYork)
        #expect(days.seriesStarts() == [1_772_859_600, 1_772_946_000, 1_773_028_800] as [Int64])
    }

    @Test("Kolkata's days start at 18:30 UTC and its hours at half past")
    func halfHourZone() throws {
        let f = try parse(["from": ["2026-05-01"], "to": ["2026-05-01"]], Self.kolkata)
        #expect(f.startBucket == 1_777_573_800)  // 2026-04-30T18:30Z
        #expect((f.endBucket - f.startBucket) / 900 == 96)
        #expect(f.seriesStart(of: 1_777_573_800 + 3 * 900) == 1_777_573_800)
        #expect(f.seriesStart(of: 1_777_573_800 + 4 * 900) == 1_777_577_400)
        let daily = try parse(["from": ["2026-05-01"], "to": ["2026-05-02"], "granularity": ["day"]], Self.kolkata)
        #expect(daily.seriesStart(of: 1_777_573_800 + 95 * 900) == 1_777_573_800)
        #expect(daily.seriesStart(of: 1_777_573_800 + 96 * 900) == 1_777_660_200)
    }

    @Test("campaigns repeat, the other filters are single values")
    func dimensions() throws {
        let a = UUID(), b = UUID(), v = UUID(), s = UUID()
        let f = try parse([
            "campaign_id": [a.uuidString.lowercased(), b.uuidString], "variation_id": [v.uuidString], "country": ["de"], "segment_id": [s.uuidString],
        ])
        #expect(f.campaignIDs == [a, b])
        #expect(f.variationID == v)
        #expect(f.country == "DE")
        #expect(f.segmentID == s)
    }

    @Test(
        "a year of daily periods, stepped a day at a time, are those of every quarter hour in it",
        arguments: ["America/New_York", "America/Santiago", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"]
    )
    func dailyStepsMatchEveryBucket(zone: String) throws {
        let f = try parse(["from": ["2025-06-01"], "to": ["2026-05-31"], "granularity": ["day"]], TimeZone(identifier: zone)!)
        let clock = f.seriesClock()
        var expected: [Int64] = []
        for bucket in stride(from: f.startBucket, to: f.endBucket, by: 900) where expected.last != clock.start(of: bucket) {
            expected.append(clock.start(of: bucket))
        }
        #expect(expected.count == 365)
        #expect(f.seriesStarts() == expected)
    }

    @Test(
        "bad values name their field",
        arguments: [
            (["from": ["2026-5-1"]], "from"), (["to": ["2026-02-30"]], "to"), (["from": ["2026-05-02"], "to": ["2026-05-01"]], "to"),
            (["campaign_id": ["nope"]], "campaign_id"), (["variation_id": ["x"]], "variation_id"), (["country": ["DEU"]], "country"),
            (["segment_id": [""]], "segment_id"), (["granularity": ["week"]], "granularity"), (["from": ["2026-05-01", "2026-05-02"]], "from"),
            (["from": ["2024-01-01"], "to": ["2026-05-01"], "granularity": ["hour"]], "granularity"),
        (["campaign_id": Array(repeating: "x", count: 501)], "campaign_id"),
            (["from": ["1999-01-01"], "to": ["2026-05-01"]], "from"),
        ])
    func invalid(query: [String: [String]], field: String) {
        #expect(throws: AnalyticsFilter.Invalid.self) { try parse(query) }
        do { _ = try parse(query) } catch { #expect(error.field == field) }
    }
}
