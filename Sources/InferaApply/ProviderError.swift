import InferaHTTP

/// A failure a user can act on: names the resource, says what went wrong in one line, and what to do.
/// Providers map HTTP errors, error bodies and unexpected JSON to this; the CLI prints
/// `Error: <resource>: <message>` and `  Hint: <hint>` and exits 1.
public struct ProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// No response from the endpoint (DNS, refused, timeout, TLS).
        case unreachable
        /// 401/403: the credentials are wrong or lack permission.
        case authentication
        /// The provider rejected the request (4xx with its error body).
        case rejected
        /// The provider answered something infera does not understand (unexpected JSON shape).
        case unexpectedResponse
        /// 5xx / throttling after every retry.
        case unavailable
        /// A long operation did not finish in time, or ended in an error state.
        case operationFailed
        /// Refused by infera's own safety rules (stale plan, replacement without --allow-replace …).
        case refused
        /// Anything else.
        case other
    }

    public var kind: Kind
    /// The resource address (`upstash_redis_database.main`) or what was being done (`list databases`).
    public var resource: String
    public var message: String
    public var hint: String
    public var status: Int?

    public init(_ kind: Kind, resource: String, message: String, hint: String, status: Int? = nil) {
        self.kind = kind
        self.resource = resource
        self.message = message
        self.hint = hint
        self.status = status
    }

    public var description: String { "\(resource): \(message)" }

    /// A transport failure as a provider error (the usual hint: check the endpoint, proxy and CA bundle).
    public static func unreachable(_ e: HTTPError, resource: String, endpointVariable: String) -> ProviderError {
        let hint: String
        switch e.kind {
        case .tls: hint = "check the system CA bundle (CURL_CA_BUNDLE / SSL_CERT_FILE) and any TLS-intercepting proxy"
        case .timedOut: hint = "the endpoint is slow or unreachable; check your network, HTTPS_PROXY / NO_PROXY, and \(endpointVariable) if set, then re-run (the journal keeps the run resumable)"
        default: hint = "check your network, HTTPS_PROXY / NO_PROXY, and \(endpointVariable) if set; then re-run"
        }
        return ProviderError(.unreachable, resource: resource, message: e.description, hint: hint)
    }
}

/// Credentials for a provider are not configured. `plan` falls back to an offline plan and says
/// so; `apply`, `destroy`, `status` and `output` fail with the hint.
public struct MissingCredentials: Error, Sendable, Hashable, CustomStringConvertible {
    public var provider: String
    public var hint: String
    public init(provider: String, hint: String) {
        self.provider = provider
        self.hint = hint
    }
    public var description: String { "no \(provider) credentials found; \(hint)" }
}
