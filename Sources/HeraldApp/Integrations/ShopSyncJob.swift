import AsyncHTTPClient
import Foundation
import Logging
import SQLKit
import Storage

/// Runs a ``ShopSync``: fetches the resource page by page with the shop's own pagination (Shopify's `Link` header,
/// WooCommerce's `page` and `X-WP-TotalPages`) and applies each page in one transaction that also saves the next
/// page to fetch. A job stopped anywhere (a restart, a crash) resumes at the first page not applied; applying is
/// idempotent by the shop's ids, so a page is never counted twice.
struct ShopSyncJob: JobHandler {
    let kind = ShopSyncStore.jobKind
    let database: Database
    let integrations: IntegrationStore
    let contacts: ContactStore
    let workspaces: WorkspaceStore
    let http: HTTPClient
    let lookup: ShopCategoryLookup
    /// Waits between attempts at a page the shop failed to serve (5xx or no answer); 429 waits its `Retry-After`.
    var retryDelays: [Duration] = [.seconds(1), .seconds(3), .seconds(9)]

    init(database: Database, integrations: IntegrationStore, contacts: ContactStore, workspaces: WorkspaceStore, http: HTTPClient, logger: Logger) {
        self.database = database
        self.integrations = integrations
        self.contacts = contacts
        self.workspaces = workspaces
        self.http = http
        self.lookup = ShopCategoryLookup(database: database, integrations: integrations, http: http, logger: logger)
    }

    /// Page sizes: the largest each API allows (tests use small ones to get many pages).
    var shopifyPageSize = 250
    var wooPageSize = 100

    func run(_ run: JobRun) async throws -> String? {
        guard case .object(let fields) = try JSONValue.parse(Data(run.job.payload.utf8)), case .string(let idText)? = fields["integration_id"],
            let integrationID = UUID(uuidString: idText), case .string(let resourceText)? = fields["resource"],
            let resource = ShopSync.Resource(rawValue: resourceText)
        else { throw APIError(.badRequest, "invalid_job", "the sync job's payload is not readable") }
        guard let integration = try await integrations.find(integrationID: integrationID) else { return #"{"skipped":"the connection was removed"}"# }
        let store = ShopSyncStore(database: database)
        let client = ShopClient(integration: integration, secrets: try await integrations.secrets(integration), http: http)
        let country = try await workspaces.find(id: integration.workspaceID)?.defaultCountry
        while true {
            guard let sync = try await store.find(integrationID: integrationID, resource: resource), sync.status == "running", sync.jobID == run.job.id
            else { return #"{"skipped":"another sync took over"}"# }
            let url = firstPageOrNext(sync, integration: integration)
            let page: ShopClient.Page
            do { page = try await fetch(url, client: client, logger: run.logger) } catch {
                // A server shutting down stops the job where it is: it is resumed when its lease ends, not failed.
                if error is CancellationError || Task.isCancelled { throw CancellationError() }
                try await fail(sync, error: "\(error)", jobID: run.job.id)
                throw APIError(.badGateway, "shop_failed", "page \(sync.pagesDone + 1) of the \(resource.rawValue) import failed: \(error)")
            }
            let items = Self.items(page.json, integration: integration, resource: resource)
            let categories = resource == .orders || resource == .catchup ? try await lookup.categories(orders: items, integration: integration) : [:]
            let next = nextPage(page, sync: sync, integration: integration, count: items.count)
            let (dialect, contacts) = (database.dialect, self.contacts)
            let finished = try await database.transaction(retryingConflicts: 3) { sql -> Bool in
                var applier = ShopApplier(integration: integration, workspaceDefaultCountry: country, contacts: contacts, dialect: dialect, sql: sql)
                applier.categories = categories
                var failed = 0
                try await PendingRollups.collecting(dialect: dialect, in: sql) {
                    for item in items {
                        do { _ = try await applier.record(item, resource: resource) } catch let error as ShopPayloadError {
                            failed += 1
                            run.logger.warning("a shop record could not be read", metadata: ["error": "\(error)"])
                        }
                    }
                    try await applier.finish()
                }
                let now = Date()
                let updated = try await sql.raw(
                    """
                    UPDATE integration_syncs SET next_page = \(bind: next), pages_done = pages_done + 1, pages_total = \(bind: page.totalPages),
                        items_done = items_done + \(bind: items.count - failed), items_failed = items_failed + \(bind: failed),
                        items_total = COALESCE(\(bind: page.total), items_total), updated_at = \(bind: now),
                        status = \(bind: next == nil ? "done" : "running"), finished_at = \(bind: next == nil ? now : nil)
                    WHERE id = \(bind: sync.id) AND job_id = \(bind: run.job.id) AND status = 'running' RETURNING id
                    """
                ).all()
                // Another sync took over (a restart from the console): this page is rolled back, and it applies it.
                guard !updated.isEmpty else { throw CancellationError() }
                if next == nil { try await SegmentStore.requestRefresh(workspaceID: integration.workspaceID, in: sql) }
                return next == nil
            }
            let done = Int64(sync.pagesDone + 1)
            try await run.progress(
                done: done, total: Int64(page.totalPages ?? sync.pagesDone + (finished ? 1 : 2)), processed: Int64(sync.itemsDone + items.count),
                succeeded: Int64(sync.itemsDone + items.count), failed: Int64(sync.itemsFailed)
            )
            if finished {
                let final = try await store.find(integrationID: integrationID, resource: resource)
                return #"{"pages":\#(final?.pagesDone ?? 0),"items":\#(final?.itemsDone ?? 0),"failed":\#(final?.itemsFailed ?? 0)}"#
            }
        }
    }

    /// The URL of the sync's next page: Shopify's saved `Link` URL, or WooCommerce's next page number.
    func firstPageOrNext(_ sync: ShopSync, integration: Integration) -> String {
        if integration.kind == .shopify, let next = sync.nextPage { return next }
        switch (integration.kind, sync.resource) {
        case (.shopify, .products): return "/products.json?limit=\(shopifyPageSize)"
        case (.shopify, _): return "/orders.json?status=any&limit=\(shopifyPageSize)"
        case (.woocommerce, let resource):
            let page = sync.nextPage.flatMap { Int($0) } ?? 1
            var path = resource == .customers ? "/customers" : "/orders"
            path += "?per_page=\(wooPageSize)&page=\(page)&orderby=id&order=asc"
            if resource == .catchup, let after = sync.modifiedAfter {
                path += "&modified_after=\(ISODate.format(after).replacingOccurrences(of: "Z", with: ""))&dates_are_gmt=true"
            }
            return path
        }
    }

    func nextPage(_ page: ShopClient.Page, sync: ShopSync, integration: Integration, count: Int) -> String? {
        switch integration.kind {
        case .shopify: return page.next
        case .woocommerce:
            let current = sync.nextPage.flatMap { Int($0) } ?? 1
            guard count > 0, current < (page.totalPages ?? current) else { return nil }
            return String(current + 1)
        }
    }

    static func items(_ json: ShopJSON, integration: Integration, resource: ShopSync.Resource) -> [ShopJSON] {
        switch integration.kind {
        case .shopify: json[resource == .products ? "products" : "orders"].array
        case .woocommerce: json.array
        }
    }

    /// One page, tried again after a 5xx or no answer, and after a 429's `Retry-After`.
    func fetch(_ url: String, client: ShopClient, logger: Logger) async throws -> ShopClient.Page {
        var attempt = 0, throttled = 0
        while true {
            do { return try await client.get(url) } catch let failure as ShopClient.Failure {
                if let wait = failure.retryAfter, throttled < 10 {
                    throttled += 1
                    try await Task.sleep(for: .milliseconds(Int(min(wait, 60) * 1000)))
                    continue
                }
                let transient = failure.status == nil || (failure.status ?? 0) >= 500
                guard transient, attempt < retryDelays.count else { throw failure }
                logger.notice("a shop page failed; trying again", metadata: ["url": "\(url)", "error": "\(failure)"])
                try await Task.sleep(for: retryDelays[attempt])
                attempt += 1
            }
        }
    }

    func fail(_ sync: ShopSync, error: String, jobID: UUID) async throws {
        try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE integration_syncs SET status = 'failed', last_error = \(bind: String(error.prefix(500))), updated_at = \(bind: Date())
                WHERE id = \(bind: sync.id) AND job_id = \(bind: jobID)
                """
            ).run()
        }
    }
}

extension ShopApplier {
    /// Applies one record of an import page.
    mutating func record(_ json: ShopJSON, resource: ShopSync.Resource) async throws -> Outcome {
        switch (integration.kind, resource) {
        case (.shopify, .products):
            let id = try json["id"].id("the product's id")
            let categoryID = try await json["product_type"].text.asyncMap { try await OrderStore.category(sql, workspaceID: integration.workspaceID, name: $0) }
            _ = try await OrderStore.product(
                sql, workspaceID: integration.workspaceID,
                line: Order.Line(productExternalID: externalID(id), name: json["title"].text ?? id, category: nil, quantity: 1, unitPriceMinor: 0),
                categoryID: categoryID
            )
            return .ignored
        case (.shopify, _): return try await save(try ShopifyPayload.order(json))
        case (.woocommerce, .customers): return try await customer(try WooCommercePayload.customer(json))
        case (.woocommerce, _): return try await save(try WooCommercePayload.order(json))
        }
    }
}
