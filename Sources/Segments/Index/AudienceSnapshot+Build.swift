import BitCollections
import Foundation
import SQLKit
import Storage

extension AudienceSnapshot {
    /// Reads one workspace from the database into a snapshot: contacts, paid orders with their lines, products and
    /// message events, each in one streamed query.
    public static func build(from database: Database, workspaceID: UUID) async throws -> AudienceSnapshot {
        let dialect = database.dialect
        return try await database.read { sql in
            try await build(in: sql, dialect: dialect, workspaceID: workspaceID)
        }
    }

    /// `only` limits the snapshot to those contacts (a delta over a larger snapshot); their rows are read in chunks.
    public static func build(in sql: any SQLDatabase, dialect: Dialect, workspaceID: UUID, only: [UUID]? = nil) async throws -> AudienceSnapshot {
        /// Runs `query` once for the whole workspace, or once per chunk of `only` with ` AND <column> IN (…)` added.
        func scoped(_ column: SQLQueryString, _ query: (SQLQueryString) -> SQLQueryString, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
            guard let only else { return try await sql.raw(query("")).run(onRow) }
            for start in stride(from: 0, to: only.count, by: 500) {
                let chunk = Array(only[start..<min(only.count, start + 500)])
                try await sql.raw(query(" AND \(column) IN (\(binds: chunk))")).run(onRow)
            }
        }
        let contacts = ContactRows()
        try await scoped("id", { filter in
            """
            SELECT id, phone, country, city, language, username, \(dialect.jsonText("tags")) AS tags,
                \(dialect.jsonText("attributes")) AS attributes, consent_status, created_at
            FROM contacts WHERE workspace_id = \(bind: workspaceID)\(filter) ORDER BY id
            """
        }) { row in contacts.add(row) }
        try contacts.check()
        let order = contacts.sortedOrder()
        let ids = order.map { contacts.ids[$0] }
        var ordinals: [UUID: Int32] = [:]
        ordinals.reserveCapacity(ids.count)
        for (ordinal, id) in ids.enumerated() { ordinals[id] = Int32(ordinal) }
        let n = ids.count
        let known = ordinals

        // Products and categories.
        var productCodes: [UUID: Int32] = [:], categoryCodes: [UUID: Int32] = [:], productCategory: [Int32] = []
        for row in try await sql.raw("SELECT id, category_id FROM products WHERE workspace_id = \(bind: workspaceID)").all() {
            productCodes[try row.decode(column: "id", as: UUID.self)] = Int32(productCategory.count)
            let category = try row.decode(column: "category_id", as: UUID?.self)
            productCategory.append(category.map { id in categoryCodes[id] ?? { let code = Int32(categoryCodes.count); categoryCodes[id] = code; return code }() } ?? -1)
        }

        // Paid orders, grouped by contact in time order, then their lines.
        let orders = ActivityRows<OrderRow>()
        try await scoped("contact_id", { filter in
            """
            SELECT id, contact_id, ordered_at, total_minor FROM orders
            WHERE workspace_id = \(bind: workspaceID) AND status = 'paid' AND contact_id IS NOT NULL\(filter)
            """
        }) { row in
            orders.capture {
                guard let ordinal = known[try row.decode(column: "contact_id", as: UUID.self)] else { return }
                orders.add(
                    ordinal,
                    OrderRow(
                        id: try row.decode(column: "id", as: UUID.self),
                        time: try row.decode(column: "ordered_at", as: Date.self).timeIntervalSince1970,
                        total: try row.decode(column: "total_minor", as: Int64.self)))
            }
        }
        try orders.check()
        let (orderOffsets, orderRows) = orders.groupedByTime(contacts: n, time: \.time)
        var orderIndex: [UUID: Int32] = [:]
        orderIndex.reserveCapacity(orderRows.count)
        for (index, order) in orderRows.enumerated() { orderIndex[order.id] = Int32(index) }
        let lines = ActivityRows<Int32>()
        try await scoped("o.contact_id", { filter in
            """
            SELECT l.order_id, l.product_id FROM order_lines l JOIN orders o ON o.id = l.order_id
            WHERE o.workspace_id = \(bind: workspaceID) AND o.status = 'paid' AND l.product_id IS NOT NULL\(filter)
            """
        }) { [orderIndex, productCodes] row in
            lines.capture {
                guard let order = orderIndex[try row.decode(column: "order_id", as: UUID.self)],
                    let product = productCodes[try row.decode(column: "product_id", as: UUID.self)]
                else { return }
                lines.add(order, product)
            }
        }
        try lines.check()
        let (lineOffsets, lineProduct) = lines.grouped(contacts: orderRows.count)

        // Message events, grouped by contact in time order.
        let events = ActivityRows<EventRow>()
        let types = Codes<String>(), campaigns = Codes<UUID>()
        try await scoped("contact_id", { filter in
            """
            SELECT contact_id, type, occurred_at, campaign_id FROM message_events
            WHERE workspace_id = \(bind: workspaceID) AND contact_id IS NOT NULL\(filter)
            """
        }) { row in
            events.capture {
                guard let ordinal = known[try row.decode(column: "contact_id", as: UUID.self)] else { return }
                let campaign = try row.decode(column: "campaign_id", as: UUID?.self)
                events.add(
                    ordinal,
                    EventRow(
                        type: UInt8(truncatingIfNeeded: types.code(try row.decode(column: "type", as: String.self))),
                        time: try row.decode(column: "occurred_at", as: Date.self).timeIntervalSince1970,
                        campaign: campaign.map { campaigns.code($0) } ?? -1))
            }
        }
        try events.check()
        let (eventOffsets, eventRows) = events.groupedByTime(contacts: n, time: \.time)

        return AudienceSnapshot(
            workspaceID: workspaceID, ids: ids, ordinals: ordinals, lowering: dialect.kind == .sqlite ? .ascii : .unicode,
            contacts: contacts, order: order, productCodes: productCodes, productCategory: productCategory, categoryCodes: categoryCodes,
            orderOffsets: orderOffsets, orderRows: orderRows, lineOffsets: lineOffsets, lineProduct: lineProduct,
            eventOffsets: eventOffsets, eventRows: eventRows, eventTypeCodes: types.known.mapValues { UInt8(truncatingIfNeeded: $0) },
            campaignCodes: campaigns.known
        )
    }

    init(
        workspaceID: UUID, ids: [UUID], ordinals: [UUID: Int32], lowering: Lowering, contacts: ContactRows, order: [Int],
        productCodes: [UUID: Int32], productCategory: [Int32], categoryCodes: [UUID: Int32],
        orderOffsets: [Int32], orderRows: [OrderRow], lineOffsets: [Int32], lineProduct: [Int32],
        eventOffsets: [Int32], eventRows: [EventRow], eventTypeCodes: [String: UInt8], campaignCodes: [UUID: Int32]
    ) {
        let n = ids.count
        self.workspaceID = workspaceID
        self.ids = ids
        self.ordinals = ordinals
        self.lowering = lowering
        func text(_ values: [String?]) -> TextColumn { TextColumn(order.map { values[$0] }) }
        country = text(contacts.country)
        city = text(contacts.city)
        language = text(contacts.language)
        username = text(contacts.username)
        phoneHead = order.map { PhoneHead.pack(contacts.phone[$0]) }
        createdAt = order.map { contacts.createdAt[$0] }
        consent = order.map { contacts.consent[$0] }

        var tags: [String: BitSet] = [:], tagged = BitSet()
        var attributes: [String: AttributeColumn.Builder] = [:]
        for (ordinal, row) in order.enumerated() {
            let rowTags = contacts.tags[row]
            if !rowTags.isEmpty { tagged.insert(ordinal) }
            for tag in rowTags { tags[tag, default: BitSet()].insert(ordinal) }
            for (key, value) in contacts.attributes[row] {
                attributes[key, default: AttributeColumn.Builder(contacts: n)].add(value, at: ordinal)
            }
        }
        self.tags = tags
        self.tagged = tagged
        self.attributes = attributes.mapValues { $0.column() }

        self.orderOffsets = orderOffsets
        orderTime = orderRows.map(\.time)
        orderTotal = orderRows.map(\.total)
        self.lineOffsets = lineOffsets
        self.lineProduct = lineProduct
        self.productCodes = productCodes
        self.productCategory = productCategory
        self.categoryCodes = categoryCodes
        var first = [Double](repeating: .nan, count: n), last = [Double](repeating: .nan, count: n), spend = [Int64](repeating: 0, count: n)
        for ordinal in 0..<n {
            let rows = Int(orderOffsets[ordinal])..<Int(orderOffsets[ordinal + 1])
            guard !rows.isEmpty else { continue }
            first[ordinal] = orderRows[rows.lowerBound].time
            last[ordinal] = orderRows[rows.upperBound - 1].time
            spend[ordinal] = rows.reduce(0) { $0 + orderRows[$1].total }
        }
        firstPurchase = first
        lastPurchase = last
        lifetimeSpend = spend

        self.eventOffsets = eventOffsets
        eventType = eventRows.map(\.type)
        eventTime = eventRows.map(\.time)
        eventCampaign = eventRows.map(\.campaign)
        self.eventTypeCodes = eventTypeCodes
        self.campaignCodes = campaignCodes
        var lastEvent = [[Double]](repeating: [Double](repeating: .nan, count: n), count: eventTypeCodes.count)
        for ordinal in 0..<n {
            for row in Int(eventOffsets[ordinal])..<Int(eventOffsets[ordinal + 1]) {
                // Rows are in time order, so the last of each type wins.
                lastEvent[Int(eventRows[row].type)][ordinal] = eventRows[row].time
            }
        }
        self.lastEvent = lastEvent
    }

    struct OrderRow: Sendable {
        let id: UUID
        let time: Double
        let total: Int64
    }

    struct EventRow: Sendable {
        let type: UInt8
        let time: Double
        let campaign: Int32
    }
}

extension TextColumn {
    init(_ values: [String?]) {
        var dictionary: [String: Int32] = [:], distinct: [String] = []
        codes = values.map { value in
            guard let value else { return -1 }
            if let code = dictionary[value] { return code }
            let code = Int32(distinct.count)
            dictionary[value] = code
            distinct.append(value)
            return code
        }
        self.values = distinct
    }
}

extension AttributeColumn {
    /// Collects one attribute's values as contacts are read.
    struct Builder {
        let contacts: Int
        var strings: [String?]?
        var numbers: [Double]?
        var booleans: [Int8]?
        var listItems: [String: BitSet] = [:]
        var nonEmptyList = BitSet()

        init(contacts: Int) { self.contacts = contacts }

        mutating func add(_ value: RuleValue, at ordinal: Int) {
            switch value {
            case .string(let text):
                if strings == nil { strings = Array(repeating: nil, count: contacts) }
                strings![ordinal] = text
            case .number(let number):
                if numbers == nil { numbers = Array(repeating: .nan, count: contacts) }
                numbers![ordinal] = number
            case .bool(let flag):
                if booleans == nil { booleans = Array(repeating: -1, count: contacts) }
                booleans![ordinal] = flag ? 1 : 0
            case .array(let items):
                if !items.isEmpty { nonEmptyList.insert(ordinal) }
                for case .string(let item) in items { listItems[item, default: BitSet()].insert(ordinal) }
            case .null, .object: break
            }
        }

        func column() -> AttributeColumn {
            AttributeColumn(
                strings: strings.map(TextColumn.init), numbers: numbers, booleans: booleans, listItems: listItems, nonEmptyList: nonEmptyList
            )
        }
    }
}

/// The contacts as read, in the database's order; the snapshot reorders them by id.
final class ContactRows: @unchecked Sendable {
    var ids: [UUID] = [], phone: [String?] = [], country: [String?] = [], city: [String?] = [], language: [String?] = []
    var username: [String?] = [], tags: [[String]] = [], attributes: [[String: RuleValue]] = [], consent: [UInt8] = []
    var createdAt: [Double] = []
    var problem: (any Error)?

    func add(_ row: any SQLRow) {
        do {
            ids.append(try row.decode(column: "id", as: UUID.self))
            phone.append(try row.decode(column: "phone", as: String?.self))
            country.append(try row.decode(column: "country", as: String?.self))
            city.append(try row.decode(column: "city", as: String?.self))
            language.append(try row.decode(column: "language", as: String?.self))
            username.append(try row.decode(column: "username", as: String?.self))
            let tagText = try row.decode(column: "tags", as: String?.self) ?? "[]"
            let tagValues = (try? JSONDecoder().decode([RuleValue].self, from: Data(tagText.utf8))) ?? []
            tags.append(tagValues.compactMap(\.string))
            let attributeText = try row.decode(column: "attributes", as: String?.self) ?? "{}"
            attributes.append((try? JSONDecoder().decode([String: RuleValue].self, from: Data(attributeText.utf8))) ?? [:])
            consent.append(AudienceSnapshot.Consent.code(try row.decode(column: "consent_status", as: String.self)))
            createdAt.append(try row.decode(column: "created_at", as: Date.self).timeIntervalSince1970)
        } catch {
            if problem == nil { problem = error }
        }
    }

    func check() throws {
        if let problem { throw problem }
    }

    /// Row positions in ascending id (byte) order: the database's `ORDER BY id` already is, unless its collation differs.
    func sortedOrder() -> [Int] {
        let order = Array(ids.indices)
        let sorted = zip(ids, ids.dropFirst()).allSatisfy { UUIDOrder.less($0, $1) }
        return sorted ? order : order.sorted { UUIDOrder.less(ids[$0], ids[$1]) }
    }
}

/// Rows of one kind collected per owner (a contact ordinal, or an order), then laid out as compressed sparse rows.
final class ActivityRows<Row: Sendable>: @unchecked Sendable {
    var owners: [Int32] = []
    var rows: [Row] = []
    var problem: (any Error)?

    /// Runs one row's reading; the first error is kept for ``check()`` (a row handler cannot throw).
    func capture(_ body: () throws -> Void) {
        do { try body() } catch { if problem == nil { problem = error } }
    }

    func check() throws {
        if let problem { throw problem }
    }

    func add(_ owner: Int32, _ row: Row) {
        owners.append(owner)
        rows.append(row)
    }

    /// Offsets (`count + 1`) and the rows grouped by owner, keeping each owner's rows in the order they came.
    func grouped(contacts count: Int) -> ([Int32], [Row]) {
        var offsets = [Int32](repeating: 0, count: count + 1)
        for owner in owners { offsets[Int(owner) + 1] += 1 }
        for index in 0..<count { offsets[index + 1] += offsets[index] }
        var next = offsets
        var placed = [Int](repeating: 0, count: rows.count)
        for (position, owner) in owners.enumerated() {
            placed[Int(next[Int(owner)])] = position
            next[Int(owner)] += 1
        }
        return (offsets, placed.map { rows[$0] })
    }
}

extension ActivityRows {
    /// As ``grouped(contacts:)``, with each owner's rows sorted by time (stably), so the latest is last.
    func groupedByTime(contacts count: Int, time: KeyPath<Row, Double>) -> ([Int32], [Row]) {
        let (offsets, grouped) = grouped(contacts: count)
        var rows = grouped
        for owner in 0..<count {
            let range = Int(offsets[owner])..<Int(offsets[owner + 1])
            guard range.count > 1 else { continue }
            var sorted = true
            for index in range.dropFirst() where rows[index - 1][keyPath: time] > rows[index][keyPath: time] {
                sorted = false
                break
            }
            if !sorted { rows.replaceSubrange(range, with: rows[range].sorted { $0[keyPath: time] < $1[keyPath: time] }) }
        }
        return (offsets, rows)
    }
}

/// Dense codes for values as they are first seen.
final class Codes<Value: Hashable>: @unchecked Sendable {
    var known: [Value: Int32] = [:]

    func code(_ value: Value) -> Int32 {
        if let code = known[value] { return code }
        let code = Int32(known.count)
        known[value] = code
        return code
    }
}

/// UUIDs compared byte by byte, as PostgreSQL's uuid and SQLite's text form both sort.
enum UUIDOrder {
    static func less(_ a: UUID, _ b: UUID) -> Bool {
        withUnsafeBytes(of: a.uuid) { x in
            withUnsafeBytes(of: b.uuid) { y in
                for index in 0..<16 where x[index] != y[index] { return x[index] < y[index] }
                return false
            }
        }
    }
}
