import Testing

@testable import WhatsApp

@Suite("Send responses")
struct SendResultTests {
    @Test("an accepted message gives its wamid, wa_id and status")
    func accepted() throws {
        let body = #"""
            {"messaging_product":"whatsapp","contacts":[{"input":"919812345678","wa_id":"919812345678"}],
             "messages":[{"id":"wamid.HBgLOTE5ODEyMzQ1Njc4FQIAERgSQzQ2","message_status":"accepted"}]}
            """#
        let result = try #require(SendResult(jsonBody: Array(body.utf8)))
        #expect(result == SendResult(wamid: "wamid.HBgLOTE5ODEyMzQ1Njc4FQIAERgSQzQ2", waID: "919812345678", messageStatus: "accepted"))
        #expect(!result.isHeldForQualityAssessment)
    }

    @Test("a message held for quality assessment says so, and wa_id may differ from input")
    func heldAndDifferentWaID() throws {
        let body = #"""
            {"messaging_product":"whatsapp","contacts":[{"input":"+55 11 98765-4321","wa_id":"5511987654321"}],
             "messages":[{"id":"wamid.held","message_status":"held_for_quality_assessment"}]}
            """#
        let result = try #require(SendResult(jsonBody: Array(body.utf8)))
        #expect(result.waID == "5511987654321")
        #expect(result.isHeldForQualityAssessment)
    }

    @Test("an answer without a message id is not a send result")
    func notAResult() {
        #expect(SendResult(jsonBody: Array(#"{"messaging_product":"whatsapp","messages":[]}"#.utf8)) == nil)
        #expect(SendResult(jsonBody: Array("<html>502</html>".utf8)) == nil)
    }

    @Test("the simulator's success body parses back into the same result")
    func roundTrip() throws {
        let result = SendResult(wamid: "wamid.1", waID: "919812345678", messageStatus: "accepted")
        #expect(SendResult(jsonBody: result.jsonBody(input: "919812345678")) == result)
        try expectJSON(
            result.jsonBody(input: "919812345678"),
            equals: #"""
                {"messaging_product":"whatsapp","contacts":[{"input":"919812345678","wa_id":"919812345678"}],
                 "messages":[{"id":"wamid.1","message_status":"accepted"}]}
                """#
        )
    }

    @Test("a message sent by business-scoped user ID gives the user_id Meta answers with")
    func businessScopedAnswer() throws {
        let body = #"""
            {"messaging_product":"whatsapp","contacts":[{"input":"US.13491208655302741918","user_id":"US.13491208655302741918"}],
             "messages":[{"id":"wamid.bsuid","message_status":"accepted"}]}
            """#
        let result = try #require(SendResult(jsonBody: Array(body.utf8)))
        #expect(result == SendResult(wamid: "wamid.bsuid", userID: "US.13491208655302741918", messageStatus: "accepted"))
        #expect(result.waID == nil)
    }

    @Test("an answer with both wa_id and user_id keeps both")
    func bothIdentifiers() throws {
        let body = #"""
            {"messaging_product":"whatsapp","contacts":[{"input":"16505551234","wa_id":"16505551234","user_id":"US.1"}],
             "messages":[{"id":"wamid.both"}]}
            """#
        let result = try #require(SendResult(jsonBody: Array(body.utf8)))
        #expect(result.waID == "16505551234")
        #expect(result.userID == "US.1")
    }

    @Test("a BSUID result's success body carries user_id, not the BSUID as a wa_id, and parses back")
    func businessScopedRoundTrip() throws {
        let result = SendResult(wamid: "wamid.2", userID: "US.1", messageStatus: "accepted")
        try expectJSON(
            result.jsonBody(input: "US.1"),
            equals: #"""
                {"messaging_product":"whatsapp","contacts":[{"input":"US.1","user_id":"US.1"}],
                 "messages":[{"id":"wamid.2","message_status":"accepted"}]}
                """#
        )
        #expect(SendResult(jsonBody: result.jsonBody(input: "US.1")) == result)
    }
}
