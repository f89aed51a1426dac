import Foundation
import SQLKit
import Storage

extension AudienceSnapshot {
    /// Reads one workspace from the database into a snapshot: contacts, paid orders with their lines, products and
    /// message events, each in one streamed query.
    public static func build(from database: Database, workspaceID: UUID) async throws -> AudienceSnapshot {
        let dialect = database.dialect
        return try await database.consistentBulkRead { reader in
            try await build(in: reader, dialect: dialect, workspaceID: workspaceID)
        }
    }

    /// `only` limits the snapshot to those contacts (a delta over a larger snapshot); their rows are read in chunks.
    /// Cells are read by position, in the order each query selects them.
    public static func build(in reader: BulkReader, dialect: Dialect, workspaceID: UUID, only: [UUID]? = nil) async throws -> AudienceSnapshot {
        /// Runs `query` once for the whole workspace, or once per chunk of `only` with ` AND <column> IN (…)` added.
        func scoped(_ column: SQLQueryString, _ query: (SQLQueryString) -> SQLQueryString, _ onRow: @escaping @Sendable (BulkRow) throws -> Void) async throws {
            guard let only else { return try await reader.stream(query(""), onRow) }
            for start in stride(from: 0, to: only.count, by: 500) {
                let chunk = Array(only[start..<min(only.count, start + 500)])
                try await reader.stream(query(" AND \(column) IN (\(binds: chunk))"), onRow)
            }
        }
        let contacts = ContactRows()
        try await scoped("id", { filter in
            """
            SELECT id, phone, country, city, language, username, \(dialect.jsonText("tags")) AS tags,
                \(dialect.jsonText("attributes")) AS attributes, consent_status, created_at
            FROM contacts WHERE workspace_id = \(bind: workspaceID)\(filter) ORDER BY id
            """
        }) { row in try contacts.add(row) }
        let order = contacts.sortedOrder()
        let ids = order.map { contacts.ids[$0] }
        var ordinals: [UUID: Int32] = [:]
        ordinals.reserveCapacity(ids.count)
        for (ordinal, id) in ids.enumerated() { ordinals[id] = Int32(ordinal) }
        let n = ids.count
        let known = ordinals

        // Products and categories.
        let catalog = Catalog()
        try await reader.stream("SELECT id, category_id FROM products WHERE workspace_id = \(bind: workspaceID)") { row in
            try catalog.add(product: row.uuid(0), category: row.uuid(1))
        }

        // Paid orders, grouped by contact in time order, then their lines.
        let orders = OrderColumns()
        try await scoped("contact_id", { filter in
            """
            SELECT contact_id, id, ordered_at, total_minor FROM orders
            WHERE workspace_id = \(bind: workspaceID) AND status = 'paid' AND contact_id IS NOT NULL\(filter)
            """
        }) { row in
            guard let contact = try row.uuid(0), let ordinal = known[contact] else { return }
            try orders.add(ordinal, id: row.uuid(1)!, time: row.seconds(2)!, total: row.int64(3) ?? 0)
        }
        let grouped = orders.groupedByTime(contacts: n)
        var orderIndex: [UUID: Int32] = [:]
        orderIndex.reserveCapacity(grouped.ids.count)
        for (index, id) in grouped.ids.enumerated() { orderIndex[id] = Int32(index) }
        let lines = LineColumns()
        try await scoped("o.contact_id", { filter in
            """
            SELECT l.order_id, l.product_id FROM order_lines l JOIN orders o ON o.id = l.order_id
            WHERE o.workspace_id = \(bind: workspaceID) AND o.status = 'paid' AND l.product_id IS NOT NULL\(filter)
            """
        }) { [orderIndex, productCodes = catalog.productCodes] row in
            guard let orderID = try row.uuid(0), let order = orderIndex[orderID],
                let productID = try row.uuid(1), let product = productCodes[productID]
            else { return }
            lines.owners.append(order)
            lines.products.append(product)
        }
        let (lineOffsets, lineProduct) = lines.grouped(orders: grouped.ids.count)

        // Message events, grouped by contact in time order.
        let events = EventColumns()
        try await scoped("contact_id", { filter in
            """
            SELECT contact_id, type, occurred_at, campaign_id FROM message_events
            WHERE workspace_id = \(bind: workspaceID) AND contact_id IS NOT NULL\(filter)
            """
        }) { row in
            guard let contact = try row.uuid(0), let ordinal = known[contact] else { return }
            try events.add(ordinal, type: row.text(1) ?? "", time: row.seconds(2)!, campaign: row.uuid(3))
        }

        return AudienceSnapshot(
            workspaceID: workspaceID, ids: ids, ordinals: ordinals, lowering: dialect.kind == .sqlite ? .ascii : .unicode,
            contacts: contacts, order: order, catalog: catalog, orders: grouped, lineOffsets: lineOffsets, lineProduct: lineProduct,
            events: events.groupedByTime(contacts: n)
        )
    }

    init(
        workspaceID: UUID, ids: [UUID], ordinals: [UUID: Int32], lowering: Lowering, contacts: ContactRows, order: [Int],
        catalog: Catalog, orders: OrderColumns.Grouped, lineOffsets: [Int32], lineProduct: [Int32], events: EventColumns.Grouped
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
        let createdAt = order.map { contacts.createdAt[$0] }
        self.createdAt = createdAt
        createdOrder = (0..<Int32(n)).filter { !createdAt[Int($0)].isNaN }.sorted { createdAt[Int($0)] < createdAt[Int($1)] }
        consent = order.map { contacts.consent[$0] }

        var tags: [String: OrdinalSet] = [:], tagged = OrdinalSet()
        var attributes: [String: AttributeColumn.Builder] = [:]
        for (ordinal, row) in order.enumerated() {
            let rowTags = contacts.tags[row]
            if !rowTags.isEmpty { tagged.insert(ordinal) }
            for tag in rowTags { tags[tag, default: OrdinalSet()].insert(ordinal) }
            for (key, value) in contacts.attributes[row] {
                attributes[key, default: AttributeColumn.Builder(contacts: n)].add(value, at: ordinal)
            }
        }
        self.tags = tags
        self.tagged = tagged
        self.attributes = attributes.mapValues { $0.column() }

        orderOffsets = orders.offsets
        orderTime = orders.times
        orderTotal = orders.totals
        self.lineOffsets = lineOffsets
        self.lineProduct = lineProduct
        productCodes = catalog.productCodes
        productCategory = catalog.productCategory
        categoryCodes = catalog.categoryCodes
        var first = [Double](repeating: .nan, count: n), last = [Double](repeating: .nan, count: n), spend = [Int64](repeating: 0, count: n)
        for ordinal in 0..<n {
            let rows = Int(orders.offsets[ordinal])..<Int(orders.offsets[ordinal + 1])
            guard !rows.isEmpty else { continue }
            first[ordinal] = orders.times[rows.lowerBound]
            last[ordinal] = orders.times[rows.upperBound - 1]
            spend[ordinal] = rows.reduce(0) { $0 + orders.totals[$1] }
        }
        firstPurchase = first
        lastPurchase = last
        lifetimeSpend = spend

        eventOffsets = events.offsets
        eventType = events.types
        eventTime = events.times
        eventCampaign = events.campaigns
        eventTypeCodes = events.typeCodes
        campaignCodes = events.campaignCodes
        var lastEvent = [[Double]](repeating: [Double](repeating: .nan, count: n), count: events.typeCodes.count)
        for ordinal in 0..<n {
            for row in Int(events.offsets[ordinal])..<Int(events.offsets[ordinal + 1]) {
                // Rows are in time order, so the last of each type wins.
                lastEvent[Int(events.types[row])][ordinal] = events.times[row]
            }
        }
        self.lastEvent = lastEvent
        var lastEngaged = [Double](repeating: .nan, count: n)
        for type in ["read", "clicked", "replied"] {
            guard let code = events.typeCodes[type] else { continue }
            for (ordinal, time) in lastEvent[Int(code)].enumerated() where !(lastEngaged[ordinal] >= time) && !time.isNaN {
                lastEngaged[ordinal] = time
            }
        }
        self.lastEngaged = lastEngaged
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
        var listItems: [String: OrdinalSet] = [:]
        var nonEmptyList = OrdinalSet()

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
                for case .string(let item) in items { listItems[item, default: OrdinalSet()].insert(ordinal) }
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
    private let json = JSONDecoder()

    /// Columns: id, phone, country, city, language, username, tags, attributes, consent_status, created_at.
    func add(_ row: BulkRow) throws {
        guard let id = try row.uuid(0), let created = try row.seconds(9) else { throw BulkReadError(message: "a contact without id or created_at") }
        ids.append(id)
        phone.append(try row.text(1))
        country.append(try row.text(2))
        city.append(try row.text(3))
        language.append(try row.text(4))
        username.append(try row.text(5))
        let tagText = try row.text(6) ?? "[]"
        tags.append(JSONStrings.array(tagText) ?? ((try? json.decode([RuleValue].self, from: Data(tagText.utf8))) ?? []).compactMap(\.string))
        let attributeText = try row.text(7) ?? "{}"
        attributes.append(
            attributeText == "{}" ? [:] : (try? json.decode([String: RuleValue].self, from: Data(attributeText.utf8))) ?? [:])
        consent.append(AudienceSnapshot.Consent.code(try row.text(8) ?? ""))
        createdAt.append(created)
    }

    /// Row positions in ascending id (byte) order: the database's `ORDER BY id` already is, unless its collation differs.
    func sortedOrder() -> [Int] {
        let order = Array(ids.indices)
        let sorted = zip(ids, ids.dropFirst()).allSatisfy { UUIDOrder.less($0, $1) }
        return sorted ? order : order.sorted { UUIDOrder.less(ids[$0], ids[$1]) }
    }
}

/// The workspace's products as codes, with their categories.
final class Catalog: @unchecked Sendable {
    var productCodes: [UUID: Int32] = [:], categoryCodes: [UUID: Int32] = [:], productCategory: [Int32] = []

    func add(product: UUID?, category: UUID?) {
        guard let product else { return }
        productCodes[product] = Int32(productCategory.count)
        productCategory.append(category.map { id in categoryCodes[id] ?? { let code = Int32(categoryCodes.count); categoryCodes[id] = code; return code }() } ?? -1)
    }
}

/// Where rows go when they are grouped by owner (a contact ordinal or an order), keeping their order within an
/// owner: a counting sort, so millions of rows are placed in two passes without sorting.
struct Grouping {
    /// `owners + 1` offsets: owner `o`'s rows are `offsets[o]..<offsets[o + 1]`.
    let offsets: [Int32]
    /// The grouped position of each row as read.
    let destination: [Int32]

    init(owners: [Int32], count: Int) {
        var offsets = [Int32](repeating: 0, count: count + 1)
        for owner in owners { offsets[Int(owner) + 1] += 1 }
        for index in 0..<count { offsets[index + 1] += offsets[index] }
        var next = offsets
        destination = owners.map { owner in
            defer { next[Int(owner)] += 1 }
            return next[Int(owner)]
        }
        self.offsets = offsets
    }

    /// `values` in grouped order.
    func place<Value>(_ values: [Value], empty: Value) -> [Value] {
        var placed = [Value](repeating: empty, count: values.count)
        for (row, position) in destination.enumerated() { placed[Int(position)] = values[row] }
        return placed
    }

    /// Positions in grouped order with each owner's rows sorted by `times` (stably); nil when they already are.
    func timeOrder(_ times: [Double]) -> [Int]? {
        var permutation: [Int]?
        for owner in 0..<(offsets.count - 1) {
            let range = Int(offsets[owner])..<Int(offsets[owner + 1])
            guard range.count > 1 else { continue }
            var sorted = true
            for index in range.dropFirst() where times[index - 1] > times[index] {
                sorted = false
                break
            }
            guard !sorted else { continue }
            if permutation == nil { permutation = Array(0..<times.count) }
            permutation!.replaceSubrange(range, with: range.sorted { times[$0] < times[$1] || (times[$0] == times[$1] && $0 < $1) })
        }
        return permutation
    }
}

/// Paid orders as read, column by column.
final class OrderColumns: @unchecked Sendable {
    var owners: [Int32] = [], ids: [UUID] = [], times: [Double] = [], totals: [Int64] = []

    func add(_ owner: Int32, id: UUID, time: Double, total: Int64) {
        owners.append(owner)
        ids.append(id)
        times.append(time)
        totals.append(total)
    }

    struct Grouped {
        let offsets: [Int32]
        let ids: [UUID]
        let times: [Double]
        let totals: [Int64]
    }

    /// Grouped by contact, each contact's in time order.
    func groupedByTime(contacts: Int) -> Grouped {
        let grouping = Grouping(owners: owners, count: contacts)
        var ids = grouping.place(self.ids, empty: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        var times = grouping.place(self.times, empty: 0)
        var totals = grouping.place(self.totals, empty: 0)
        if let order = grouping.timeOrder(times) {
            ids = order.map { ids[$0] }
            times = order.map { times[$0] }
            totals = order.map { totals[$0] }
        }
        return Grouped(offsets: grouping.offsets, ids: ids, times: times, totals: totals)
    }
}

/// Order lines as read: their order's index and product code.
final class LineColumns: @unchecked Sendable {
    var owners: [Int32] = [], products: [Int32] = []

    func grouped(orders: Int) -> ([Int32], [Int32]) {
        let grouping = Grouping(owners: owners, count: orders)
        return (grouping.offsets, grouping.place(products, empty: 0))
    }
}

/// Message events as read, column by column, with their types and campaigns as codes.
final class EventColumns: @unchecked Sendable {
    var owners: [Int32] = [], types: [UInt8] = [], times: [Double] = [], campaigns: [Int32] = []
    private var typeCodes: [String: UInt8] = [:], campaignCodes: [UUID: Int32] = [:]

    func add(_ owner: Int32, type: String, time: Double, campaign: UUID?) throws {
        let typeCode: UInt8
        if let code = typeCodes[type] {
            typeCode = code
        } else {
            guard typeCodes.count < Int(UInt8.max) else { throw BulkReadError(message: "more than 255 event types") }
            typeCode = UInt8(typeCodes.count)
            typeCodes[type] = typeCode
        }
        owners.append(owner)
        types.append(typeCode)
        times.append(time)
        campaigns.append(campaign.map { id in campaignCodes[id] ?? { let code = Int32(campaignCodes.count); campaignCodes[id] = code; return code }() } ?? -1)
    }

    struct Grouped {
        let offsets: [Int32]
        let types: [UInt8]
        let times: [Double]
        let campaigns: [Int32]
        let typeCodes: [String: UInt8]
        let campaignCodes: [UUID: Int32]
    }

    /// Grouped by contact, each contact's in time order.
    func groupedByTime(contacts: Int) -> Grouped {
        let grouping = Grouping(owners: owners, count: contacts)
        owners = []
        var types = grouping.place(self.types, empty: 0)
        self.types = []
        var times = grouping.place(self.times, empty: 0)
        self.times = []
        var campaigns = grouping.place(self.campaigns, empty: 0)
        self.campaigns = []
        if let order = grouping.timeOrder(times) {
            types = order.map { types[$0] }
            times = order.map { times[$0] }
            campaigns = order.map { campaigns[$0] }
        }
        return Grouped(offsets: grouping.offsets, types: types, times: times, campaigns: campaigns, typeCodes: typeCodes, campaignCodes: campaignCodes)
    }
}

/// JSON arrays of plain strings (contacts' tags) read without a decoder; nil for anything else (escapes, other
/// types), which the caller decodes in full.
enum JSONStrings {
    static func array(_ text: String) -> [String]? {
        var utf8 = text.utf8[...]
        func skipSpace() { while let byte = utf8.first, byte == 32 || byte == 9 || byte == 10 || byte == 13 { utf8.removeFirst() } }
        skipSpace()
        guard utf8.popFirst() == UInt8(ascii: "[") else { return nil }
        var items: [String] = []
        skipSpace()
        if utf8.first == UInt8(ascii: "]") {
            utf8.removeFirst()
            skipSpace()
            return utf8.isEmpty ? items : nil
        }
        while true {
            skipSpace()
            guard utf8.popFirst() == UInt8(ascii: "\"") else { return nil }
            guard let end = utf8.firstIndex(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 32 }),
                utf8[end] == UInt8(ascii: "\"")
            else { return nil }
            items.append(String(decoding: utf8[..<end], as: UTF8.self))
            utf8 = utf8[utf8.index(after: end)...]
            skipSpace()
            switch utf8.popFirst() {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "]"):
                skipSpace()
                return utf8.isEmpty ? items : nil
            default: return nil
            }
        }
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
