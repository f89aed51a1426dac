/// A rate with the counts it was computed from and what it is a share of: `{"value": 0.412, "numerator": 412,
/// "denominator": 1000, "base": "delivered"}`. `value` is nil when the denominator is 0.
public struct Rate: Sendable, Equatable, Hashable, Codable {
    /// What a rate is a share of.
    public enum Base: String, Sendable, Codable { case sent, delivered, converted }

    public var numerator: Int64
    public var denominator: Int64
    public var base: Base

    public init(numerator: Int64, denominator: Int64, base: Base) {
        self.numerator = numerator
        self.denominator = denominator
        self.base = base
    }

    public var value: Double? { denominator == 0 ? nil : Double(numerator) / Double(denominator) }

    enum CodingKeys: String, CodingKey { case value, numerator, denominator, base }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            numerator: try c.decode(Int64.self, forKey: .numerator), denominator: try c.decode(Int64.self, forKey: .denominator),
            base: try c.decode(Base.self, forKey: .base)
        )
    }

    /// `value` is always present, `null` without a denominator.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(value, forKey: .value)
        try c.encode(numerator, forKey: .numerator)
        try c.encode(denominator, forKey: .denominator)
        try c.encode(base, forKey: .base)
    }
}

/// An amount of money per unit (per delivered message, per converted message), in micro-units of the report currency;
/// nil when there is no unit.
public struct CostPer: Sendable, Equatable, Hashable {
    public var micros: Int64?
    public var count: Int64
    public var base: Rate.Base

    public init(micros: Int64?, count: Int64, base: Rate.Base) {
        self.micros = micros
        self.count = count
        self.base = base
    }

    /// `total / count`, rounded half away from zero to the micro.
    public init(total: Int64, count: Int64, base: Rate.Base) {
        self.init(micros: count == 0 ? nil : Self.divideRounded(total, by: count), count: count, base: base)
    }

    static func divideRounded(_ numerator: Int64, by denominator: Int64) -> Int64 {
        let n = Int128(numerator), d = Int128(denominator), half = d / 2
        return Int64(clamping: n >= 0 ? (n + half) / d : (n - half) / d)
    }
}
