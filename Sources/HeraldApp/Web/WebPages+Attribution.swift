import Analytics
import Foundation
import Hummingbird

/// The attribution section of Settings: the same settings and checks as `PUT /api/settings/attribution`.
extension WebPages {
    func attributionValues(workspaceID: UUID) async throws -> [String: Any] {
        let settings = try await services.database.read { sql in try await AttributionStore.settings(workspaceID: workspaceID, in: sql) }
        return [
            "attributionModels": Attribution.Model.allCases.map { model -> [String: Any] in
                ["value": model.rawValue, "label": model == .lastTouch ? "Last touch" : "First touch", "selected": model == settings.model]
            },
            "clickWindowHours": settings.clickWindowSeconds / 3600, "readWindowHours": settings.readWindowSeconds / 3600,
        ]
    }

    @Sendable func updateAttribution(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await settingsForm(request, context) { form, access in
            var fields: [String: JSONValue] = [:]
            if let model = form["model"] { fields["model"] = .string(model) }
            for key in ["click_window_hours", "read_window_hours"] {
                guard let text = form[key]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { continue }
                fields[key] = Int64(text).map { .number(Double($0)) } ?? .string(text)
            }
            let change = try AttributionController.Change(try FieldReader(.object(fields), path: ""))
            let (_, changed) = try await change.save(workspaceID: access.workspaceID, in: services.database)
            return ["notice": changed ? "Attribution settings saved: every order is being attributed again." : "Attribution settings saved (unchanged)."]
        }
    }
}
