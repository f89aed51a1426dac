/// Which campaigns of a comparison are best on one row.
public enum Comparison {
    /// Whether a higher or a lower value is better; raw counts are neither.
    public enum Direction: String, Sendable, Codable { case higher, lower, none }

    /// Rates over fewer messages than this are too noisy to call best **(our threshold)**.
    public static let minimumDenominator: Int64 = 100

    /// Indexes of the best values: the maximum (higher) or minimum (lower), every tie marked, nils never.
    public static func best(_ values: [Double?], direction: Direction) -> [Int] {
        let present = values.enumerated().compactMap { i, v in v.map { (i, $0) } }
        let target: Double?
        switch direction {
        case .none: return []
        case .higher: target = present.map(\.1).max()
        case .lower: target = present.map(\.1).min()
        }
        guard let target else { return [] }
        return present.filter { $0.1 == target }.map(\.0)
    }

    /// Best rates (higher is better), leaving out rates with a denominator under ``minimumDenominator``.
    public static func best(rates: [Rate]) -> [Int] {
        best(rates.map { $0.denominator < minimumDenominator ? nil : $0.value }, direction: .higher)
    }
}
