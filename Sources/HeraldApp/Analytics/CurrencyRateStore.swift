import Analytics
import Foundation
import SQLKit
import Storage

/// How many micro-units of the workspace currency (the report currency) one unit of another currency is worth.
struct CurrencyRate: Sendable, Equatable, Encodable {
    var currency: String
    var rateMicros: Int64
    /// The ISO date the rate is from, when given.
    var asOf: String?

    enum CodingKeys: String, CodingKey { case currency, rate, rateMicros = "rate_micros", asOf = "as_of" }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(currency, forKey: .currency)
        try c.encode(Micros(rateMicros, currency: "").decimal, forKey: .rate)
        try c.encode(rateMicros, forKey: .rateMicros)
        try c.encode(asOf, forKey: .asOf)
    }
}

/// A workspace's report currency and its rates, as `GET /api/currency-rates` answers.
struct CurrencyRateTable: Sendable, Equatable, Encodable {
    var currency: String
    var rates: [CurrencyRate]

    var converter: CurrencyConverter {
        CurrencyConverter(reportCurrency: currency, rates: Dictionary(rates.map { ($0.currency, $0.rateMicros) }, uniquingKeysWith: { a, _ in a }))
    }
}

/// Reads and replaces the currency rates that reports convert with (`currency_rates`).
struct CurrencyRateStore: Sendable {
    let database: Database

    func table(workspaceID: UUID) async throws -> CurrencyRateTable {
        try await database.read { sql in try await Self.table(workspaceID: workspaceID, in: sql) }
    }

    /// The converter into the workspace's currency; a currency without a rate converts to nil, never 1:1.
    func converter(workspaceID: UUID) async throws -> CurrencyConverter {
        try await table(workspaceID: workspaceID).converter
    }

    /// The same, inside a caller's read or transaction.
    static func converter(workspaceID: UUID, in sql: any SQLDatabase) async throws -> CurrencyConverter {
        try await table(workspaceID: workspaceID, in: sql).converter
    }

    static func table(workspaceID: UUID, in sql: any SQLDatabase) async throws -> CurrencyRateTable {
        let currency = try await reportCurrency(workspaceID: workspaceID, in: sql)
        let rows = try await sql.raw(
            "SELECT currency, rate_micros, as_of FROM currency_rates WHERE workspace_id = \(bind: workspaceID) ORDER BY currency"
        ).all()
        let rates = try rows.map {
            CurrencyRate(
                currency: try $0.decode(column: "currency", as: String.self), rateMicros: try $0.decode(column: "rate_micros", as: Int64.self),
                asOf: try $0.decode(column: "as_of", as: String?.self)
            )
        }
        return CurrencyRateTable(currency: currency, rates: rates)
    }

    func reportCurrency(workspaceID: UUID) async throws -> String {
        try await database.read { sql in try await Self.reportCurrency(workspaceID: workspaceID, in: sql) }
    }

    static func reportCurrency(workspaceID: UUID, in sql: any SQLDatabase) async throws -> String {
        try await sql.raw("SELECT currency FROM workspaces WHERE id = \(bind: workspaceID)").first()?.decode(column: "currency", as: String.self)
            ?? "USD"
    }

    /// Replaces every rate of the workspace in one transaction.
    func replace(workspaceID: UUID, rates: [CurrencyRate]) async throws -> CurrencyRateTable {
        let now = Date()
        return try await database.transaction { sql in
            try await sql.raw("DELETE FROM currency_rates WHERE workspace_id = \(bind: workspaceID)").run()
            for rate in rates {
                try await sql.raw(
                    """
                    INSERT INTO currency_rates (workspace_id, currency, rate_micros, as_of, updated_at)
                    VALUES (\(bind: workspaceID), \(bind: rate.currency), \(bind: rate.rateMicros), \(bind: rate.asOf), \(bind: now))
                    """
                ).run()
            }
            return try await Self.table(workspaceID: workspaceID, in: sql)
        }
    }
}
