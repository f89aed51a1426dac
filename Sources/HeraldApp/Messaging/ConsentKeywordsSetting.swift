import Foundation
import WhatsApp

/// The opt-out and opt-in words a workspace recognises, stored as JSON on the workspace.
/// An unset or unreadable value means the built-in lists.
struct ConsentKeywordsSetting {
    static func decode(_ text: String?) -> ConsentKeywords {
        guard let text, let data = text.data(using: .utf8),
            let decoded = try? JSONDecoder().decode(ConsentKeywords.self, from: data)
        else { return .defaults }
        return decoded
    }
}
