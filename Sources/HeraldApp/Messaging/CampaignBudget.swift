import Analytics
import Foundation

/// What a campaign may cost before the built-in `spend_over_budget` alert fires: whole minor units (cents) of one
/// currency, stored in micro-units like every cost. Cost recorded in another currency is not converted to it.
public struct CampaignBudget: Sendable, Equatable, Encodable {
    public var micros: Int64
    public var currency: String

    public init(micros: Int64, currency: String) {
        self.micros = micros
        self.currency = currency
    }

    /// The amount as a marketer writes it, in the currency's minor digits: "250.00" USD, "1500" JPY, "0.125" KWD.
    public var amount: String { Minor.display(micros / Self.microsPerMinor(currency), currency: currency) }

    static func microsPerMinor(_ currency: String) -> Int64 { Micros.perUnit / CurrencyExponent.minorPerUnit(currency) }

    enum CodingKeys: String, CodingKey { case amount, currency }

    /// `{"amount": "250.00", "currency": "USD"}`: the amount is a string so no client reads it as a float.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(amount, forKey: .amount)
        try c.encode(currency, forKey: .currency)
    }

    /// Reads `budget` from a campaign request: absent is `nil` (unchanged), `null` is `.some(nil)` (cleared), an object
    /// `{"amount", "currency"}` is checked: a currency in use (ISO 4217), an amount above 0 with no more decimals than
    /// the currency has minor digits, given as a decimal string or a JSON number.
    static func read(_ reader: FieldReader) throws(APIError) -> CampaignBudget?? {
        let key = "budget"
        switch reader.fields[key] {
        case nil: return .none
        case .null?: return .some(nil)
        case .object(let fields)?:
            let object = try FieldReader(.object(fields), path: reader.name(key))
            try object.rejectUnknown(["amount", "currency"])
            let currency = try CurrencyCode.read("currency", from: object)
            guard CurrencyExponent.isKnown(currency) else {
                throw APIError.invalid(object.name("currency"), "\(currency) is not a currency in use; give an ISO 4217 code such as USD or EUR")
            }
            return CampaignBudget(micros: try amount(object, currency: currency), currency: currency)
        case let other?:
            throw APIError.invalid(
                reader.name(key),
                "budget is an object such as {\"amount\": \"250.00\", \"currency\": \"USD\"}, or null to clear it, not \(other.typeName)",
                code: "invalid_type"
            )
        }
    }

    static func amount(_ object: FieldReader, currency: String) throws(APIError) -> Int64 {
        let field = object.name("amount")
        let parsed: Int64?
        switch object.fields["amount"] {
        case .string(let text)?: parsed = Micros.parse(text)
        case .number(let number)?: parsed = Micros.parse(number: number)
        case nil, .null?: throw APIError.invalid(field, "the budget needs an amount", code: "required")
        case let other?:
            throw APIError.invalid(field, "the budget amount is a decimal number such as \"250.00\", not \(other.typeName)", code: "invalid_type")
        }
        let digits = CurrencyExponent.digits(currency)
        let shape = digits == 0 ? "a whole number" : "a number with at most \(digits) decimals"
        guard let parsed else { throw APIError.invalid(field, "the budget amount is \(shape) of \(currency), such as \(example(currency))") }
        guard parsed > 0 else { throw APIError.invalid(field, "the budget amount must be more than 0") }
        guard parsed % microsPerMinor(currency) == 0 else {
            throw APIError.invalid(field, "a budget in \(currency) is \(shape), such as \(example(currency))", code: "too_precise")
        }
        return parsed
    }

    static func example(_ currency: String) -> String {
        CampaignBudget(micros: 250 * Micros.perUnit, currency: currency).amount
    }
}
