import Foundation

/// How a message is reduced before it is compared with consent keywords.
public enum ConsentText {
    /// Trims, removes invisible characters, turns `-` and `_` into spaces, strips punctuation at
    /// either end, collapses whitespace, and folds case and diacritics:
    /// `"  Stop-Promotions!! "` → `"stop promotions"`, `"ARRÊT."` → `"arret"`.
    public static func normalize(_ text: String) -> String {
        let visible = text.unicodeScalars.filter { !invisible.contains($0) }
        var cleaned = String(String.UnicodeScalarView(visible))
        cleaned = cleaned.replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "_", with: " ")
        let edges = CharacterSet.whitespacesAndNewlines.union(.punctuationCharacters)
        cleaned = cleaned.trimmingCharacters(in: edges)
        let words = cleaned.components(separatedBy: .whitespacesAndNewlines).filter { !$0.isEmpty }
        return words.joined(separator: " ").folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    /// Zero-width characters some keyboards insert.
    private static let invisible: Set<Unicode.Scalar> = ["\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}"]
}
