import Foundation

/// A consent change a user asked for in a message or a button tap.
public enum ConsentIntent: Sendable, Equatable, Hashable {
    case optOut
    case optIn
}

/// The words that opt a user out of or back into marketing messages when sent on their own.
///
/// A message must be the keyword and nothing else (after `ConsentText.normalize`): "stop!" opts out,
/// "please stop sending" does not. Matching substrings would suppress contacts who wrote
/// "don't stop the offers".
public struct ConsentKeywords: Sendable, Equatable, Codable {
    public var optOut: [String]
    public var optIn: [String]

    public init(optOut: [String], optIn: [String]) {
        self.optOut = optOut
        self.optIn = optIn
    }

    /// English keywords and common local forms for Herald's markets.
    public static let defaults = ConsentKeywords(
        optOut: [
            "STOP", "STOP PROMOTIONS", "STOP ALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPT OUT", "OPTOUT", "UNSUB",
            "PARAR", "BAJA", "DAR DE BAJA", "DETENER",  // es, pt
            "ARRET", "ARRÊT", "DESABONNER", "DÉSABONNER",  // fr
            "STOPP", "ABMELDEN",  // de
            "FERMATI", "DISISCRIVITI",  // it
            "SAIR", "CANCELAR", "DESCADASTRAR",  // pt
            "रोकें", "बंद करो", "बंद",  // hi
            "توقف", "إيقاف",  // ar
            "BERHENTI",  // id, ms
            "DURDUR",  // tr
        ],
        optIn: [
            "START", "RESUME", "SUBSCRIBE", "UNSTOP", "YES START", "OPT IN", "OPTIN",
            "COMEÇAR", "INICIAR", "REANUDAR",  // pt, es
            "REPRENDRE", "ABONNER",  // fr
            "ANMELDEN", "STARTEN",  // de
            "ISCRIVITI", "RIPRENDI",  // it
            "शुरू", "शुरू करो",  // hi
            "ابدأ",  // ar
            "MULAI",  // id, ms
            "BAŞLA",  // tr
        ]
    )

    /// Payloads of the "Stop promotions" quick-reply button Herald puts on marketing templates.
    public static let stopPromotionsPayloads: Set<String> = ["STOP_PROMO", "STOP_PROMOTIONS", "STOP PROMOTIONS"]

    /// The consent change a message asks for, or nil when it is anything but a keyword on its own.
    /// Opting out wins if a keyword is in both lists.
    public func intent(of text: String) -> ConsentIntent? {
        let message = ConsentText.normalize(text)
        guard !message.isEmpty else { return nil }
        if optOut.contains(where: { ConsentText.normalize($0) == message }) { return .optOut }
        if optIn.contains(where: { ConsentText.normalize($0) == message }) { return .optIn }
        return nil
    }

    /// The consent change a quick-reply tap asks for: a stop-promotions payload opts out;
    /// otherwise the payload is read like a message.
    public func intent(ofButtonPayload payload: String) -> ConsentIntent? {
        let trimmed = payload.trimmingCharacters(in: .whitespacesAndNewlines)
        if Self.stopPromotionsPayloads.contains(trimmed) || Self.stopPromotionsPayloads.contains(trimmed.uppercased()) {
            return .optOut
        }
        return intent(of: trimmed)
    }
}
