/// Analytics and reporting that needs no database: money in integer units, metric arithmetic, attribution's choice,
/// the chart model with its SVG and PDF renderers, and the PDF writer with its embedded font
/// (docs/design-analytics.md).
public enum Analytics {
    /// The seconds of one rollup bucket: a quarter hour, so that every time zone's day is a whole range of buckets.
    public static let bucketSeconds: Int64 = 900

    /// The bucket (Unix seconds of its start) that holds an instant given in Unix seconds.
    public static func bucket(unixSeconds: Double) -> Int64 {
        Int64((unixSeconds / Double(bucketSeconds)).rounded(.down)) * bucketSeconds
    }
}
