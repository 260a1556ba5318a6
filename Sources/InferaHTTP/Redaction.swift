/// Secret values learned at run time (passwords, tokens, API keys). Every string infera prints or
/// writes through `Redactor` has them replaced by `<redacted>`, wherever they appear.
public final class SecretRegistry: @unchecked Sendable {
    private let lock = Lock()
    private var values: Set<String> = []

    public init() {}

    /// Remembers `secret` (ignored when shorter than 4 characters: too likely to hit ordinary text).
    public func add(_ secret: String?) {
        guard let secret, secret.count >= 4 else { return }
        lock.withLock { _ = values.insert(secret) }
    }

    public var all: [String] { lock.withLock { values.sorted { $0.count > $1.count } } }
}

/// Removes credentials from headers, URLs and bodies before they are logged or shown.
/// Three rules: header names (Authorization, cookies, AWS/GCP token headers), field names in JSON,
/// form and XML bodies and in query strings (anything whose name contains password, token, secret,
/// signature, credential, api key, private key, auth string …), and the exact secret values in
/// `secrets`.
public struct Redactor: Sendable {
    public static let placeholder = "<redacted>"

    public var secrets: SecretRegistry
    /// Lowercased header names whose values are never shown.
    public var sensitiveHeaders: Set<String>
    /// Normalized (lowercase, no `_` or `-`) fragments that make a field name sensitive.
    public var sensitiveFragments: [String]
    /// Normalized suffixes that make a field name harmless even when it contains a fragment (`secret_id`, `token_type`).
    public var harmlessSuffixes: [String]

    public init(secrets: SecretRegistry = SecretRegistry(), extraHeaders: Set<String> = [], extraFragments: [String] = []) {
        self.secrets = secrets
        sensitiveHeaders = Set(["authorization", "proxy-authorization", "cookie", "set-cookie", "x-amz-security-token",
                                "x-goog-api-key", "x-api-key", "x-auth-token", "metadata-flavor-token"]).union(extraHeaders.map { $0.lowercased() })
        sensitiveFragments = ["password", "passwd", "token", "secret", "signature", "credential", "apikey", "privatekey",
                              "authstring", "assertion", "sessionkey", "accesskey"] + extraFragments
        harmlessSuffixes = ["id", "ids", "name", "names", "arn", "type", "count", "expiresin", "expiry", "expiretime", "enabled",
                            "mode", "version", "versions", "uri", "url"]
    }

    /// Whether a field called `name` holds a secret.
    public func isSensitive(field name: String) -> Bool {
        let n = String(name.lowercased().filter { $0 != "_" && $0 != "-" && $0 != "." })
        guard sensitiveFragments.contains(where: { n.contains($0) }) else { return false }
        // `secret_string`, `auth_token`, `password` are secrets; `secret_id`, `token_type` are not.
        if n.hasSuffix("accesskeyid") { return false }
        return !harmlessSuffixes.contains { n.hasSuffix($0) && n != $0 }
    }

    /// A header value as it may be shown.
    public func redact(header name: String, value: String) -> String {
        if sensitiveHeaders.contains(name.lowercased()) || isSensitive(field: name) { return Self.placeholder }
        return redact(value)
    }

    /// A URL with sensitive query parameters and any known secret removed.
    public func redact(url: String) -> String {
        guard let q = url.firstIndex(of: "?") else { return redactValues(url) }
        let base = url[..<q]
        let query = url[url.index(after: q)...]
        return redactValues(String(base) + "?" + redactPairs(String(query)))
    }

    /// Any text (a body, an error message): field rules for JSON, form and XML, then known values.
    public func redact(_ text: String) -> String {
        var t = redactJSONFields(text)
        t = redactXMLFields(t)
        if !t.contains("{") && !t.contains("<") && t.contains("=") { t = redactPairs(t) }
        return redactValues(t)
    }

    func redactValues(_ text: String) -> String {
        var t = text
        for s in secrets.all where t.contains(s) { t = t.replacingAll(s, with: Self.placeholder) }
        return t
    }

    /// `a=1&password=x` → `a=1&password=<redacted>`. In free text (a message with spaces) only the word before `=`
    /// is the key and only the word after it the value: `tried IMDS (AWS_EC2_METADATA_DISABLED=true), set …` keeps
    /// the rest of the sentence.
    func redactPairs(_ text: String) -> String {
        text.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let eq = pair.firstIndex(of: "=") else { return String(pair) }
            let head = pair[..<eq]
            guard head.contains(where: \.isWhitespace) else {
                let key = String(head).removingPercentEncodingLite
                return isSensitive(field: key) ? "\(head)=\(Self.placeholder)" : String(pair)
            }
            let key = head.split(whereSeparator: \.isWhitespace).last.map(String.init) ?? ""
            let rest = pair[pair.index(after: eq)...]
            let valueEnd = rest.firstIndex(where: \.isWhitespace) ?? rest.endIndex
            let tail = redactPairs(String(rest[valueEnd...]))
            return isSensitive(field: key) ? "\(head)=\(Self.placeholder)\(tail)" : "\(head)=\(rest[..<valueEnd])\(tail)"
        }.joined(separator: "&")
    }

    /// `"password": "x"` → `"password": "<redacted>"` (string values; numbers and nested values kept,
    /// nested fields are handled by their own names).
    func redactJSONFields(_ text: String) -> String {
        let b = Array(text.utf8)
        guard b.contains(UInt8(ascii: "\"")) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        var lastKey: String?
        while i < b.count {
            let c = b[i]
            guard c == UInt8(ascii: "\"") else {
                out.append(c)
                i += 1
                continue
            }
            // A string token from i to j (exclusive of the closing quote at j).
            var j = i + 1
            while j < b.count && b[j] != UInt8(ascii: "\"") { j += b[j] == UInt8(ascii: "\\") ? 2 : 1 }
            let end = min(j, b.count)
            // Is it a key (followed by ':')?
            var k = end + 1
            while k < b.count && (b[k] == 32 || b[k] == 9 || b[k] == 10 || b[k] == 13) { k += 1 }
            if k < b.count && b[k] == UInt8(ascii: ":") {
                lastKey = String(decoding: b[(i + 1)..<end], as: UTF8.self)
                out.append(contentsOf: b[i..<min(end + 1, b.count)])
            } else if let key = lastKey, isSensitive(field: key), isValuePosition(out) {
                out.append(contentsOf: Array("\"\(Self.placeholder)\"".utf8))
                lastKey = nil
            } else {
                out.append(contentsOf: b[i..<min(end + 1, b.count)])
                if isValuePosition(out) { lastKey = nil }
            }
            i = end + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True when the last non-space byte before a string is ':' (a value position).
    private func isValuePosition(_ out: [UInt8]) -> Bool {
        var k = out.count - 1
        while k >= 0 {
            let c = out[k]
            if c == 32 || c == 9 || c == 10 || c == 13 || c == UInt8(ascii: "\"") { k -= 1; continue }
            return c == UInt8(ascii: ":")
        }
        return false
    }

    /// `<AuthToken>x</AuthToken>` → `<AuthToken><redacted></AuthToken>`.
    func redactXMLFields(_ text: String) -> String {
        guard text.contains("</") else { return text }
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            result += rest[..<open]
            rest = rest[open...]
            guard let close = rest.firstIndex(of: ">") else { break }
            let tag = rest[rest.index(after: rest.startIndex)..<close]
            result += rest[...close]
            rest = rest[rest.index(after: close)...]
            if !tag.hasPrefix("/"), !tag.contains(" "), !tag.hasSuffix("/"), isSensitive(field: String(tag)),
               let end = rest.range(of: "</\(tag)>") {
                result += Self.placeholder
                rest = rest[end.lowerBound...]
            }
        }
        return result + rest
    }
}

extension String {
    func replacingAll(_ needle: String, with replacement: String) -> String {
        guard !needle.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: needle) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }

    var removingPercentEncodingLite: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var it = Array(utf8)[...]
        while let c = it.popFirst() {
            if c == UInt8(ascii: "%"), it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                it = it.dropFirst(2)
            } else { bytes.append(c) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    func range(of needle: String) -> Range<Substring.Index>? {
        let n = Array(needle.utf8)
        guard !n.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].utf8.starts(with: n) {
                let end = self.utf8.index(i, offsetBy: n.count)
                return i..<end
            }
            i = index(after: i)
        }
        return nil
    }
}

extension String {
    func range(of needle: String) -> Range<String.Index>? {
        let sub = Substring(self)
        return sub.range(of: needle)
    }
}
