/// Sends one request and returns one response, with no retries. `CurlTransport` is the real one;
/// tests use `FakeHTTPTransport` (InferaTestSupport). Throws `HTTPError` when no response arrived.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// Settings of the real transport, normally read from the environment (`TransportSettings.fromEnvironment`).
public struct TransportSettings: Sendable, Hashable {
    /// Seconds to establish a connection (TCP + TLS).
    public var connectTimeout: Double
    /// Seconds for the whole request, unless the request sets its own.
    public var totalTimeout: Double
    /// PEM bundle of trusted CAs (`CURL_CA_BUNDLE`, else `SSL_CERT_FILE`); nil uses libcurl's system default.
    public var caBundle: String?
    /// Proxy for https:// URLs (`HTTPS_PROXY` / `https_proxy`).
    public var httpsProxy: String?
    /// Proxy for http:// URLs (`HTTP_PROXY` / `http_proxy`).
    public var httpProxy: String?
    /// Hosts that bypass the proxy (`NO_PROXY` / `no_proxy`), comma separated, libcurl syntax.
    public var noProxy: String?
    /// `User-Agent` sent with every request.
    public var userAgent: String

    public init(connectTimeout: Double = 10, totalTimeout: Double = 60, caBundle: String? = nil, httpsProxy: String? = nil,
                httpProxy: String? = nil, noProxy: String? = nil, userAgent: String = "infera/\(InferaHTTPVersion.current)") {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.caBundle = caBundle
        self.httpsProxy = httpsProxy
        self.httpProxy = httpProxy
        self.noProxy = noProxy
        self.userAgent = userAgent
    }

    /// Reads `CURL_CA_BUNDLE`, `SSL_CERT_FILE`, `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` (either case),
    /// `INFERA_HTTP_TIMEOUT` and `INFERA_HTTP_CONNECT_TIMEOUT` (seconds) from `env`.
    public static func fromEnvironment(_ env: [String: String], version: String = InferaHTTPVersion.current) -> TransportSettings {
        func v(_ names: String...) -> String? {
            for n in names { if let x = env[n], !x.isEmpty { return x } }
            return nil
        }
        var s = TransportSettings(userAgent: "infera/\(version)")
        s.caBundle = v("CURL_CA_BUNDLE", "SSL_CERT_FILE")
        s.httpsProxy = v("HTTPS_PROXY", "https_proxy")
        s.httpProxy = v("HTTP_PROXY", "http_proxy")
        s.noProxy = v("NO_PROXY", "no_proxy")
        if let t = v("INFERA_HTTP_TIMEOUT").flatMap(Double.init), t > 0 { s.totalTimeout = t }
        if let t = v("INFERA_HTTP_CONNECT_TIMEOUT").flatMap(Double.init), t > 0 { s.connectTimeout = t }
        return s
    }
}

/// The version in the default User-Agent (the CLI passes its own).
public enum InferaHTTPVersion {
    public static let current = "0.1.0"
}
