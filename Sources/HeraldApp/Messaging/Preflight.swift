import Analytics
import Foundation
import SQLKit
import Storage

/// What sending a campaign now would do: who is eligible, who is left out and why, what it costs,
/// and whether the account's messaging tier can reach everyone in a day.
public struct Preflight: Sendable, Encodable, Equatable {
    public var audience = 0
    public var optedIn = 0
    public var optedOut = 0
    public var noConsent = 0
    /// Opted in, but marketing templates are not delivered to +1 (US and Canada) numbers.
    public var unreachable = 0
    public var eligible = 0
    /// Micro-units of the rate table's currency, summed exactly (JSON also gives it as a decimal).
    public var estimatedCost: Int64 = 0
    public var currency = "USD"
    public var costByCallingCode: [String: Int64] = [:]
    public var tier: String?
    public var tierLimit: Int?
    public var warnings: [String] = []

    enum CodingKeys: String, CodingKey {
        case audience, eligible, currency, tier, warnings, unreachable
        case optedIn = "opted_in", optedOut = "opted_out", noConsent = "no_consent", estimatedCost = "estimated_cost"
        case costByCallingCode = "cost_by_calling_code", tierLimit = "tier_limit"
        case estimatedCostMicros = "estimated_cost_micros", costByCallingCodeMicros = "cost_by_calling_code_micros"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(audience, forKey: .audience)
        try c.encode(optedIn, forKey: .optedIn)
        try c.encode(optedOut, forKey: .optedOut)
        try c.encode(noConsent, forKey: .noConsent)
        try c.encode(unreachable, forKey: .unreachable)
        try c.encode(eligible, forKey: .eligible)
        try c.encode(Micros(estimatedCost, currency: currency).decimal, forKey: .estimatedCost)
        try c.encode(estimatedCost, forKey: .estimatedCostMicros)
        try c.encode(currency, forKey: .currency)
        try c.encode(costByCallingCode.mapValues { Micros($0, currency: currency).decimal }, forKey: .costByCallingCode)
        try c.encode(costByCallingCode, forKey: .costByCallingCodeMicros)
        try c.encodeIfPresent(tier, forKey: .tier)
        try c.encodeIfPresent(tierLimit, forKey: .tierLimit)
        try c.encode(warnings, forKey: .warnings)
    }

    /// Counts the audience grouped by consent and number prefix, then prices the eligible part.
    static func compute(
        workspaceID: UUID, category: String, rates: RateTable, account: WhatsAppAccount?, audience: SQLQueryString? = nil, in sql: any SQLDatabase
    ) async throws -> Preflight {
        let filter: SQLQueryString = audience.map { " AND \($0)" } ?? ""
        // Contacts without a phone are grouped by their BSUID's country, whose calling code prices them.
        let rows = try await sql.raw(
            """
            SELECT c.consent_status, substr(c.phone, 1, 4) AS prefix, CASE WHEN c.phone IS NULL THEN substr(c.bsuid, 1, 2) END AS bsuid_country,
                COUNT(*) AS n
            FROM contacts c
            WHERE c.workspace_id = \(bind: workspaceID)\(filter)
            GROUP BY c.consent_status, substr(c.phone, 1, 4), CASE WHEN c.phone IS NULL THEN substr(c.bsuid, 1, 2) END
            """
        ).all()
        var result = Preflight()
        result.currency = rates.currency
        let marketing = category.uppercased() == "MARKETING"
        for row in rows {
            let n = try row.decode(column: "n", as: Int.self)
            let prefix =
                try row.decode(column: "prefix", as: String?.self)
                ?? row.decode(column: "bsuid_country", as: String?.self).flatMap(ContactAddress.pricingPrefix(country:)) ?? ""
            result.audience += n
            switch try row.decode(column: "consent_status", as: String.self) {
            case "opted_in":
                result.optedIn += n
                if marketing && prefix.hasPrefix("+1") {
                    result.unreachable += n
                } else {
                    result.eligible += n
                    let price = rates.price(e164: prefix, category: category) * Int64(n)
                    result.estimatedCost += price
                    let code = Self.callingCodeLabel(prefix, rates: rates, category: category)
                    result.costByCallingCode[code, default: 0] += price
                }
            case "opted_out": result.optedOut += n
            default: result.noConsent += n
            }
        }
        if let account {
            result.tier = account.messagingTier
            result.tierLimit = account.tierLimit
            if let limit = account.tierLimit, result.eligible > limit {
                result.warnings.append(
                    "\(result.eligible) recipients exceed the account's messaging limit of \(limit) unique users per 24 hours (\(account.messagingTier)); the rest will fail until the limit resets"
                )
            }
            if account.status == "halted" {
                result.warnings.append("the WhatsApp account is halted: \(account.statusReason ?? "see alerts")")
            }
        }
        if result.unreachable > 0 {
            result.warnings.append("\(result.unreachable) opted-in contacts have +1 numbers or are WhatsApp users in the US or Canada; Meta does not deliver marketing templates to them")
        }
        return result
    }

    static func callingCodeLabel(_ prefix: String, rates: RateTable, category: String) -> String {
        let digits = prefix.dropFirst()
        for length in stride(from: 3, through: 1, by: -1) where digits.count >= length {
            let code = String(digits.prefix(length))
            if rates.rates.contains(where: { $0.callingCode == code }) { return code }
        }
        return "*"
    }
}
