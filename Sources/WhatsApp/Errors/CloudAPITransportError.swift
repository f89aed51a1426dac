/// The Cloud API could not be reached or did not answer in its own format.
///
/// Callers treat both cases as `ErrorAction.retry`: nothing says the request was wrong.
public enum CloudAPITransportError: Error, Sendable, Equatable {
    /// Connection refused, DNS failure, TLS failure, timeout, connection closed mid-response.
    case unreachable(String)
    /// An answer that is not a Cloud API response, e.g. a proxy's HTML 502 page; `body` is truncated.
    case badResponse(status: Int, body: String)
}

extension CloudAPITransportError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unreachable(let reason): "Cloud API unreachable: \(reason)"
        case .badResponse(let status, let body): "unexpected Cloud API response (HTTP \(status)): \(body)"
        }
    }
}

/// What to do about any error thrown by `CloudAPIClient`: a `CloudAPIError` by its code,
/// anything else (transport failures, unexpected errors) is retried.
public func errorAction(for error: any Error) -> ErrorAction {
    if let apiError = error as? CloudAPIError { return apiError.action }
    return .retry
}
