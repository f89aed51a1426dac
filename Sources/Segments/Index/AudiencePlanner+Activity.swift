import Foundation

extension AudiencePlanner {
    /// Purchase and engagement conditions: one pass over each tested contact's rows, or a column of per-contact
    /// aggregates where the rule has no period. A contact without rows has the empty value (0 for sums and counts,
    /// none for averages and dates), tested as the SQL engine does.
    func activity(_ c: RuleCondition, _ field: SegmentField) -> AudiencePlan {
        let s = snapshot, op = c.operator, value = c.value
        let money = Double(currencyMinorUnits)
        let (low, high) = bounds(c.window)
        let windowed = c.window != nil
        let orderOffsets = s.orderOffsets, orderTime = s.orderTime, orderTotal = s.orderTotal, lastPurchase = s.lastPurchase
        /// The rows of contact `o` inside the period (rows are in time order).
        @Sendable func rows(_ offsets: [Int32], _ times: [Double], _ o: Int) -> Range<Int> {
            var lower = Int(offsets[o]), upper = Int(offsets[o + 1])
            guard windowed else { return lower..<upper }
            while lower < upper && times[lower] < low { lower += 1 }
            while upper > lower && times[upper - 1] >= high { upper -= 1 }
            return lower..<upper
        }
        switch field.source {
        case .totalSpend:
            let test = numberTest(op, value, scale: money)
            if !windowed {
                let spend = s.lifetimeSpend
                return .test(cost: 1) { o in test(Double(spend[o])) }
            }
            return .test(cost: AudiencePlan.rowCost) { o in
                // Nothing since the period began: the empty sum.
                if !(lastPurchase[o] >= low) { return test(0) }
                var sum: Int64 = 0
                for row in rows(orderOffsets, orderTime, o) { sum += orderTotal[row] }
                return test(Double(sum))
            }
        case .orderCount:
            let test = numberTest(op, value)
            if high == .infinity, let positive = numberTestForAnyPositive(op, value) {
                let empty = test(0)
                return .test(cost: 1) { o in lastPurchase[o] >= low ? positive : empty }
            }
            return .test(cost: windowed ? AudiencePlan.rowCost : 1) { o in
                if windowed && !(lastPurchase[o] >= low) { return test(0) }
                return test(Double(rows(orderOffsets, orderTime, o).count))
            }
        case .averageOrderValue:
            let test = numberTest(op, value, scale: money)
            if !windowed {
                let spend = s.lifetimeSpend
                return .test(cost: 1) { o in
                    let count = orderOffsets[o + 1] - orderOffsets[o]
                    return count > 0 && test(Double(spend[o]) / Double(count))
                }
            }
            return .test(cost: AudiencePlan.rowCost) { o in
                if !(lastPurchase[o] >= low) { return false }
                let range = rows(orderOffsets, orderTime, o)
                guard !range.isEmpty else { return false }
                var sum: Int64 = 0
                for row in range { sum += orderTotal[row] }
                return test(Double(sum) / Double(range.count))
            }
        case .firstPurchase:
            let test = dateTest(op, value), first = s.firstPurchase
            return .test(cost: 1) { o in test(first[o]) }
        case .lastPurchase:
            let test = dateTest(op, value)
            return .test(cost: 1) { o in test(lastPurchase[o]) }
        case .daysSinceLastPurchase:
            let test = daysSinceTest(op, value)
            return .test(cost: 1) { o in test(lastPurchase[o]) }
        case .productOrders, .categoryOrders:
            let test = numberTest(op, value)
            let target = UUID(uuidString: c.target ?? "")
            let wanted: [Bool]
            if case .productOrders = field.source {
                let code = target.flatMap { s.productCodes[$0] }
                wanted = s.productCategory.indices.map { Int32($0) == code }
            } else {
                let code = target.flatMap { s.categoryCodes[$0] }
                wanted = s.productCategory.map { code != nil && $0 == code }
            }
            guard wanted.contains(true) else { return .constant(test(0)) }
            let lineOffsets = s.lineOffsets, lineProduct = s.lineProduct
            return .test(cost: AudiencePlan.rowCost) { o in
                if windowed && !(lastPurchase[o] >= low) { return test(0) }
                var count = 0
                for order in rows(orderOffsets, orderTime, o) {
                    for line in Int(lineOffsets[order])..<Int(lineOffsets[order + 1]) where wanted[Int(lineProduct[line])] {
                        count += 1
                        break
                    }
                }
                return test(Double(count))
            }
        case .eventCount(let type):
            let test = numberTest(op, value)
            guard let code = s.eventTypeCodes[type] else { return .constant(test(0)) }
            var targeted: Int32?
            if let target = c.target {
                guard let known = UUID(uuidString: target).flatMap({ s.campaignCodes[$0] }) else { return .constant(test(0)) }
                targeted = known
            }
            let campaign = targeted
            let last = s.lastEvent[Int(code)], offsets = s.eventOffsets, types = s.eventType, times = s.eventTime, campaigns = s.eventCampaign
            // "At least one since …" (any campaign, no end to the period): the latest event of the type decides alone.
            if campaign == nil, high == .infinity, let positive = numberTestForAnyPositive(op, value) {
                let empty = test(0)
                return .test(cost: 1) { o in last[o] >= low ? positive : empty }
            }
            return .test(cost: AudiencePlan.rowCost) { o in
                // Never, or not since the period began: the count is 0.
                if !(last[o] >= low) { return test(0) }
                var count = 0
                for row in rows(offsets, times, o) where types[row] == code && (campaign == nil || campaigns[row] == campaign) { count += 1 }
                return test(Double(count))
            }
        case .daysSinceLastEvent(let type):
            let test = daysSinceTest(op, value)
            guard let code = s.eventTypeCodes[type] else { return .constant(false) }
            let last = s.lastEvent[Int(code)]
            return .test(cost: 1) { o in test(last[o]) }
        case .neverEngaged:
            let lastEngaged = s.lastEngaged
            let never = value == .bool(true)
            return .test(cost: 1) { o in lastEngaged[o].isNaN == never }
        case .engagementScore:
            let test = numberTest(op, value)
            let since = daysAgo(Double(FieldCatalog.engagementScoreDays))
            var table = [Int](repeating: 0, count: 256)
            for (type, value) in [("read", 10), ("clicked", 20), ("replied", 30)] {
                if let code = s.eventTypeCodes[type] { table[Int(code)] = value }
            }
            let points = table
            let lastEngaged = s.lastEngaged
            let offsets = s.eventOffsets, types = s.eventType, times = s.eventTime
            // A tree often tests the score more than once: each contact's is summed once per evaluation.
            let memo = memo.scores(contacts: s.contactCount)
            return .test(cost: AudiencePlan.rowCost) { o in
                guard lastEngaged[o] >= since else { return test(0) }
                let known = memo.values[o]
                if known != ScoreMemo.unknown { return test(Double(known)) }
                var score = 0
                var row = Int(offsets[o + 1]) - 1
                let first = Int(offsets[o])
                // Rows are in time order: walk back from the latest until the 90 days are behind.
                while row >= first && times[row] >= since {
                    score += points[Int(types[row])]
                    row -= 1
                }
                let capped = min(score, 100)
                memo.values[o] = UInt8(capped)
                return test(Double(capped))
            }
        default:
            return .constant(false)
        }
    }

    /// What a count test answers for every count of at least 1, when that is one answer ("at least 1", "more than
    /// 0", "fewer than 1", "is 0"); nil when it depends on the count.
    func numberTestForAnyPositive(_ op: RuleOperator, _ value: RuleValue) -> Bool? {
        let n = value.number ?? 0
        switch op {
        case .greaterThanOrEqual: return n <= 1 ? true : nil
        case .greaterThan: return n < 1 ? true : nil
        case .lessThan: return n <= 1 ? false : nil
        case .lessThanOrEqual: return n < 1 ? false : nil
        case .equals: return n < 1 ? false : nil
        default: return nil
        }
    }

}

/// What one evaluation computes once and several conditions reuse. Plans are compiled on one thread; during a scan
/// each contact is tested by one slice only and scans run one after another, so entries are never written at once.
final class PlannerMemo: @unchecked Sendable {
    private var scores: ScoreMemo?

    func scores(contacts: Int) -> ScoreMemo {
        if let scores { return scores }
        let made = ScoreMemo(contacts: contacts)
        scores = made
        return made
    }
}

/// Engagement scores (0–100) by ordinal, ``unknown`` until summed.
final class ScoreMemo: @unchecked Sendable {
    static let unknown = UInt8.max
    let values: UnsafeMutableBufferPointer<UInt8>

    init(contacts: Int) {
        values = .allocate(capacity: max(contacts, 1))
        values.initialize(repeating: Self.unknown)
    }

    deinit { values.deallocate() }
}
