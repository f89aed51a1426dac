import Foundation
import Testing

@testable import WhatsApp

@Suite("Consent keywords")
struct ConsentKeywordsTests {
    let keywords = ConsentKeywords.defaults

    @Test(
        "opt-out keywords on their own, in any case, with punctuation and spacing",
        arguments: [
            "STOP", "stop", "Stop", "stop!", "STOP.", " stop ", "stop!!!", "¡stop!", "Stop promotions", "STOP   PROMOTIONS",
            "stop-promotions", "STOP_PROMOTIONS", "stop all", "Unsubscribe", "unsubscribe.", "cancel", "END", "quit", "opt out", "opt-out",
            "OPTOUT", "Opt Out!", "st\u{200B}op",
        ]
    )
    func englishOptOut(text: String) {
        #expect(keywords.intent(of: text) == .optOut)
    }

    @Test(
        "local opt-out forms, with or without accents",
        arguments: [
            "parar", "Baja", "dar de baja", "DETENER", "arrêt", "ARRET", "Arrêt !", "désabonner", "desabonner", "stopp", "Abmelden",
            "fermati", "Disiscriviti", "sair", "Cancelar", "रोकें", "बंद करो", "توقف", "berhenti", "Durdur",
        ]
    )
    func localOptOut(text: String) {
        #expect(keywords.intent(of: text) == .optOut)
    }

    @Test(
        "opt-in keywords",
        arguments: ["START", "start", "Resume", "subscribe!", "unstop", "yes start", "YES  START", "começar", "COMECAR", "iniciar", "reprendre"]
    )
    func optIn(text: String) {
        #expect(keywords.intent(of: text) == .optIn)
    }

    @Test(
        "messages that merely contain a keyword, or are something else, change nothing",
        arguments: [
            "Please stop sending", "don't stop the offers", "stopped", "stopwatch", "STOP STOP", "start date?", "when does the sale end",
            "yes", "no", "", "   ", "!!!", "thanks", "I want to cancel my order", "restart",
        ]
    )
    func negatives(text: String) {
        #expect(keywords.intent(of: text) == nil)
    }

    @Test("the Stop promotions button payloads opt out")
    func stopPromotionsPayloads() {
        #expect(keywords.intent(ofButtonPayload: "STOP_PROMO") == .optOut)
        #expect(keywords.intent(ofButtonPayload: "STOP_PROMOTIONS") == .optOut)
        #expect(keywords.intent(ofButtonPayload: "STOP PROMOTIONS") == .optOut)
        #expect(keywords.intent(ofButtonPayload: "stop_promo") == .optOut)
    }

    @Test("other payloads are read like text")
    func otherPayloads() {
        #expect(keywords.intent(ofButtonPayload: "STOP") == .optOut)
        #expect(keywords.intent(ofButtonPayload: "START") == .optIn)
        #expect(keywords.intent(ofButtonPayload: "SHOP_NOW") == nil)
    }

    @Test("a workspace's own keywords replace the defaults, and survive Codable")
    func customKeywords() throws {
        let custom = ConsentKeywords(optOut: ["ALTO"], optIn: ["SÍ"])
        #expect(custom.intent(of: "alto") == .optOut)
        #expect(custom.intent(of: "si") == .optIn)
        #expect(custom.intent(of: "stop") == nil)
        let data = try JSONEncoder().encode(custom)
        #expect(try JSONDecoder().decode(ConsentKeywords.self, from: data) == custom)
    }

    @Test("normalising trims, collapses and folds")
    func normalize() {
        #expect(ConsentText.normalize("  Stop-Promotions!! ") == "stop promotions")
        #expect(ConsentText.normalize("ARRÊT.") == "arret")
        #expect(ConsentText.normalize("Stop\n\tall") == "stop all")
    }
}
