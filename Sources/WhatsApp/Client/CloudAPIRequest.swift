/// One HTTP request to the Cloud API, built without I/O so tests can inspect it.
struct CloudAPIRequest: Sendable, Equatable {
    enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
    }

    var method: Method
    var url: String
    var headers: [String: String]
    var body: [UInt8]?

    init(method: Method, url: String, accessToken: String, contentType: String? = nil, body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = ["Authorization": "Bearer \(accessToken)"]
        if let contentType { headers["Content-Type"] = contentType }
        self.body = body
    }
}

extension CloudAPIRequest {
    /// `POST /{phone-number-id}/messages` with a JSON message body.
    static func sendMessage(_ body: [UInt8], endpoint: CloudAPIEndpoint, credentials: WhatsAppCredentials) -> CloudAPIRequest {
        CloudAPIRequest(
            method: .post,
            url: endpoint.url(credentials.phoneNumberID, "messages"),
            accessToken: credentials.accessToken,
            contentType: "application/json",
            body: body
        )
    }

    /// `POST /{phone-number-id}/media` as multipart/form-data.
    static func uploadMedia(_ form: MultipartForm, endpoint: CloudAPIEndpoint, credentials: WhatsAppCredentials) -> CloudAPIRequest {
        CloudAPIRequest(
            method: .post,
            url: endpoint.url(credentials.phoneNumberID, "media"),
            accessToken: credentials.accessToken,
            contentType: form.contentType,
            body: form.body
        )
    }

    /// `GET /{waba-id}/message_templates?limit=100`, continuing after `cursor` when given.
    static func listTemplates(after cursor: String?, endpoint: CloudAPIEndpoint, credentials: WhatsAppCredentials) -> CloudAPIRequest {
        var url = endpoint.url(credentials.wabaID, "message_templates") + "?limit=100"
        if let cursor { url += "&after=" + URLQuery.escape(cursor) }
        return CloudAPIRequest(method: .get, url: url, accessToken: credentials.accessToken)
    }

    /// A `paging.next` URL given by the API, followed as is.
    static func nextPage(_ url: String, credentials: WhatsAppCredentials) -> CloudAPIRequest {
        CloudAPIRequest(method: .get, url: url, accessToken: credentials.accessToken)
    }

    /// `POST /{waba-id}/message_templates` with the draft's name, language, category, parameter format and components.
    static func createTemplate(
        _ draft: TemplateDefinition,
        endpoint: CloudAPIEndpoint,
        credentials: WhatsAppCredentials
    ) -> CloudAPIRequest {
        CloudAPIRequest(
            method: .post,
            url: endpoint.url(credentials.wabaID, "message_templates"),
            accessToken: credentials.accessToken,
            contentType: "application/json",
            body: TemplateCreation.requestBody(for: draft)
        )
    }

    /// `GET /{phone-number-id}`.
    static func phoneNumberInfo(endpoint: CloudAPIEndpoint, credentials: WhatsAppCredentials) -> CloudAPIRequest {
        CloudAPIRequest(method: .get, url: endpoint.url(credentials.phoneNumberID), accessToken: credentials.accessToken)
    }
}

/// Percent-encoding for query values (cursors are base64 and may contain `=`, `+` and `/`).
enum URLQuery {
    static func escape(_ value: String) -> String {
        var result = ""
        for byte in value.utf8 {
            let scalar = Unicode.Scalar(byte)
            if ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || "-._~".unicodeScalars.contains(scalar)
            {
                result.unicodeScalars.append(scalar)
            } else {
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }
}
