/// HTTP methods infera uses.
public enum HTTPMethod: String, Sendable, Hashable, Codable, CaseIterable {
    case GET, HEAD, POST, PUT, PATCH, DELETE

    /// Methods that are safe to repeat by definition (RFC 9110 §9.2.2).
    public var isIdempotent: Bool { [.GET, .HEAD, .PUT, .DELETE].contains(self) }
}

/// Header fields in order; names compare case-insensitively.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [(name: String, value: String)] = []

    public init() {}
    public init(_ fields: [(String, String)]) { self.fields = fields.map { (name: $0.0, value: $0.1) } }
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    /// The first value of `name`, or nil.
    public subscript(_ name: String) -> String? {
        get { fields.first { $0.name.lowercased() == name.lowercased() }?.value }
        set {
            fields.removeAll { $0.name.lowercased() == name.lowercased() }
            if let newValue { fields.append((name: name, value: newValue)) }
        }
    }

    /// Appends a field without removing others of the same name.
    public mutating func add(_ name: String, _ value: String) { fields.append((name: name, value: value)) }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public static func == (a: HTTPHeaders, b: HTTPHeaders) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into h: inout Hasher) {
        for f in fields { h.combine(f.name); h.combine(f.value) }
    }
}

/// A request as a value. `url` is absolute (`https://host/path?query`).
public struct HTTPRequest: Sendable, Hashable {
    public var method: HTTPMethod
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Whether this request may be retried after a failure that could have reached the server:
    /// nil decides by the policy (idempotent methods only), true means the caller re-checks state
    /// afterwards so a repeat is harmless (e.g. a create keyed by a client-chosen id), false never.
    public var retryable: Bool?
    /// Overrides the transport's total timeout for this request (seconds).
    public var timeout: Double?

    public init(method: HTTPMethod, url: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
                retryable: Bool? = nil, timeout: Double? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.retryable = retryable
        self.timeout = timeout
    }

    /// A request with a UTF-8 body and its Content-Type.
    public init(method: HTTPMethod, url: String, headers: HTTPHeaders = HTTPHeaders(), text: String, contentType: String,
                retryable: Bool? = nil) {
        var h = headers
        h["Content-Type"] = contentType
        self.init(method: method, url: url, headers: h, body: Array(text.utf8), retryable: retryable)
    }

    /// The host part of `url` (`host[:port]`), lowercased; empty when the URL has none.
    public var hostKey: String { URLParts(url)?.authority.lowercased() ?? "" }
}

/// How long a request took (seconds).
public struct HTTPTiming: Sendable, Hashable {
    public var total: Double
    public var connect: Double
    /// New connections this request opened (0 when an idle connection was reused).
    public var newConnections: Int
    public init(total: Double = 0, connect: Double = 0, newConnections: Int = 0) {
        self.total = total
        self.connect = connect
        self.newConnections = newConnections
    }
}

/// A response as a value.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var timing: HTTPTiming

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], timing: HTTPTiming = HTTPTiming()) {
        self.status = status
        self.headers = headers
        self.body = body
        self.timing = timing
    }

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), text: String) {
        self.init(status: status, headers: headers, body: Array(text.utf8))
    }

    /// 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
    /// The body as UTF-8 text (invalid sequences repaired).
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// The pieces of an absolute URL infera needs (no percent-decoding).
public struct URLParts: Sendable, Hashable {
    public var scheme: String
    /// `host[:port]`.
    public var authority: String
    /// Path plus query, starting with `/`.
    public var pathAndQuery: String

    public init?(_ url: String) {
        guard let r = url.range(of: "://") else { return nil }
        scheme = url[..<r.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = url[r.upperBound...]
        let slash = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        authority = String(rest[..<slash])
        if authority.isEmpty { return nil }
        let tail = String(rest[slash...])
        pathAndQuery = tail.isEmpty ? "/" : (tail.hasPrefix("?") ? "/" + tail : tail)
    }

    /// The host without port or brackets.
    public var host: String {
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<end])
        }
        if let colon = authority.lastIndex(of: ":") { return String(authority[..<colon]) }
        return authority
    }

    /// The explicit port, else 443 for https and 80 for http.
    public var port: Int {
        if !authority.hasSuffix("]"), let colon = authority.lastIndex(of: ":"), let p = Int(authority[authority.index(after: colon)...]) { return p }
        return scheme == "https" ? 443 : 80
    }
}
