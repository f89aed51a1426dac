import Analytics
import Contacts
import Foundation
import SQLKit
import Storage

/// Price per delivered template message by the recipient's calling code and the template's category.
/// Built-in figures are approximate examples (see docs/whatsapp.md); each workspace edits its own table.
public struct RateTable: Sendable, Encodable, Equatable {
    public struct Rate: Sendable, Encodable, Equatable {
        public var callingCode: String
        public var category: String
        /// Micro-units of the table's currency (0.0118 USD = 11,800).
        public var priceMicros: Int64
        enum CodingKeys: String, CodingKey { case callingCode = "calling_code", category, price, priceMicros = "price_micros" }

        public init(callingCode: String, category: String, priceMicros: Int64) {
            self.callingCode = callingCode
            self.category = category
            self.priceMicros = priceMicros
        }

        /// A built-in figure written as a decimal literal; exact to the micro.
        init(callingCode: String, category: String, price: Double) {
            self.init(callingCode: callingCode, category: category, priceMicros: Micros.fromUnits(price))
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(callingCode, forKey: .callingCode)
            try c.encode(category, forKey: .category)
            try c.encode(Micros(priceMicros, currency: "").decimal, forKey: .price)
            try c.encode(priceMicros, forKey: .priceMicros)
        }
    }
    public var currency: String
    /// The ISO date the figures are from (`YYYY-MM-DD`), when known.
    public var asOf: String?
    public var rates: [Rate]

    enum CodingKeys: String, CodingKey { case currency, asOf = "as_of", rates }

    public init(currency: String, asOf: String? = nil, rates: [Rate]) {
        self.currency = currency
        self.asOf = asOf
        self.rates = rates
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(currency, forKey: .currency)
        try c.encode(asOf, forKey: .asOf)
        try c.encode(rates, forKey: .rates)
    }

    /// Approximate USD marketing/utility rates, examples as of `builtInAsOf`; "*" applies to every other country.
    public static let builtIn = RateTable(currency: "USD", asOf: builtInAsOf, rates: [
        Rate(callingCode: "91", category: "marketing", price: 0.0118), Rate(callingCode: "91", category: "utility", price: 0.0014),
        Rate(callingCode: "55", category: "marketing", price: 0.0625), Rate(callingCode: "55", category: "utility", price: 0.0068),
        Rate(callingCode: "44", category: "marketing", price: 0.0529), Rate(callingCode: "44", category: "utility", price: 0.0220),
        Rate(callingCode: "1", category: "marketing", price: 0.0250), Rate(callingCode: "1", category: "utility", price: 0.0034),
        Rate(callingCode: "52", category: "marketing", price: 0.0305), Rate(callingCode: "52", category: "utility", price: 0.0085),
        Rate(callingCode: "49", category: "marketing", price: 0.1365), Rate(callingCode: "49", category: "utility", price: 0.0550),
        Rate(callingCode: "62", category: "marketing", price: 0.0411), Rate(callingCode: "62", category: "utility", price: 0.0250),
        Rate(callingCode: "234", category: "marketing", price: 0.0516), Rate(callingCode: "234", category: "utility", price: 0.0067),
        Rate(callingCode: "*", category: "marketing", price: 0.0600), Rate(callingCode: "*", category: "utility", price: 0.0200),
        Rate(callingCode: "*", category: "authentication", price: 0.0200),
    ])

    /// The date of the built-in example figures (docs/whatsapp.md).
    public static let builtInAsOf = "2025-07-01"

    /// The price in micros of the table's currency for a recipient's E.164 number: the longest matching calling code,
    /// then "*", else 0.
    public func price(e164: String, category: String) -> Int64 {
        let digits = e164.hasPrefix("+") ? e164.dropFirst() : Substring(e164)
        let category = category.lowercased()
        for length in stride(from: 3, through: 1, by: -1) where digits.count >= length {
            let code = String(digits.prefix(length))
            if let rate = rates.first(where: { $0.callingCode == code && $0.category == category }) { return rate.priceMicros }
        }
        return rates.first(where: { $0.callingCode == "*" && $0.category == category })?.priceMicros ?? 0
    }
}

/// Reads and replaces a workspace's rate table; a workspace without rows uses the built-in one.
public struct RateStore: Sendable {
    let database: Database

    public func table(workspaceID: UUID) async throws -> RateTable {
        try await database.read { sql in try await Self.table(workspaceID: workspaceID, in: sql) }
    }

    static func table(workspaceID: UUID, in sql: any SQLDatabase) async throws -> RateTable {
        let rows = try await sql.raw(
            "SELECT calling_code, category, price_micros, currency, as_of FROM message_rates WHERE workspace_id = \(bind: workspaceID) ORDER BY calling_code, category"
        ).all()
        if rows.isEmpty { return .builtIn }
        return RateTable(
            currency: try rows[0].decode(column: "currency", as: String.self),
            asOf: try rows[0].decode(column: "as_of", as: String?.self),
            rates: try rows.map {
                RateTable.Rate(
                    callingCode: try $0.decode(column: "calling_code", as: String.self), category: try $0.decode(column: "category", as: String.self),
                    priceMicros: try $0.decode(column: "price_micros", as: Int64.self)
                )
            }
        )
    }

    public func replace(workspaceID: UUID, table: RateTable) async throws {
        let now = Date()
        try await database.transaction { sql in
            try await sql.raw("DELETE FROM message_rates WHERE workspace_id = \(bind: workspaceID)").run()
            for rate in table.rates {
                try await sql.raw(
                    """
                    INSERT INTO message_rates (workspace_id, calling_code, category, price_micros, currency, as_of, updated_at)
                    VALUES (\(bind: workspaceID), \(bind: rate.callingCode), \(bind: rate.category), \(bind: rate.priceMicros), \(bind: table.currency),
                        \(bind: table.asOf), \(bind: now))
                    """
                ).run()
            }
        }
    }
}
