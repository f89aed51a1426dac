import Foundation

/// Rules the audience index cannot answer; the caller answers them with SQL instead.
public enum AudienceIndexUnsupported: Error, Equatable {
    /// A static segment's membership is its stored snapshot, which the index does not hold.
    case staticSegment
}

/// Compiles validated rules into an ``AudiencePlan`` over one snapshot, with the SQL engine's meaning condition by
/// condition (``SegmentCompiler`` is the reference for every comparison here): a missing value makes a condition
/// false, a negative operator is `NOT` of its positive form, periods count back from `now` in 24-hour days and
/// calendar days start at midnight in `timeZone`.
struct AudiencePlanner {
    let snapshot: AudienceSnapshot
    let catalog: FieldCatalog
    let now: Date
    let timeZone: TimeZone
    let currencyMinorUnits: Int
    let segmentRules: @Sendable (UUID) -> RuleNode?
    let isSnapshot: @Sendable (UUID) -> Bool
    let memo = PlannerMemo()

    func plan(_ node: RuleNode, nesting: Int = 0) throws -> AudiencePlan {
        switch node {
        case .group(let group):
            let children = try group.children.map { try plan($0, nesting: nesting) }
            let body: AudiencePlan = group.combinator == .and ? .all(children) : .any(children)
            return group.not ? .not(body) : body
        case .condition(var condition):
            let negated = condition.operator.positive != nil
            if let positive = condition.operator.positive { condition.operator = positive }
            guard let field = catalog.field(condition.field) else {
                throw RuleProblems([RuleProblem("", .unknownField, "There is no field \"\(condition.field)\".")])
            }
            let positive: AudiencePlan =
                field.source == .segment ? try segment(condition, nesting: nesting) : field.source.isActivity ? activity(condition, field) : column(condition, field)
            return negated ? .not(positive) : positive
        }
    }

    private func segment(_ condition: RuleCondition, nesting: Int) throws -> AudiencePlan {
        guard nesting < SegmentCompiler.maxSegmentNesting, let id = condition.value.string.flatMap(UUID.init(uuidString:)), let rules = segmentRules(id)
        else {
            throw RuleProblems([RuleProblem("", .unknownSegment, "A segment used by these rules is missing or nested too deeply.")])
        }
        if isSnapshot(id) { throw AudienceIndexUnsupported.staticSegment }
        return try plan(rules, nesting: nesting + 1)
    }

    // MARK: Contact fields

    private func column(_ c: RuleCondition, _ field: SegmentField) -> AudiencePlan {
        let s = snapshot, op = c.operator, value = c.value
        switch field.source {
        case .column(let name):
            guard let column = [("country", s.country), ("city", s.city), ("language", s.language), ("username", s.username)].first(where: { $0.0 == name })?.1
            else { return .constant(false) }
            return text(column, op, value)
        case .phoneCallingCode:
            let matchers = (value.array ?? [value]).compactMap(\.string).compactMap { PhoneHead.matcher("+" + ValueCheck.callingCode($0)) }
            guard !matchers.isEmpty else { return .constant(false) }
            let heads = s.phoneHead
            return .test(cost: 1) { o in matchers.contains { PhoneHead.matches(heads[o], $0) } }
        case .tags:
            if op == .contains { return .bits(s.tags[value.string ?? ""] ?? OrdinalSet()) }
            return .bits(s.tagged)
        case .createdAt:
            // Sorted by creation: the contacts in a period are found by binary search, not by testing each one.
            return .bits(s.created(in: dateRange(op, value)))
        case .consentStatus:
            let codes = Set((value.array ?? [value]).compactMap(\.string).map(AudienceSnapshot.Consent.code))
            guard !codes.isEmpty else { return .constant(false) }
            let consent = s.consent
            return .test(cost: 1) { o in codes.contains(consent[o]) }
        case .attribute(let key, let kind):
            let attribute = s.attributes[key] ?? AttributeColumn()
            switch kind {
            case .text:
                guard let strings = attribute.strings else { return .constant(false) }
                return text(strings, op, value)
            case .number:
                guard let numbers = attribute.numbers else { return .constant(false) }
                let test = numberTest(op, value)
                return .test(cost: 1) { o in !numbers[o].isNaN && test(numbers[o]) }
            case .date:
                guard let strings = attribute.strings else { return .constant(false) }
                let passing = strings.passing(textDateTest(op, value)), codes = strings.codes
                return .test(cost: 1) { o in codes[o] >= 0 && passing[Int(codes[o])] }
            case .list:
                if op == .contains { return .bits(attribute.listItems[value.string ?? ""] ?? OrdinalSet()) }
                return .bits(attribute.nonEmptyList)
            case .boolean:
                guard let booleans = attribute.booleans else { return .constant(false) }
                if op == .isSet { return .test(cost: 1) { o in booleans[o] >= 0 } }
                let wanted: Int8 = value == .bool(true) ? 1 : 0
                return .test(cost: 1) { o in booleans[o] == wanted }
            }
        default:
            return .constant(false)
        }
    }

    /// Text compared ignoring case, as the engine's `LOWER` does on the stored side and Swift's on the value.
    private func text(_ column: TextColumn, _ op: RuleOperator, _ value: RuleValue) -> AudiencePlan {
        let lowering = snapshot.lowering
        let wanted = (value.string ?? "").lowercased()
        let test: (String) -> Bool
        switch op {
        case .equals: test = { $0.lowered(lowering) == wanted }
        case .in:
            let values = Set((value.array ?? []).compactMap { $0.string?.lowercased() })
            test = { values.contains($0.lowered(lowering)) }
        case .contains: test = { wanted.isEmpty || $0.lowered(lowering).contains(wanted) }
        case .startsWith: test = { $0.lowered(lowering).hasPrefix(wanted) }
        default: test = { !$0.isEmpty }
        }
        let passing = column.passing(test), codes = column.codes
        guard passing.contains(true) else { return .constant(false) }
        return .test(cost: 1) { o in codes[o] >= 0 && passing[Int(codes[o])] }
    }

    // MARK: Tests of one value

    /// ``SegmentCompiler/number(_:_:_:scale:)`` on a present value.
    func numberTest(_ op: RuleOperator, _ value: RuleValue, scale: Double = 1) -> @Sendable (Double) -> Bool {
        let n = (value.number ?? 0) * scale
        switch op {
        case .equals: return { $0 == n }
        case .greaterThan: return { $0 > n }
        case .greaterThanOrEqual: return { $0 >= n }
        case .lessThan: return { $0 < n }
        case .lessThanOrEqual: return { $0 <= n }
        case .between:
            let bounds = (value.array ?? []).map { ($0.number ?? 0) * scale }
            let low = bounds.first ?? 0, high = bounds.last ?? 0
            return { $0 >= low && $0 <= high }
        default: return { _ in true }
        }
    }

    /// ``SegmentCompiler/date(_:_:_:asText:)`` on an instant in seconds since 1970; NaN (no value) never passes.
    func dateTest(_ op: RuleOperator, _ value: RuleValue) -> @Sendable (Double) -> Bool {
        let range = dateRange(op, value)
        return { range.contains($0) }
    }

    /// The instants (seconds since 1970) that ``dateTest(_:_:)`` passes: every date test is a half-open period, empty
    /// when the value is unusable.
    func dateRange(_ op: RuleOperator, _ value: RuleValue) -> Range<Double> {
        let day = value.string.flatMap(CalendarDay.init)
        let days = (value.array ?? []).compactMap { $0.string.flatMap(CalendarDay.init) }
        let zone = timeZone
        /// Empty unless low ≤ high (NaN bounds included).
        func period(_ low: Double?, _ high: Double?) -> Range<Double> {
            guard let low, let high, low <= high else { return 0..<0 }
            return low..<high
        }
        switch op {
        case .before: return period(-.infinity, day?.start(in: zone).timeIntervalSince1970)
        case .after: return period(day?.end(in: zone).timeIntervalSince1970, .infinity)
        case .between:
            guard days.count == 2 else { return 0..<0 }
            return period(days[0].start(in: zone).timeIntervalSince1970, days[1].end(in: zone).timeIntervalSince1970)
        case .withinLastDays: return period(daysAgo(value.number ?? 0), .infinity)
        case .moreThanDaysAgo: return period(-.infinity, daysAgo(value.number ?? 0))
        default: return -.infinity..<(.infinity)
        }
    }

    /// The date test of a date attribute, which SQL compares as ISO 8601 text in UTC.
    func textDateTest(_ op: RuleOperator, _ value: RuleValue) -> (String) -> Bool {
        func iso(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false)) }
        func less(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
        let day = value.string.flatMap(CalendarDay.init)
        let days = (value.array ?? []).compactMap { $0.string.flatMap(CalendarDay.init) }
        let zone = timeZone
        switch op {
        case .before:
            guard let limit = day.map({ iso($0.start(in: zone)) }) else { return { _ in false } }
            return { less($0, limit) }
        case .after:
            guard let limit = day.map({ iso($0.end(in: zone)) }) else { return { _ in false } }
            return { !less($0, limit) }
        case .between:
            guard days.count == 2 else { return { _ in false } }
            let low = iso(days[0].start(in: zone)), high = iso(days[1].end(in: zone))
            return { !less($0, low) && less($0, high) }
        case .withinLastDays:
            let limit = iso(Date(timeIntervalSince1970: daysAgo(value.number ?? 0)))
            return { !less($0, limit) }
        case .moreThanDaysAgo:
            let limit = iso(Date(timeIntervalSince1970: daysAgo(value.number ?? 0)))
            return { less($0, limit) }
        default: return { _ in true }
        }
    }

    /// ``SegmentCompiler/daysSince(_:_:_:)``: whole days since an instant, compared without rounding.
    func daysSinceTest(_ op: RuleOperator, _ value: RuleValue) -> @Sendable (Double) -> Bool {
        let now = now.timeIntervalSince1970
        func atLeast(_ n: Double) -> Double { now - n * 86_400 }  // t <= this
        func atMost(_ n: Double) -> Double { now - (n + 1) * 86_400 }  // t > this
        let n = value.number ?? 0
        switch op {
        case .equals:
            let high = atLeast(n), low = atMost(n)
            return { $0 <= high && $0 > low }
        case .greaterThan:
            let high = atLeast(n + 1)
            return { $0 <= high }
        case .greaterThanOrEqual:
            let high = atLeast(n)
            return { $0 <= high }
        case .lessThan:
            let low = atMost(n - 1)
            return { $0 > low }
        case .lessThanOrEqual:
            let low = atMost(n)
            return { $0 > low }
        case .between:
            let bounds = (value.array ?? []).compactMap(\.number)
            let high = atLeast(bounds.first ?? 0), low = atMost(bounds.last ?? 0)
            return { $0 <= high && $0 > low }
        default: return { !$0.isNaN }
        }
    }

    func daysAgo(_ days: Double) -> Double { now.addingTimeInterval(-days * 86_400).timeIntervalSince1970 }

    /// A period as [low, high) in seconds since 1970; all time without one.
    func bounds(_ window: RuleWindow?) -> (low: Double, high: Double) {
        switch window {
        case nil: return (-.infinity, .infinity)
        case .lastDays(let days): return (daysAgo(Double(days)), .infinity)
        case .between(let from, let to): return (from.start(in: timeZone).timeIntervalSince1970, to.end(in: timeZone).timeIntervalSince1970)
        }
    }
}
