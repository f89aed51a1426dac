import WhatsApp

/// What people are told when a call to the Cloud API fails. A remote body is never repeated: the
/// host may not be Meta, and its answer is not ours to show (the server log has the details).
enum CloudAPIFailure {
    static func summary(_ error: any Error, baseURL: String) -> String {
        switch error {
        case let error as CloudAPIError: "Meta refused the request: (#\(error.code)) \(error.message)"
        case CloudAPITransportError.badResponse(let status, _): "\(baseURL) answered HTTP \(status), not a Cloud API response"
        case CloudAPITransportError.unreachable(let reason): "Could not reach \(baseURL): \(reason)"
        case let error as APIError: error.message
        default: "Could not reach \(baseURL)"
        }
    }
}
