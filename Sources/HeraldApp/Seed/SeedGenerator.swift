import Foundation

/// Turns contact indexes into rows. Each contact has its own random stream, so a contact's data
/// depends only on the plan and its index, not on batch sizes.
extension SeedPlan {
    static let lineCounts = WeightedTable([(1, 45), (2, 30), (3, 15), (4, 10)])
    static let quantities = WeightedTable([(1, 75), (2, 18), (3, 7)])

    /// Generates contacts `range` with their orders and events; order numbers continue from `firstOrderNumber`.
    func batch(_ range: Range<Int>, firstOrderNumber: Int) -> SeedBatch {
        var batch = SeedBatch()
        batch.contacts.reserveCapacity(range.count)
        batch.orders.reserveCapacity(Int(Double(range.count) * ordersPerContact * 1.1))
        batch.lines.reserveCapacity(Int(Double(range.count) * ordersPerContact * 2.3))
        batch.events.reserveCapacity(Int(Double(range.count) * eventsPerContact * 1.1))
        batch.messages.reserveCapacity(Int(Double(range.count) * eventsPerContact * 0.4))
        var orderNumber = firstOrderNumber
        for index in range { contact(index, into: &batch, orderNumber: &orderNumber) }
        return batch
    }

    func contact(_ index: Int, into batch: inout SeedBatch, orderNumber: inout Int) {
        var random = SeedRandom(key: contentKey, stream: UInt64(index))
        let slot = UInt64(index) + 1
        var ordinal: UInt64 = 0
        func nextID() -> UUID {
            ordinal += 1
            return ids.id(slot: slot, ordinal: ordinal)
        }
        let contactID = ids.id(slot: slot, ordinal: 0)
        let plan = countries[countryTable.pick(&random)]
        let country = plan.country

        // Phone: a bijection of the index inside the country's number space keeps phones unique.
        let space = plan.space
        let position = (space.multiplier &* UInt64(index) &+ space.offset) % space.modulus
        let prefixIndex = Int(position / space.subscriberModulus)
        var phoneBytes = plan.plus
        phoneBytes.reserveCapacity(16)
        phoneBytes += plan.prefixBytes[prefixIndex]
        Self.appendDigits(position % space.subscriberModulus, width: country.subscriberDigits, to: &phoneBytes)
        let phone = String(decoding: phoneBytes, as: UTF8.self)

        let first = random.pick(country.names.first)
        let last = random.pick(country.names.last)
        // Contacts joined in index order (as ids ascend), evenly over the span, which keeps the created_at index append-only.
        let joined = (Double(index) + random.unit()) / Double(max(totalContacts, 1))
        let created = anchor - ((1 - joined) * Self.contactSpanDays * Self.day).rounded()

        var email: String?
        if random.chance(0.7) {
            let f = SeedCatalog.emailForm(first), l = SeedCatalog.emailForm(last)
            let local: String
            switch random.below(6) {
            case 0: local = f + "." + l
            case 1: local = f + l
            case 2: local = f + "_" + l
            case 3: local = String(f.prefix(1)) + l
            case 4: local = f + "." + l + String(random.between(1, 99))
            default: local = f + String(random.between(70, 2009))
            }
            let domain = !country.localEmailDomains.isEmpty && random.chance(0.25)
                ? random.pick(country.localEmailDomains) : emailDomains.pick(&random)
            email = local + "@" + domain
        }

        let prefixCity = country.prefixes[prefixIndex].city
        let city = prefixCity != nil && random.chance(0.8) ? prefixCity! : random.pick(country.cities)
        let language = plan.languages.pick(&random)

        // Spending level: Pareto, so a few contacts spend far more than the rest.
        let spend = min(random.pareto(alpha: 1.6), 80)
        var tags: [String] = []
        if spend > 6 { tags.append("vip") }
        for (tag, perMille) in SeedCatalog.tags where tags.count < 3 && random.below(1000) < perMille { tags.append(tag) }
        var tagsJSON = "["
        for (offset, tag) in tags.enumerated() { tagsJSON += (offset == 0 ? "\"" : ",\"") + tag + "\"" }
        tagsJSON += "]"

        let consentRoll = random.unit()
        var consentStatus = "unknown", consentSource: String?, consentAt: Double?
        if consentRoll < Self.optedInShare {
            consentStatus = "opted_in"
            consentSource = consentSources.pick(&random)
            consentAt = min(created + random.between(0, 2 * Self.day).rounded(), anchor - 1)
        } else if consentRoll < Self.optedInShare + Self.optedOutShare {
            consentStatus = "opted_out"
            consentSource = "whatsapp_keyword"
            consentAt = created + (random.unit() * (anchor - created)).rounded()
        }
        let createdDate = Date(timeIntervalSince1970: created)
        batch.contacts.append(SeedContactRow(
            id: contactID, phone: phone, name: first + " " + last, email: email, country: country.iso, language: language, city: city,
            tagsJSON: tagsJSON, consentStatus: consentStatus, consentSource: consentSource,
            consentAt: consentAt.map { Date(timeIntervalSince1970: $0) }, createdAt: createdDate,
            updatedAt: consentAt.map { Date(timeIntervalSince1970: max($0, created)) } ?? createdDate
        ))

        // Orders: most contacts buy, around the average with a wide spread; totals follow the spending level.
        if ordersPerContact > 0, random.chance(Self.buyerShare) {
            let rate = ordersPerContact / Self.buyerShare * (random.exponential(mean: 1) + random.exponential(mean: 1)) / 2
            let count = min(random.poisson(mean: rate), Int(ordersPerContact * 10) + 10)
            let earliest = max(created + 3600, anchor - Self.orderSpanDays * Self.day)
            let favourite = random.below(categoryPrices.count)
            if earliest < anchor - 60 {
                for _ in 0..<count {
                    guard ordinal + 5 < SeedIDs.maxOrdinal else { break }
                    let orderedAt = earliest + (random.unit() * (anchor - earliest)).rounded(.down)
                    let orderID = nextID()
                    let target = 2800 * spend * exp(0.35 * random.normal()) * priceScale
                    let lineCount = Self.lineCounts.pick(&random)
                    var total: Int64 = 0
                    for _ in 0..<lineCount {
                        let quantity = Self.quantities.pick(&random)
                        let unitTarget = target / Double(lineCount * quantity)
                        let index = random.chance(0.45) ? categoryPrices[favourite] : allPrices
                        let product = products[index.near(unitTarget, &random)]
                        var price = product.priceMinor
                        if random.chance(0.12) { price = Self.nicePrice(Double(price) * random.between(0.7, 0.9)) }
                        total += price * Int64(quantity)
                        batch.lines.append(SeedLineRow(
                            id: nextID(), orderID: orderID, productID: product.id, quantity: quantity, unitPriceMinor: price
                        ))
                    }
                    let statusRoll = random.unit()
                    let status = statusRoll < 0.91 ? "paid" : statusRoll < 0.96 ? "refunded" : "cancelled"
                    let updated = status == "paid" ? orderedAt : min(orderedAt + random.between(0.5, 14) * Self.day, anchor).rounded(.down)
                    orderNumber += 1
                    batch.orders.append(SeedOrderRow(
                        id: orderID, externalID: "ord-" + Self.padded(orderNumber, width: 8), contactID: contactID, totalMinor: total,
                        status: status, orderedAt: Date(timeIntervalSince1970: orderedAt), updatedAt: Date(timeIntervalSince1970: updated)
                    ))
                }
            }
        }

        // Messages: consenting contacts receive a share of the campaigns sent after they joined,
        // and read, click and reply according to their own engagement (some never engage). Each received campaign is
        // a message row with its events, as an import stores history, so the analytics rebuild has nothing to attach.
        guard eventsPerContact > 0, consentStatus != "unknown" else { return }
        let engaged = random.chance(Self.engagedShare)
        let readChance = engaged ? 0.25 + 0.7 * random.unit() : 0
        let clickChance = engaged ? 0.05 + 0.4 * random.unit() : 0
        let replyChance = engaged ? 0.02 + 0.08 * random.unit() : 0
        let share = min(1, reach * random.between(0.5, 1.5))
        let latest = anchor - 1
        let recipientCountry = ContactAddress(phone: phone, bsuid: nil).country ?? ""
        for campaign in campaigns {
            guard campaign.sendAt >= created + Self.day else { continue }
            if consentStatus == "opted_out", let consentAt, campaign.sendAt >= consentAt { continue }
            guard random.chance(share), ordinal + 7 < SeedIDs.maxOrdinal else { continue }
            let messageID = nextID()
            func event(_ type: String, _ at: Double) -> Date {
                let occurred = Date(timeIntervalSince1970: min(at, latest).rounded(.down))
                batch.events.append(SeedEventRow(
                    id: nextID(), contactID: contactID, campaignID: campaign.id, messageID: messageID, type: type, occurredAt: occurred
                ))
                return occurred
            }
            let sent = campaign.sendAt + min(random.exponential(mean: 1200), 9000)
            var message = SeedMessageRow(
                id: messageID, contactID: contactID, campaignID: campaign.id, phone: phone, country: recipientCountry, sentAt: event("sent", sent)
            )
            defer { batch.messages.append(message) }
            let outcome = random.unit()
            if outcome < Self.failedShare {
                message.failedAt = event("failed", sent + random.between(2, 60))
                continue
            }
            guard outcome < Self.failedShare + Self.deliveredShare else { continue }
            let delivered = sent + random.between(1, 90)
            message.deliveredAt = event("delivered", delivered)
            guard random.chance(readChance) else { continue }
            let read = delivered + min(random.exponential(mean: 5400), 3 * Self.day)
            message.readAt = event("read", read)
            if random.chance(clickChance) {
                message.clickedAt = event("clicked", read + random.between(5, 900))
                message.clickCount = 1
            }
            if random.chance(replyChance) {
                message.repliedAt = event("replied", read + random.between(60, 7200))
                message.replyCount = 1
            }
        }
    }
}
