import Analytics
import Testing

@Suite("Rollup buckets")
struct BucketTests {
    @Test("an instant falls in the quarter hour that starts at or before it, before 1970 too")
    func quarterHours() {
        #expect(Analytics.bucket(unixSeconds: 0) == 0)
        #expect(Analytics.bucket(unixSeconds: 899.999) == 0)
        #expect(Analytics.bucket(unixSeconds: 900) == 900)
        #expect(Analytics.bucket(unixSeconds: 1_780_000_123.5) == 1_779_999_300)
        #expect(Analytics.bucket(unixSeconds: -1) == -900)
    }
}
