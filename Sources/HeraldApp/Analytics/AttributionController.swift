import Analytics
import Foundation
import Hummingbird
import Storage

/// `GET/PUT /api/settings/attribution`: the workspace's attribution model and windows (docs/analytics.md, "Attribution").
struct AttributionController {
    let database: Database

    /// Windows run from one hour to 90 days.
    static let windowHours: ClosedRange<Int64> = 1...(90 * 24)

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("settings/attribution", use: show)
        group.put("settings/attribution", use: update)
    }

    struct Body: Encodable {
        let model: String
        let clickWindowHours: Int
        let readWindowHours: Int
        /// True when this request changed the settings and every order is being attributed again.
        let reattributing: Bool?

        init(_ settings: Attribution.Settings, reattributing: Bool? = nil) {
            model = settings.model.rawValue
            clickWindowHours = settings.clickWindowSeconds / 3600
            readWindowHours = settings.readWindowSeconds / 3600
            self.reattributing = reattributing
        }

        enum CodingKeys: String, CodingKey {
            case model, reattributing
            case clickWindowHours = "click_window_hours"
            case readWindowHours = "read_window_hours"
        }
    }

    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let workspaceID = context.access.workspaceID
        let settings = try await database.read { sql in try await AttributionStore.settings(workspaceID: workspaceID, in: sql) }
        return try JSONResponse.make(Body(settings))
    }

    /// Fields left out keep their value.
    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.access.requireAdmin()
        let reader = try FieldReader(try await request.jsonBody(context: context), path: "")
        try reader.rejectUnknown(["model", "click_window_hours", "read_window_hours"])
        let model = try reader.string("model").map { text throws(APIError) -> Attribution.Model in
            guard let model = Attribution.Model(rawValue: text) else { throw APIError.invalid("model", "model must be last_touch or first_touch") }
            return model
        }
        func hours(_ key: String) throws(APIError) -> Int? {
            guard let value = try reader.integer(key) else { return nil }
            guard Self.windowHours.contains(value) else {
                throw APIError.invalid(key, "\(key) must be a whole number of hours from 1 to 2160 (90 days)", code: "out_of_range")
            }
            return Int(value) * 3600
        }
        let click = try hours("click_window_hours"), read = try hours("read_window_hours")
        let workspaceID = context.access.workspaceID
        let (saved, changed) = try await database.transaction { sql in
            var settings = try await AttributionStore.settings(workspaceID: workspaceID, in: sql)
            if let model { settings.model = model }
            if let click { settings.clickWindowSeconds = click }
            if let read { settings.readWindowSeconds = read }
            return (settings, try await AttributionStore.save(settings, workspaceID: workspaceID, in: sql))
        }
        if changed {
            context.logger.info("attribution settings changed; orders will be attributed again")
        }
        return try JSONResponse.make(Body(saved, reattributing: changed))
    }
}
