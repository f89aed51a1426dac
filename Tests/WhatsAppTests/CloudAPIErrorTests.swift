import Testing

@testable import WhatsApp

@Suite("Cloud API error envelopes")
struct CloudAPIErrorTests {
    let envelope = #"""
        {"error":{"message":"(#131030) Recipient phone number not in allowed list","type":"OAuthException","code":131030,
         "error_data":{"messaging_product":"whatsapp","details":"Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again."},
         "error_subcode":2494010,"fbtrace_id":"AbCdEf123"}}
        """#

    @Test("every field of Meta's error envelope is read")
    func parsesEnvelope() throws {
        let error = try #require(CloudAPIError(httpStatus: 400, jsonBody: Array(envelope.utf8)))
        #expect(error.httpStatus == 400)
        #expect(error.code == 131030)
        #expect(error.subcode == 2_494_010)
        #expect(error.message == "(#131030) Recipient phone number not in allowed list")
        #expect(error.details?.hasPrefix("Recipient phone number not in allowed list:") == true)
        #expect(error.type == "OAuthException")
        #expect(error.fbtraceID == "AbCdEf123")
    }

    @Test("a non-2xx answer with an envelope throws the CloudAPIError")
    func checkThrowsAPIError() {
        #expect(throws: CloudAPIError.self) {
            try CloudAPIResponse.check(status: 400, body: Array(envelope.utf8))
        }
    }

    @Test("a non-2xx answer without an envelope throws badResponse with the body")
    func checkThrowsBadResponse() {
        #expect(throws: CloudAPITransportError.badResponse(status: 502, body: "<html>Bad Gateway</html>")) {
            try CloudAPIResponse.check(status: 502, body: Array("<html>Bad Gateway</html>".utf8))
        }
        #expect(CloudAPIError(httpStatus: 500, jsonBody: Array(#"{"error":{"message":"no code"}}"#.utf8)) == nil)
    }

    @Test("a 2xx answer that is not the expected JSON is a bad response")
    func unreadableSuccess() {
        #expect(throws: CloudAPITransportError.self) {
            _ = try CloudAPIResponse.decode(status: 200, body: Array("ok".utf8), SendResult.init(jsonBody:))
        }
    }

    @Test("the envelope the simulator writes parses back into the same error")
    func roundTrip() {
        let error = CloudAPIError(
            httpStatus: 400,
            code: 132001,
            subcode: 2_494_073,
            message: "(#132001) Template name does not exist in the translation",
            details: "template name (x) does not exist in en_US",
            type: "OAuthException",
            fbtraceID: "tr4ce"
        )
        #expect(CloudAPIError(httpStatus: 400, jsonBody: error.jsonBody()) == error)
    }

    @Test("errorAction maps API errors by code and anything else to retry")
    func errorActionForAnyError() {
        #expect(errorAction(for: CloudAPIError(httpStatus: 400, code: 131050, message: "")) == .suppressContact)
        #expect(errorAction(for: CloudAPITransportError.unreachable("connection refused")) == .retry)
        #expect(errorAction(for: CloudAPITransportError.badResponse(status: 502, body: "")) == .retry)
        #expect(errorAction(for: CancellationError()) == .retry)
    }

    @Test("an unknown code is dropped on a 4xx answer but retried on a 5xx answer")
    func unknownCodeByStatus() {
        #expect(CloudAPIError(httpStatus: 400, code: 100, message: "Invalid parameter").action == .drop)
        #expect(CloudAPIError(httpStatus: 503, code: 999_999, message: "").action == .retry)
        #expect(CloudAPIError(httpStatus: 500, code: 131026, message: "").action == .drop)
    }
}
