import InferaHTTP

/// Authorized JSON calls to Google APIs through the shared `HTTPClient` with `RetryPolicy.gcp`
/// (providers.md §1.7): 429 / 503 / 504 retried for every method, 500 / 502 and lost connections
/// only for calls that are safe to repeat, and one token refresh on 401.
public struct GCPClient: Sendable {
    /// How safe a call is to repeat.
    public enum Repeat: Sendable {
        /// GET, operations polling, create with a client-chosen id: retry 5xx and network errors too.
        case safe
        /// By method: only what the server says it did not process (429 / 503 / 504).
        case byMethod
        /// Never repeated by the client (addVersion): the caller re-reads state and decides.
        case never
    }

    public let http: HTTPClient
    public let clock: any InferaClock
    public let tokens: TokenCache
    /// Extra headers on every call (`x-goog-user-project` for user credentials).
    public var extraHeaders: [String: String]

    public init(http: HTTPClient, clock: any InferaClock, tokens: TokenCache, extraHeaders: [String: String] = [:]) {
        self.http = http
        self.clock = clock
        self.tokens = tokens
        self.extraHeaders = extraHeaders
    }

    /// Sends one call and returns the final response (2xx or the last error response). Throws
    /// `GCPError(.transport)` when no answer came after the retries, and credential errors from the token source.
    public func call(_ method: HTTPMethod, _ url: String, json body: [UInt8]? = nil, repeat policy: Repeat = .safe) async throws -> HTTPResponse {
        var headers = HTTPHeaders(extraHeaders.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        if body != nil { headers["Content-Type"] = "application/json" }
        let retryable: Bool? = switch policy {
        case .safe: true
        case .byMethod: nil
        case .never: false
        }
        let request = HTTPRequest(method: method, url: url, headers: headers, body: body ?? [], retryable: retryable)
        do {
            return try await http.send(request)
        } catch let e as HTTPError {
            throw GCPError(.transport, "\(method.rawValue) \(hostOf(url)): no answer (\(e.kind.rawValue): \(e.message))",
                           hint: "check the network, HTTPS_PROXY / NO_PROXY and the endpoint overrides (CLOUDSDK_API_ENDPOINT_OVERRIDES_REDIS / _SECRETMANAGER); re-run, infera resumes where it stopped")
        }
    }
}
