import Testing

@testable import WhatsApp

@Suite("Cloud API requests")
struct CloudAPIRequestTests {
    let endpoint = CloudAPIEndpoint(baseURL: "http://127.0.0.1:9090/", version: "v21.0")
    let credentials = WhatsAppCredentials(phoneNumberID: "106540352242922", wabaID: "102290129340398", accessToken: "EAAG-token")

    @Test("a trailing slash on the base URL is dropped")
    func baseURL() {
        #expect(endpoint.baseURL == "http://127.0.0.1:9090")
        #expect(CloudAPIEndpoint.production.baseURL == "https://graph.facebook.com")
    }

    @Test("messages are POSTed as JSON to the phone number's messages edge with a bearer token")
    func sendRequest() {
        let body = TextMessage(to: "919812345678", body: "hi").jsonBody()
        let request = CloudAPIRequest.sendMessage(body, endpoint: endpoint, credentials: credentials)
        #expect(request.method == .post)
        #expect(request.url == "http://127.0.0.1:9090/v21.0/106540352242922/messages")
        #expect(request.headers == ["Authorization": "Bearer EAAG-token", "Content-Type": "application/json"])
        #expect(request.body == body)
    }

    @Test("templates are listed 100 at a time, continuing after an escaped cursor")
    func listRequests() {
        let first = CloudAPIRequest.listTemplates(after: nil, endpoint: endpoint, credentials: credentials)
        #expect(first.method == .get)
        #expect(first.url == "http://127.0.0.1:9090/v21.0/102290129340398/message_templates?limit=100")
        #expect(first.headers == ["Authorization": "Bearer EAAG-token"])
        let next = CloudAPIRequest.listTemplates(after: "QVFIUk9+/=", endpoint: endpoint, credentials: credentials)
        #expect(next.url == "http://127.0.0.1:9090/v21.0/102290129340398/message_templates?limit=100&after=QVFIUk9%2B%2F%3D")
    }

    @Test("paging stops without paging.next, on an empty page, and on a repeated cursor")
    func pagingStops() {
        var seen: Set<String> = []
        let template = TemplateDefinition(name: "t", language: "en", category: "UTILITY", components: [])
        let more = TemplatePage(templates: [template], afterCursor: "A", next: "https://graph.facebook.com/next")
        #expect(
            CloudAPIClient.nextRequest(after: more, endpoint: endpoint, credentials: credentials, seenCursors: &seen)?.url.hasSuffix("after=A")
                == true
        )
        #expect(CloudAPIClient.nextRequest(after: more, endpoint: endpoint, credentials: credentials, seenCursors: &seen) == nil)
        let last = TemplatePage(templates: [template], afterCursor: "B", next: nil)
        #expect(CloudAPIClient.nextRequest(after: last, endpoint: endpoint, credentials: credentials, seenCursors: &seen) == nil)
        let empty = TemplatePage(templates: [], afterCursor: "C", next: "https://graph.facebook.com/next")
        #expect(CloudAPIClient.nextRequest(after: empty, endpoint: endpoint, credentials: credentials, seenCursors: &seen) == nil)
        let nextOnly = TemplatePage(templates: [template], afterCursor: nil, next: "http://127.0.0.1:9090/v21.0/x?after=D")
        #expect(
            CloudAPIClient.nextRequest(after: nextOnly, endpoint: endpoint, credentials: credentials, seenCursors: &seen)?.url
                == "http://127.0.0.1:9090/v21.0/x?after=D"
        )
        for elsewhere in ["https://graph.facebook.com/v21.0/x?after=E", "http://127.0.0.1:90901/v21.0/x", "http://127.0.0.1:9090@evil.example/v21.0/x"] {
            let foreign = TemplatePage(templates: [template], afterCursor: nil, next: elsewhere)
            #expect(CloudAPIClient.nextRequest(after: foreign, endpoint: endpoint, credentials: credentials, seenCursors: &seen) == nil, "\(elsewhere)")
        }
    }

    @Test("templates are created on the WABA and the phone number is read by its ID")
    func otherRequests() {
        let draft = TemplateDefinition(name: "t", language: "en", category: "UTILITY", components: [.body("x")])
        let create = CloudAPIRequest.createTemplate(draft, endpoint: endpoint, credentials: credentials)
        #expect(create.method == .post)
        #expect(create.url == "http://127.0.0.1:9090/v21.0/102290129340398/message_templates")
        #expect(create.headers["Content-Type"] == "application/json")
        let info = CloudAPIRequest.phoneNumberInfo(endpoint: endpoint, credentials: credentials)
        #expect(info.method == .get)
        #expect(info.url == "http://127.0.0.1:9090/v21.0/106540352242922")
    }

    @Test("media is uploaded as multipart with messaging_product, type and file")
    func mediaUpload() {
        let form = MultipartForm.mediaUpload(bytes: [0xFF, 0xD8, 0xFF], mimeType: "image/jpeg", filename: "a\"b.jpg", boundary: "XYZ")
        let request = CloudAPIRequest.uploadMedia(form, endpoint: endpoint, credentials: credentials)
        #expect(request.url == "http://127.0.0.1:9090/v21.0/106540352242922/media")
        #expect(request.headers["Content-Type"] == "multipart/form-data; boundary=XYZ")
        let expected: [UInt8] =
            Array(
                """
                --XYZ\r
                Content-Disposition: form-data; name="messaging_product"\r
                \r
                whatsapp\r
                --XYZ\r
                Content-Disposition: form-data; name="type"\r
                \r
                image/jpeg\r
                --XYZ\r
                Content-Disposition: form-data; name="file"; filename="a%22b.jpg"\r
                Content-Type: image/jpeg\r
                \r

                """.utf8
            ) + [0xFF, 0xD8, 0xFF] + Array("\r\n--XYZ--\r\n".utf8)
        #expect(request.body == expected)
    }

    @Test("the upload answer gives the media id; the phone number answer its details")
    func responses() {
        #expect(CloudAPIResponse.mediaID(Array(#"{"id":"4490709327384033"}"#.utf8)) == "4490709327384033")
        let info = PhoneNumberInfo(
            jsonBody: Array(
                #"{"verified_name":"Herald Shop","code_verification_status":"VERIFIED","display_phone_number":"+1 555-078-3881","quality_rating":"GREEN","platform_type":"CLOUD_API","throughput":{"level":"STANDARD"},"id":"106540352242922"}"#
                    .utf8
            )
        )
        #expect(
            info == PhoneNumberInfo(id: "106540352242922", displayPhoneNumber: "+1 555-078-3881", verifiedName: "Herald Shop", qualityRating: "GREEN")
        )
        #expect(PhoneNumberInfo(jsonBody: info!.jsonBody()) == info)
    }

    @Test("credentials never print the access token")
    func redacted() {
        #expect(!"\(credentials)".contains("EAAG-token"))
        #expect(!String(reflecting: credentials).contains("EAAG-token"))
    }
}
