import Foundation

/// Phone-number forms the Cloud API expects.
public enum WhatsAppRecipient {
    /// The digits of a phone number, as the Cloud API's `to` field wants them: `+91 98123-45678` → `919812345678`.
    public static func digits(fromE164 number: String) -> String {
        String(number.unicodeScalars.filter { $0.value >= 48 && $0.value <= 57 }.map(Character.init))
    }

    /// Whether the number is in the North American Numbering Plan (`+1`): Meta does not deliver
    /// marketing templates to US numbers, so campaigns need to know.
    public static func isNANP(_ e164: String) -> Bool {
        e164.trimmingCharacters(in: .whitespaces).hasPrefix("+1")
    }
}
