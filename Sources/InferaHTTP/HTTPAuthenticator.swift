/// Adds credentials to each attempt of a request (called again before every retry, so signatures
/// with timestamps such as SigV4 stay fresh) and refreshes them once after a 401.
public protocol HTTPAuthenticator: Sendable {
    func authorize(_ request: inout HTTPRequest) async throws
    /// Called after a 401 when the policy allows one refresh. Return true when new credentials
    /// were obtained and the request should be repeated, false to give up.
    func refresh() async throws -> Bool
}

extension HTTPAuthenticator {
    public func refresh() async throws -> Bool { false }
}

/// HTTP Basic (`Authorization: Basic base64(user:password)`), e.g. Upstash's email + API key.
public struct BasicAuthenticator: HTTPAuthenticator {
    public let user: String
    let password: String

    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }

    public func authorize(_ request: inout HTTPRequest) async throws {
        request.headers["Authorization"] = "Basic " + Base64.encode(Array("\(user):\(password)".utf8))
    }
}

/// `Authorization: Bearer TOKEN` from a token source that can be asked for a new token
/// (GCP access tokens). The token is fetched lazily and cached until `refresh()`.
public final class BearerTokenAuthenticator: HTTPAuthenticator, @unchecked Sendable {
    private let fetch: @Sendable (_ forceRefresh: Bool) async throws -> String
    private let lock = Lock()
    private var cached: String?

    /// `fetch(false)` may return a cached token; `fetch(true)` must obtain a new one.
    public init(fetch: @escaping @Sendable (_ forceRefresh: Bool) async throws -> String) {
        self.fetch = fetch
    }

    public func authorize(_ request: inout HTTPRequest) async throws {
        let token: String
        if let t = lock.withLock({ cached }) { token = t } else {
            token = try await fetch(false)
            lock.withLock { cached = token }
        }
        request.headers["Authorization"] = "Bearer " + token
    }

    public func refresh() async throws -> Bool {
        let token = try await fetch(true)
        lock.withLock { cached = token }
        return true
    }
}

/// RFC 4648 base64 (standard alphabet, padded).
public enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], 61, 61]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], 61]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes standard or URL-safe base64 (padding optional); nil on bad input.
    public static func decode(_ s: String) -> [UInt8]? {
        var table = [Int](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = i }
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        var out: [UInt8] = []
        var acc = 0, bits = 0
        for c in s.utf8 {
            if c == 61 { break }
            if c == 10 || c == 13 { continue }
            let v = table[Int(c)]
            if v < 0 { return nil }
            acc = acc << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(acc >> bits & 0xFF))
            }
        }
        return out
    }
}
