import Foundation
import Hummingbird

/// The A/B test pages (design section 7): the list, the creation page and a test's monitoring page. The creation
/// page's script posts to `/api/ab-tests/create`; the monitoring page's buttons call the test's API routes and its
/// table follows `/api/ab-tests/{id}/results/events`.
extension WebConsole {
    func addABTestRoutes(to router: Router<AppRequestContext>, pages: WebPages) {
        router.get("static/ab-tests.js") { _, _ in Self.asset(assets.abTestsJS, type: "text/javascript; charset=utf-8") }
        router.get("static/ab-tests-model.js") { _, _ in Self.asset(assets.abTestsModelJS, type: "text/javascript; charset=utf-8") }
        router.get("ab-tests", use: pages.abTests)
        router.get("ab-tests/new", use: pages.newABTest)
        router.get("ab-tests/{id}", use: pages.abTest)
    }
}

extension WebPages {
    var abTestStore: ABTestStore { ABTestStore(database: services.messaging.database, campaigns: services.messaging.campaigns) }
    var abTestResults: ABTestResultsReader { ABTestResultsReader(database: services.messaging.database) }

    @Sendable func abTests(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        return try await abTestsPage(access: access, values: [:])
    }

    func abTestsPage(access: Access, values extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let zone = try await services.workspaces.find(id: access.workspaceID)?.timeZone ?? "UTC"
        var rows: [[String: Any]] = []
        for test in try await abTestStore.list(workspaceID: access.workspaceID) {
            // A draft has no numbers; a started test's leader comes from its results (one evaluation per test on the page).
            let results = test.status == .draft ? nil : try await abTestResults.results(for: test)
            rows.append([
                "id": test.id.uuidString.lowercased(), "name": test.name, "status": test.status.rawValue,
                "statusWords": ABTestPageModel.statusWords(test.status), "metric": ABTestPageModel.metricWords(test.settings.successMetric),
                "variations": test.variations.map(\.name).joined(separator: ", "), "variationCount": test.variations.count,
                "leader": ABTestPageModel.leaderOrWinner(test, results: results),
                "started": test.startedAt.map { Self.display($0, timeZone: zone) } ?? "—",
                "timeLeft": ABTestPageModel.timeLeft(results?.timeLeftSeconds),
            ])
        }
        var values: [String: Any] = ["tests": rows, "hasTests": !rows.isEmpty]
        values.merge(extra) { $1 }
        return console.render("ab-tests", title: "A/B tests", path: "/ab-tests", access: access, values: values, status: status)
    }

    @Sendable func newABTest(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        guard access.role.canWrite else {
            return try await abTestsPage(access: access, values: ["error": "Your role cannot create A/B tests."], status: .forbidden)
        }
        let values = try await ABTestFormModel(pages: self, access: access).values()
        return console.render("ab-test-new", title: "New A/B test", path: "/ab-tests", access: access, values: values)
    }

    @Sendable func abTest(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try requireSession(context)
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let test = try await abTestStore.find(workspaceID: access.workspaceID, id: id)
        else { throw HTTPError(.notFound) }
        var values = try await ABTestPageModel(pages: self, access: access, test: test).values()
        if let notice = FormData.query(request)["done"].flatMap({ Self.abTestNotices[$0] }) { values["notice"] = notice }
        return console.render("ab-test", title: test.name, path: "/ab-tests", access: access, values: values)
    }

    static let abTestNotices = [
        "created": "A/B test saved as a draft. Check it, then start it.", "started": "Test started: the test audience is being sent.",
        "declared": "Winner declared.", "stopped": "Test stopped; messages not sent yet will not be sent.",
    ]

    /// The "Part of A/B test …" link on a campaign's page.
    func abTestLink(_ campaign: Campaign) async throws -> [String: Any] {
        guard let test = try await abTestStore.tests(workspaceID: campaign.workspaceID, campaignIDs: [campaign.id])[campaign.id] else { return [:] }
        return ["abTest": ["id": test.id.uuidString.lowercased(), "name": test.name]]
    }
}
