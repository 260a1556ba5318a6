/// A request that got no HTTP response. (An HTTP error status is a response, not an `HTTPError`.)
public struct HTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// DNS failure, connection refused, host unreachable.
        case cannotConnect
        /// Connect or total timeout passed.
        case timedOut
        /// TLS handshake or certificate verification failed.
        case tls
        /// The connection was reset or closed before a full response arrived.
        case connectionLost
        /// The URL is not an absolute http(s) URL.
        case invalidURL
        /// Anything else libcurl reports.
        case other
    }

    public var kind: Kind
    /// Method and URL of the request (query redacted by the client before it is shown).
    public var url: String
    /// The transport's own words (libcurl's error buffer).
    public var message: String

    public init(_ kind: Kind, url: String, message: String) {
        self.kind = kind
        self.url = url
        self.message = message
    }

    /// True when the request may not have reached the server's application at all, or the
    /// answer was lost: a retry is safe for idempotent requests.
    public var isTransient: Bool { kind == .cannotConnect || kind == .timedOut || kind == .connectionLost }

    public var description: String {
        switch kind {
        case .cannotConnect: "cannot connect to \(url): \(message)"
        case .timedOut: "request to \(url) timed out: \(message)"
        case .tls: "TLS failure talking to \(url): \(message)"
        case .connectionLost: "connection to \(url) was lost: \(message)"
        case .invalidURL: "invalid URL \(url): \(message)"
        case .other: "request to \(url) failed: \(message)"
        }
    }
}
