import Foundation
import Hummingbird

/// What a console form needs of the signed-in role.
enum FormPermission {
    case write, manage

    func allows(_ role: Role) -> Bool { self == .write ? role.canWrite : role.canManage }
}

extension WebPages {
    /// Reads a POSTed console form for a signed-in user and checks its CSRF token.
    func postedForm(_ request: Request, _ context: AppRequestContext) async throws -> (FormData, Access) {
        let access = try requireSession(context)
        let form = try await FormData.read(request, context: context)
        try checkForm(form, access)
        return (form, access)
    }

    /// The values a page shows after a refused form: the message on top and, when the error names a field, next to it.
    static func errorValues(_ error: APIError, prefix: String = "") -> [String: Any] {
        var values: [String: Any] = ["error": error.message]
        if let field = error.field { values["errors"] = [Self.formField(field, prefix: prefix): error.message] }
        return values
    }

    /// A text for a mustache section: a blank or missing text is `false`, as mustache treats any string, even "", as true.
    static func present(_ text: String?) -> Any {
        guard let text, !text.isEmpty else { return false }
        return text
    }

    /// Maps an API field path (`variables.1.field`, `audience.type`) to the console form's slot for it.
    static func formField(_ field: String, prefix: String) -> String {
        let name = field.hasPrefix(prefix) ? String(field.dropFirst(prefix.count)) : field
        if name.hasPrefix("budget.") { return "budget_" + name.dropFirst("budget.".count) }
        if name.hasPrefix("variables.") {
            let key = name.dropFirst("variables.".count)
            return "var_" + (key.hasSuffix(".field") || key.hasSuffix(".text") ? String(key[..<key.lastIndex(of: ".")!]) : String(key))
        }
        return name.split(separator: ".").first.map(String.init) ?? name
    }
}

extension FormData {
    /// A trimmed value, nil when missing or blank.
    func text(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// The listed fields as a JSON object for the API's readers; blank fields are left out, so they count as not given.
    func json(_ names: [String], numbers: Set<String> = []) -> JSONValue {
        var object: [String: JSONValue] = [:]
        for name in names {
            guard let value = text(name) else { continue }
            if numbers.contains(name), let number = Double(value) { object[name] = .number(number) } else { object[name] = .string(value) }
        }
        return .object(object)
    }

    /// The values to show again in a form after an error, without any secret the user typed.
    func redisplayed(dropping secrets: Set<String> = []) -> [String: String] {
        values.filter { $0.key != "_csrf" && !secrets.contains($0.key) }
    }
}
