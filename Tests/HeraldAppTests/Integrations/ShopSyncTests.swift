import Foundation
import SQLKit
import Storage
import Testing

@testable import HeraldApp

@Suite("Shop imports")
struct ShopSyncTests {
    /// Runs queued sync jobs as the job worker would, with small pages and no waits between retries.
    func runSyncs(_ app: TestApp) async throws {
        var job = ShopSyncJob(
            database: app.database, integrations: app.services.integrations, contacts: app.services.contacts, workspaces: app.services.workspaces,
            http: .shared, logger: TestDatabase.logger
        )
        job.shopifyPageSize = 3
        job.wooPageSize = 3
        job.retryDelays = [.milliseconds(10)]
        let worker = JobWorker(queue: app.services.jobs, handlers: [job], logger: TestDatabase.logger)
        while let claimed = try await app.services.jobs.claim(owner: worker.owner, kinds: [ShopSyncStore.jobKind]) {
            await worker.execute(claimed, handler: job)
        }
    }

    @Test("a Shopify backfill follows the Link header; one that failed on page 4 resumes there without duplicates", arguments: Engine.available)
    func shopifyBackfill(engine: Engine) async throws {
        let fake = FakeShop()
        let orders = (1...20).map { n in
            ShopPayloads.shopifyOrder(id: 5000 + n, phone: "+1613612\(String(format: "%04d", n))", email: "buyer\(n)@example.com", total: "\(n).50", lines: [.init(productID: 77, title: "Mug", price: "\(n).50")])
        }
        await fake.set(shopify: orders, categories: ["77": "Kitchen"], failFromPage: 4)
        try await FakeShop.run(fake) { url in
            try await TestApp.with(engine) { app in
                let shop = try await ShopFixture.shopify(app, shopURL: url)
                expectError(try await app.request(.get, "/api/integrations/woocommerce/orders"), .notFound, code: "not_connected")
                let started = try await app.request(.get, "/api/integrations/shopify/orders")
                #expect(started.status == .accepted, "\(started.text)")
                #expect(started.json["status"].string == "running" && started.json["started"] == .bool(true))
                let again = try await app.request(.get, "/api/integrations/shopify/orders")
                #expect(again.status == .ok && again.json["started"] == .bool(false), "a GET reports on the running import")
                try await runSyncs(app)
                let failed = try await app.request(.get, "/api/integrations/shopify/orders").json
                #expect(failed["status"].string == "failed" && failed["pages_done"].number == 3 && failed["items_done"].number == 9, "\(failed)")
                #expect(failed["last_error"].string?.contains("500") == true)
                #expect(try await shop.count("orders") == 9)

                await fake.set(failFromPage: .some(nil))
                let resumed = try await app.request(.post, "/api/integrations/shopify/orders")
                #expect(resumed.status == .accepted && resumed.json["pages_done"].number == 3, "\(resumed.text)")
                try await runSyncs(app)
                let done = try await app.request(.get, "/api/integrations/shopify/orders").json
                #expect(done["status"].string == "done" && done["pages_done"].number == 7 && done["items_done"].number == 20, "\(done)")
                #expect(try await shop.count("orders") == 20)
                #expect(try await shop.count("order_lines") == 20)
                #expect(await fake.count("shopify orders page 1") == 1, "pages applied are not fetched again")
                #expect(await fake.count("shopify orders page 3") == 1)
                #expect(await fake.count("shopify orders page 4") == 3, "two failed attempts, then the resumed one")
                #expect(await fake.count("shopify product") == 1)

                // A full refresh applies every page again and changes nothing.
                _ = try await app.request(.get, "/api/integrations/shopify/orders?refresh=true")
                try await runSyncs(app)
                let counts = [try await shop.count("orders"), try await shop.count("order_lines"), try await shop.count("contacts")]
                #expect(counts == [20, 20, 20])
                let job = try await app.request(.get, "/api/jobs/\(done["job_id"].string!)").json
                #expect(job["status"].string == "completed", "\(job)")
                let syncs = try await app.request(.get, "/api/integrations/\(shop.integrationID)/syncs").json["data"].array
                #expect(syncs.count == 1 && syncs[0]["resource"].string == "orders")
            }
        }
    }

    @Test("a backfill whose server is killed on page 4 is taken up by another worker when its lease ends, from page 4", arguments: Engine.available)
    func killedBackfill(engine: Engine) async throws {
        let fake = FakeShop()
        let orders = (1...20).map { n in
            ShopPayloads.shopifyOrder(id: 6000 + n, phone: "+1613613\(String(format: "%04d", n))", email: "k\(n)@example.com", total: "\(n).00")
        }
        await fake.set(shopify: orders)
        try await FakeShop.run(fake) { url in
            try await TestApp.with(engine) { app in
                let shop = try await ShopFixture.shopify(app, shopURL: url)
                #expect(try await app.request(.post, "/api/integrations/shopify/orders").status == .accepted)
                var job = ShopSyncJob(
                    database: app.database, integrations: app.services.integrations, contacts: app.services.contacts,
                    workspaces: app.services.workspaces, http: .shared, logger: TestDatabase.logger)
                job.shopifyPageSize = 3
                let queue = JobQueue(database: app.database, leaseSeconds: 1)
                let first = JobWorker(queue: queue, handlers: [job], logger: TestDatabase.logger)
                await fake.hold(4)
                let claimed = try #require(try await queue.claim(owner: first.owner, kinds: [ShopSyncStore.jobKind]))
                let killed = Task { await first.execute(claimed, handler: job) }
                while await fake.count("shopify orders page 4") == 0 { try await Task.sleep(for: .milliseconds(20)) }
                killed.cancel()
                await killed.value
                await fake.hold(nil)
                let stopped = try await app.request(.get, "/api/integrations/shopify/orders").json
                #expect(stopped["status"].string == "running" && stopped["pages_done"].number == 3, "a killed import is not failed: \(stopped)")
                #expect(try await shop.count("orders") == 9)

                try await Task.sleep(for: .milliseconds(1100))
                let second = JobWorker(queue: queue, handlers: [job], logger: TestDatabase.logger)
                let again = try #require(try await queue.claim(owner: second.owner, kinds: [ShopSyncStore.jobKind]), "the lease ended")
                #expect(again.id == claimed.id && again.attempts == 2)
                await second.execute(again, handler: job)
                let done = try await app.request(.get, "/api/integrations/shopify/orders").json
                #expect(done["status"].string == "done" && done["pages_done"].number == 7 && done["items_done"].number == 20, "\(done)")
                #expect(try await shop.count("orders") == 20)
                #expect(await fake.count("shopify orders page 3") == 1, "pages applied before the kill are not fetched again")
            }
        }
    }

    @Test("a WooCommerce backfill pages by number up to X-WP-TotalPages; customers import too", arguments: Engine.available)
    func wooBackfill(engine: Engine) async throws {
        let fake = FakeShop()
        let orders = (1...7).map { n in
            ShopPayloads.wooOrder(id: 900 + n, phone: "(212) 555-01\(String(format: "%02d", n))", email: "w\(n)@example.com", total: "10.0\(n)", status: n == 7 ? "pending" : "completed")
        }
        let customers = (1...4).map { n in
            #"{"id":\#(n),"email":"c\#(n)@example.com","first_name":"C\#(n)","last_name":"X","billing":{"phone":"+44 20 7946 00\#(n)1","country":"GB"}}"#
        }
        await fake.set(woo: orders, customers: customers)
        try await FakeShop.run(fake) { url in
            try await TestApp.with(engine) { app in
                let woo = try await ShopFixture.wooCommerce(app, shopURL: url)
                #expect(try await app.request(.get, "/api/integrations/woocommerce/orders").status == .accepted)
                #expect(try await app.request(.get, "/api/integrations/woocommerce/customers").status == .accepted)
                try await runSyncs(app)
                let orderSync = try await app.request(.get, "/api/integrations/woocommerce/orders").json
                #expect(orderSync["status"].string == "done" && orderSync["pages_total"].number == 3 && orderSync["items_total"].number == 7, "\(orderSync)")
                #expect(try await woo.count("orders") == 6, "the pending order is not counted until it is paid")
                #expect(await fake.count("woo orders page") == 3)
                let customerSync = try await app.request(.get, "/api/integrations/woocommerce/customers").json
                #expect(customerSync["status"].string == "done" && customerSync["items_done"].number == 4)
                #expect(try await woo.count("contacts") == 10)
            }
        }
    }
}

@Suite("Shop catch-up")
struct ShopCatchUpTests {
    @Test("each WooCommerce connection gets one catch-up per interval, asking for orders modified since the last one began", arguments: Engine.available)
    func catchUp(engine: Engine) async throws {
        let fake = FakeShop()
        await fake.set(woo: [ShopPayloads.wooOrder(id: 41, total: "12.00")])
        try await FakeShop.run(fake) { url in
            try await TestApp.with(engine) { app in
                let woo = try await ShopFixture.wooCommerce(app, shopURL: url)
                _ = try await ShopFixture.shopify(app, shopURL: url)
                let worker = ShopCatchUpWorker(
                    integrations: app.services.integrations, syncs: ShopSyncStore(database: app.database), interval: 900, logger: TestDatabase.logger)
                let second = ShopCatchUpWorker(
                    integrations: app.services.integrations, syncs: ShopSyncStore(database: app.database), interval: 900, logger: TestDatabase.logger)
                #expect(try await worker.startDue() == 1, "the WooCommerce connection only")
                #expect(try await second.startDue() == 0, "another server finds it started")
                try await ShopSyncTests().runSyncs(app)
                #expect(try await woo.count("orders") == 1)
                #expect(try await worker.startDue() == 0, "not due again before the interval")
                let sync = try await app.request(.get, "/api/integrations/\(woo.integrationID)/syncs").json["data"][0]
                #expect(sync["resource"].string == "catchup" && sync["status"].string == "done" && sync["modified_after"].string != nil)
                let requests = await fake.requests
                #expect(requests.contains { $0.hasPrefix("woo orders page 1 modified_after=20") }, "\(requests)")
            }
        }
    }
}
