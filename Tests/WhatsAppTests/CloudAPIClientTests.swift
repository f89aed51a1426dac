import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Testing

@testable import WhatsApp

@Suite("Cloud API client over HTTP")
struct CloudAPIClientTests {
    let credentials = WhatsAppCredentials(phoneNumberID: "106540352242922", wabaID: "102290129340398", accessToken: "EAAG-token")

    func client(_ server: StubCloudAPIServer, timeout: TimeAmount = .seconds(5)) -> CloudAPIClient {
        CloudAPIClient(
            httpClient: .shared,
            endpoint: CloudAPIEndpoint(baseURL: server.baseURL, version: "v21.0"),
            credentials: credentials,
            timeout: timeout
        )
    }

    @Test("a template is POSTed with the bearer token and its JSON body, and the wamid comes back")
    func sendTemplate() async throws {
        let server = try await StubCloudAPIServer { _ in
            (
                .ok,
                #"{"messaging_product":"whatsapp","contacts":[{"input":"919812345678","wa_id":"919812345678"}],"messages":[{"id":"wamid.OK","message_status":"accepted"}]}"#
            )
        }
        let message = TemplateMessage(
            to: "+919812345678",
            templateName: "spring_sale",
            languageCode: "en_US",
            body: [TemplateParameter(text: "Jess")]
        )
        let result = try await client(server).send(message)
        try await server.stop()

        #expect(result == SendResult(wamid: "wamid.OK", waID: "919812345678", messageStatus: "accepted"))
        let request = try #require(server.requests.first)
        #expect(request.method == .POST)
        #expect(request.uri == "/v21.0/106540352242922/messages")
        #expect(request.headers["Authorization"] == ["Bearer EAAG-token"])
        #expect(request.headers["Content-Type"] == ["application/json"])
        #expect(request.body == message.jsonBody())
    }

    @Test("an error envelope is thrown as CloudAPIError with its HTTP status")
    func apiError() async throws {
        let server = try await StubCloudAPIServer { _ in
            (
                .badRequest,
                #"{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed"},"fbtrace_id":"X"}}"#
            )
        }
        let error = await #expect(throws: CloudAPIError.self) {
            try await client(server).send(TextMessage(to: "919812345678", body: "hi"))
        }
        try await server.stop()
        #expect(error?.code == 131047)
        #expect(error?.httpStatus == 400)
        #expect(error?.action == .drop)
    }

    @Test("a proxy's HTML error page is a bad response, to be retried")
    func htmlErrorPage() async throws {
        let server = try await StubCloudAPIServer { _ in (.badGateway, "<html>Bad Gateway</html>") }
        let error = await #expect(throws: CloudAPITransportError.self) {
            try await client(server).send(TextMessage(to: "919812345678", body: "hi"))
        }
        try await server.stop()
        #expect(error == .badResponse(status: 502, body: "<html>Bad Gateway</html>"))
        #expect(errorAction(for: try #require(error)) == .retry)
    }

    @Test("a refused connection is unreachable, to be retried")
    func connectionRefused() async throws {
        let server = try await StubCloudAPIServer { _ in (.ok, "{}") }
        // The HTTP client keeps retrying a refused connection until the deadline, so keep it short.
        let closed = client(server, timeout: .milliseconds(500))
        try await server.stop()
        await #expect(throws: CloudAPITransportError.self) {
            try await closed.send(TextMessage(to: "919812345678", body: "hi"))
        }
    }

    @Test("listing templates follows the after cursor until paging.next is gone")
    func listTemplatesPages() async throws {
        let server = try await StubCloudAPIServer { request in
            if request.uri.contains("after=") {
                return (
                    .ok,
                    #"{"data":[{"name":"second","language":"en","status":"PENDING","category":"UTILITY","id":"2","components":[]}],"paging":{"cursors":{"before":"B","after":"C2"}}}"#
                )
            }
            return (
                .ok,
                #"{"data":[{"name":"first","language":"en","status":"APPROVED","category":"MARKETING","id":"1","components":[{"type":"BODY","text":"Hi {{1}}"}]}],"paging":{"cursors":{"before":"A","after":"C1"},"next":"https://graph.facebook.com/v21.0/102290129340398/message_templates?after=C1"}}"#
            )
        }
        let templates = try await client(server).listTemplates()
        try await server.stop()
        #expect(templates.map(\.name) == ["first", "second"])
        #expect(
            server.requests.map(\.uri) == [
                "/v21.0/102290129340398/message_templates?limit=100", "/v21.0/102290129340398/message_templates?limit=100&after=C1",
            ]
        )
        #expect(server.requests.allSatisfy { $0.method == .GET && $0.headers["Authorization"] == ["Bearer EAAG-token"] })
    }

    @Test("paging.next on another host is not followed, so the token stays with the configured base URL")
    func pagingStaysOnHost() async throws {
        let elsewhere = try await StubCloudAPIServer { _ in (.ok, #"{"data":[]}"#) }
        let next = "\(elsewhere.baseURL)/v21.0/102290129340398/message_templates?after=C1"
        let server = try await StubCloudAPIServer { _ in
            (
                .ok,
                #"{"data":[{"name":"first","language":"en","status":"APPROVED","category":"MARKETING","id":"1","components":[]}],"paging":{"next":"\#(next)"}}"#
            )
        }
        let templates = try await client(server).listTemplates()
        try await server.stop()
        try await elsewhere.stop()
        #expect(templates.map(\.name) == ["first"])
        #expect(elsewhere.requests.isEmpty, "the token went to \(elsewhere.baseURL)")
    }

    @Test("media uploads as multipart and returns the media id")
    func uploadMedia() async throws {
        let server = try await StubCloudAPIServer { _ in (.ok, #"{"id":"4490709327384033"}"#) }
        let id = try await client(server).uploadMedia(bytes: [1, 2, 3], mimeType: "image/png", filename: "logo.png")
        try await server.stop()
        #expect(id == "4490709327384033")
        let request = try #require(server.requests.first)
        #expect(request.uri == "/v21.0/106540352242922/media")
        #expect(request.headers.first(name: "Content-Type")?.hasPrefix("multipart/form-data; boundary=") == true)
        #expect(String(decoding: request.body, as: UTF8.self).contains(#"name="file"; filename="logo.png""#))
    }

    @Test("creating a template and reading the phone number parse Meta's answers")
    func createAndPhoneInfo() async throws {
        let server = try await StubCloudAPIServer { request in
            request.method == .POST
                ? (.ok, #"{"id":"594425479261596","status":"PENDING","category":"MARKETING"}"#)
                : (.ok, #"{"verified_name":"Herald Shop","display_phone_number":"+1 555-078-3881","quality_rating":"GREEN","id":"106540352242922"}"#)
        }
        let api = client(server)
        let created = try await api.createTemplate(
            TemplateDefinition(name: "welcome", language: "en_US", category: "MARKETING", components: [.body("Hi")])
        )
        let info = try await api.phoneNumberInfo()
        try await server.stop()
        #expect(created == TemplateCreation(id: "594425479261596", status: "PENDING", category: "MARKETING"))
        #expect(info.verifiedName == "Herald Shop")
        #expect(server.requests.map(\.uri) == ["/v21.0/102290129340398/message_templates", "/v21.0/106540352242922"])
    }
}
