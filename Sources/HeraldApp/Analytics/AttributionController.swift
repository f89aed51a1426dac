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
        let change = try Change(try FieldReader(try await request.jsonBody(context: context), path: ""))
        let (saved, changed) = try await change.save(workspaceID: context.access.workspaceID, in: database)
        if changed { context.logger.info("attribution settings changed; orders will be attributed again") }
        return try JSONResponse.make(Body(saved, reattributing: changed))
    }

    /// A validated change of the settings (from the API or the console form); nil fields keep their value.
    struct Change: Sendable {
        var model: Attribution.Model?
        var clickWindowSeconds: Int?
        var readWindowSeconds: Int?

        init(_ reader: FieldReader) throws(APIError) {
            try reader.rejectUnknown(["model", "click_window_hours", "read_window_hours"])
            if let text = try reader.string("model") {
                guard let model = Attribution.Model(rawValue: text) else { throw APIError.invalid("model", "model must be last_touch or first_touch") }
                self.model = model
            }
            func seconds(_ key: String) throws(APIError) -> Int? {
                guard let value = try reader.integer(key) else { return nil }
                guard AttributionController.windowHours.contains(value) else {
                    throw APIError.invalid(key, "\(key) must be a whole number of hours from 1 to 2160 (90 days)", code: "out_of_range")
                }
                return Int(value) * 3600
            }
            clickWindowSeconds = try seconds("click_window_hours")
            readWindowSeconds = try seconds("read_window_hours")
        }

        /// Applies the change in one transaction; true when the settings changed (and a rebuild was requested).
        func save(workspaceID: UUID, in database: Database) async throws -> (Attribution.Settings, Bool) {
            try await database.transaction { sql in
                var settings = try await AttributionStore.settings(workspaceID: workspaceID, in: sql)
                if let model { settings.model = model }
                if let clickWindowSeconds { settings.clickWindowSeconds = clickWindowSeconds }
                if let readWindowSeconds { settings.readWindowSeconds = readWindowSeconds }
                return (settings, try await AttributionStore.save(settings, workspaceID: workspaceID, in: sql))
            }
        }
    }
}
