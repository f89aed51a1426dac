import Contacts
import Foundation

/// Ids for generated rows: a 48-bit counter region per seed and workspace name, then version 8 and
/// 62 scrambled bits. Ids of one run ascend (contact by contact), which keeps index inserts cheap,
/// and the same seed and workspace name always give the same ids.
struct SeedIDs: Sendable {
    let key: UInt64
    let base: UInt64

    init(seed: UInt64, workspaceName: String) {
        key = SeedRandom.mix(seed ^ SeedRandom.mix(SeedRandom.hash(workspaceName)))
        base = SeedRandom.mix(key ^ 0x5EED) & 0xFFFF_FFFF_FFFF
    }

    /// Largest ordinal inside one slot (slot 0 is the catalog; contact `i` is slot `i + 1`).
    static let maxOrdinal: UInt64 = 0xFFFF

    func id(slot: UInt64, ordinal: UInt64) -> UUID {
        let high = (base &+ (slot << 16) &+ ordinal) & 0xFFFF_FFFF_FFFF
        let low = SeedRandom.mix(key ^ high)
        let low2 = SeedRandom.mix(low)
        return UUID(uuid: (
            UInt8(truncatingIfNeeded: high >> 40), UInt8(truncatingIfNeeded: high >> 32), UInt8(truncatingIfNeeded: high >> 24),
            UInt8(truncatingIfNeeded: high >> 16), UInt8(truncatingIfNeeded: high >> 8), UInt8(truncatingIfNeeded: high),
            0x80 | UInt8(truncatingIfNeeded: low >> 60), UInt8(truncatingIfNeeded: low >> 52),
            0x80 | UInt8(truncatingIfNeeded: low >> 46) & 0x3F, UInt8(truncatingIfNeeded: low >> 38),
            UInt8(truncatingIfNeeded: low >> 30), UInt8(truncatingIfNeeded: low >> 22), UInt8(truncatingIfNeeded: low >> 14),
            UInt8(truncatingIfNeeded: low >> 6), UInt8(truncatingIfNeeded: low2 >> 8), UInt8(truncatingIfNeeded: low2)
        ))
    }
}

/// Products ordered by price, to find one near a target price.
struct SeedPriceIndex: Sendable {
    let prices: [Int64]
    let products: [Int]

    init(_ products: [SeedProductRow], indices: [Int]) {
        let sorted = indices.sorted { (products[$0].priceMinor, $0) < (products[$1].priceMinor, $1) }
        self.products = sorted
        prices = sorted.map { products[$0].priceMinor }
    }

    /// A product priced near `target`, jittered a few places either way.
    func near(_ target: Double, _ random: inout SeedRandom) -> Int {
        var low = 0, high = prices.count
        while low < high {
            let mid = (low + high) / 2
            if Double(prices[mid]) < target { low = mid + 1 } else { high = mid }
        }
        let jittered = min(max(low + random.between(-4, 3), 0), prices.count - 1)
        return products[jittered]
    }
}

/// Everything fixed before contacts are generated: catalog, campaigns, phone spaces and rates.
/// Generation of any contact depends only on the plan and the contact's index.
struct SeedPlan: Sendable {
    struct PhoneSpace: Sendable {
        let multiplier: UInt64
        let offset: UInt64
        let modulus: UInt64
        let subscriberModulus: UInt64
    }

    struct CountryPlan: Sendable {
        let country: SeedCatalog.Country
        let space: PhoneSpace
        let languages: WeightedTable<String>
        /// The E.164 prefix "+<calling code>" as bytes.
        let plus: [UInt8]
        let prefixBytes: [[UInt8]]
    }

    static let day = 86_400.0
    /// Contacts are created over this many days before the anchor.
    static let contactSpanDays = 730.0
    /// Orders fall within this many days before the anchor.
    static let orderSpanDays = 365.0
    /// Campaigns are sent over this many days before the anchor, the last one at least `campaignGapDays` ago.
    static let campaignSpanDays = 300.0
    static let campaignGapDays = 4.0
    static let buyerShare = 0.7
    static let optedInShare = 0.85
    static let optedOutShare = 0.07
    static let engagedShare = 0.78
    static let deliveredShare = 0.95
    static let failedShare = 0.02

    let contentKey: UInt64
    let ids: SeedIDs
    let anchor: Double
    let ordersPerContact: Double
    let eventsPerContact: Double
    /// Contacts of the whole run; creation times spread over them in index order.
    let totalContacts: Int
    let currency: String
    let priceScale: Double
    let countryTable: WeightedTable<Int>
    let countries: [CountryPlan]
    let emailDomains: WeightedTable<String>
    let consentSources: WeightedTable<String>
    let categories: [SeedCategoryRow]
    let products: [SeedProductRow]
    let allPrices: SeedPriceIndex
    let categoryPrices: [SeedPriceIndex]
    let campaigns: [SeedCampaignRow]
    /// Average share of eligible campaigns a contact receives, chosen so events average `eventsPerContact`.
    let reach: Double

    init(
        seed: UInt64, workspaceName: String, currency: String, anchor: Date, contacts: Int, ordersPerContact: Double, eventsPerContact: Double
    ) {
        totalContacts = contacts
        contentKey = SeedRandom.mix(seed)
        ids = SeedIDs(seed: seed, workspaceName: workspaceName)
        self.anchor = anchor.timeIntervalSince1970.rounded(.down)
        self.ordersPerContact = ordersPerContact
        self.eventsPerContact = eventsPerContact
        self.currency = currency.uppercased()
        priceScale = SeedCatalog.currencyPerDollar[self.currency] ?? 1
        var random = SeedRandom(key: contentKey, stream: .max)

        countryTable = WeightedTable(SeedCatalog.countries.indices.map { ($0, SeedCatalog.countries[$0].weight) })
        countries = SeedCatalog.countries.map { country in
            var scale: UInt64 = 1
            for _ in 0..<country.subscriberDigits { scale *= 10 }
            let modulus = UInt64(country.prefixes.count) * scale
            var multiplier = modulus / 3 + UInt64(random.below(Int(modulus / 2)))
            while Self.gcd(multiplier, modulus) != 1 { multiplier += 1 }
            return CountryPlan(
                country: country,
                space: PhoneSpace(multiplier: multiplier, offset: UInt64(random.below(Int(modulus))), modulus: modulus, subscriberModulus: scale),
                languages: WeightedTable(country.languages),
                plus: Array(("+" + country.callingCode).utf8),
                prefixBytes: country.prefixes.map { Array($0.digits.utf8) }
            )
        }
        emailDomains = WeightedTable(SeedCatalog.globalEmailDomains)
        consentSources = WeightedTable(SeedCatalog.consentSources)

        // Catalog: slot 0, ordinals 0..<categories, then products, then campaigns.
        var ordinal: UInt64 = 0
        var categories: [SeedCategoryRow] = []
        for category in SeedCatalog.categories {
            categories.append(SeedCategoryRow(id: ids.id(slot: 0, ordinal: ordinal), name: category.name))
            ordinal += 1
        }
        var pending = SeedCatalog.categories.map { category in
            category.items.flatMap { item in category.variants.map { $0.isEmpty ? item : "\(item) (\($0))" } }
        }
        var products: [SeedProductRow] = []
        var byCategory: [[Int]] = Array(repeating: [], count: categories.count)
        round: while true {
            for (index, category) in SeedCatalog.categories.enumerated() where !pending[index].isEmpty {
                if products.count == 200 { break round }
                let name = pending[index].removeFirst()
                let dollars = exp(random.between(log(category.minPrice), log(category.maxPrice)))
                byCategory[index].append(products.count)
                products.append(SeedProductRow(
                    id: ids.id(slot: 0, ordinal: ordinal), externalID: "sku-" + Self.padded(products.count + 1, width: 4), name: name,
                    categoryID: categories[index].id, priceMinor: Self.nicePrice(dollars * priceScale)
                ))
                ordinal += 1
            }
            if pending.allSatisfy(\.isEmpty) { break }
        }
        self.categories = categories
        self.products = products
        allPrices = SeedPriceIndex(products, indices: Array(products.indices))
        categoryPrices = byCategory.map { SeedPriceIndex(products, indices: $0) }

        // Campaigns: enough that contacts receive a plausible share of them.
        let perMessage = Self.expectedEventsPerMessage
        var count = 12
        var reach = 0.0
        var times: [Double] = []
        if eventsPerContact > 0 {
            while true {
                let anchor = self.anchor
                times = Self.campaignTimes(count: count, anchor: anchor, random: SeedRandom(key: contentKey, stream: .max - 1))
                let eligible = times.reduce(0) { $0 + Self.eligibility(sendAt: $1, anchor: anchor) }
                let needed = eventsPerContact / (perMessage * eligible)
                if let found = Self.reachFor(mean: needed) {
                    reach = found
                    break
                }
                count += 1
            }
        }
        self.reach = reach
        var campaigns: [SeedCampaignRow] = []
        var usedNames: Set<String> = []
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for sendAt in times {
            let parts = calendar.dateComponents([.year, .month], from: Date(timeIntervalSince1970: sendAt))
            let year = parts.year ?? 2026, month = (parts.month ?? 1) - 1
            var name = "\(SeedCatalog.monthlyThemes[month]) \(year)"
            var attempt = 0
            while usedNames.contains(name) {
                let theme = SeedCatalog.anytimeThemes[(random.below(SeedCatalog.anytimeThemes.count) + attempt) % SeedCatalog.anytimeThemes.count]
                name = attempt < SeedCatalog.anytimeThemes.count
                    ? "\(theme) \(SeedCatalog.monthNames[month]) \(year)" : "\(theme) \(SeedCatalog.monthNames[month]) \(year) #\(attempt)"
                attempt += 1
            }
            usedNames.insert(name)
            let created = sendAt - random.between(2.0, 8.0) * Self.day
            let completed = sendAt + random.between(3.0, 5.0) * 3600
            campaigns.append(SeedCampaignRow(
                id: ids.id(slot: 0, ordinal: ordinal), name: name, templateName: Self.templateName(name), sendAt: sendAt,
                createdAt: Date(timeIntervalSince1970: created.rounded()), completedAt: Date(timeIntervalSince1970: completed.rounded())
            ))
            ordinal += 1
        }
        self.campaigns = campaigns
    }

    /// Send times spread evenly over the campaign span (oldest first), jittered, during daytime UTC.
    static func campaignTimes(count: Int, anchor: Double, random: SeedRandom) -> [Double] {
        var random = random
        let startOfDay = (anchor / day).rounded(.down) * day
        var times: [Double] = []
        for index in 0..<count {
            let spread = (campaignSpanDays - campaignGapDays) * Double(count - 1 - index) / Double(max(count - 1, 1))
            let jitter: Double = index == count - 1 ? 0 : random.between(-2.0, 2.0)
            let day = startOfDay - (campaignGapDays + spread + jitter).rounded() * Self.day
            let hour = Double(random.between(8, 16)) * 3600
            let quarter = Double(random.below(4)) * 900
            times.append(day + hour + quarter)
        }
        return times
    }

    /// Chance that a random contact may receive a campaign sent at `sendAt`: it existed a day before and consented.
    static func eligibility(sendAt: Double, anchor: Double) -> Double {
        let ageDays = (anchor - sendAt) / day + 1
        let existed = max(0, 1 - ageDays / contactSpanDays)
        return existed * (optedInShare + optedOutShare * 0.5)
    }

    /// Expected events per message, from the engagement model in `SeedGenerator`.
    static var expectedEventsPerMessage: Double {
        let read = engagedShare * 0.6  // read chance 0.25 + 0.7u
        let clicked = engagedShare * 0.6 * 0.25  // click chance 0.05 + 0.4u
        let replied = engagedShare * 0.6 * 0.06  // reply chance 0.02 + 0.08u
        return 1 + failedShare + deliveredShare * (1 + read + clicked + replied)
    }

    /// Mean of min(1, r·u) for u uniform in [0.5, 1.5].
    static func cappedReachMean(_ r: Double) -> Double {
        guard r > 0 else { return 0 }
        let cut = 1 / r
        if cut >= 1.5 { return r }
        if cut <= 0.5 { return 1 }
        return r / 2 * (cut * cut - 0.25) + (1.5 - cut)
    }

    /// The per-contact reach whose capped mean is `mean`, or nil when it needs more than 0.75.
    static func reachFor(mean: Double) -> Double? {
        guard mean <= cappedReachMean(0.75) else { return nil }
        var low = 0.0, high = 0.75
        for _ in 0..<60 {
            let mid = (low + high) / 2
            if cappedReachMean(mid) < mean { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }

    static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    /// Rounds a price in minor units to two significant digits, ending in 9s when large enough ("24.99").
    static func nicePrice(_ value: Double) -> Int64 {
        guard value >= 10 else { return max(1, Int64(value.rounded())) }
        let step = pow(10, (log10(value)).rounded(.down) - 1)
        let rounded = Int64((value / step).rounded() * step)
        return step >= 100 ? rounded - 1 : rounded
    }

    static func padded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// A WhatsApp-style template name for a campaign name ("Valentine's Specials 2026" → "valentines_specials_2026").
    static func templateName(_ name: String) -> String {
        var result = ""
        for character in name.lowercased() where character != "'" {
            if character.isASCII, character.isLetter || character.isNumber {
                result.append(character)
            } else if !result.isEmpty, !result.hasSuffix("_") {
                result.append("_")
            }
        }
        while result.hasSuffix("_") { result.removeLast() }
        return result
    }

    /// Checks that every mobile prefix gives numbers Herald's parser accepts for the right country.
    func validatePhoneSpaces() throws(SeedError) {
        for plan in countries {
            for prefix in plan.prefixBytes {
                for subscriber in [0, plan.space.subscriberModulus - 1] {
                    var bytes = plan.plus + prefix
                    Self.appendDigits(subscriber, width: plan.country.subscriberDigits, to: &bytes)
                    let text = String(decoding: bytes, as: UTF8.self)
                    guard let parsed = try? PhoneNumber.parse(text, defaultCountry: nil), parsed.e164 == text,
                        parsed.country == plan.country.iso
                    else { throw SeedError.internalInconsistency("generated phone \(text) does not parse as \(plan.country.iso)") }
                }
            }
        }
    }

    static func appendDigits(_ value: UInt64, width: Int, to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        var rest = value, position = start + width - 1
        while rest > 0, position >= start {
            bytes[position] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            position -= 1
        }
    }
}
