import Crypto

/// AWS Signature Version 4 (header form), as specified by the AWS SigV4 test suite and botocore's `SigV4Auth`.
///
/// The signer is pure: it takes the request parts and a time, and returns the headers to add. Everything it
/// computes on the way (canonical request, string to sign) is exposed so tests can compare each step with the
/// official vectors.
public struct SigV4Signer: Sendable {
    /// The signing name: `elasticache`, `secretsmanager`, `sts`, `ec2` (`service` in the test suite).
    public var service: String
    /// The signing region, e.g. `us-east-1`.
    public var region: String
    /// Normalise `.`/`..`/`//` in the path (every service but S3).
    public var normalizePath: Bool

    public init(service: String, region: String, normalizePath: Bool = true) {
        self.service = service
        self.region = region
        self.normalizePath = normalizePath
    }

    /// A request as the signer sees it. `path` is the raw (decoded) path, `query` the decoded pairs in any order.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var query: [(String, String)]
        /// Headers in the order given; names are case-insensitive, repeated names are joined with `,`.
        public var headers: [(String, String)]
        public var body: [UInt8]

        public init(method: String, path: String = "/", query: [(String, String)] = [], headers: [(String, String)], body: [UInt8] = []) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
        }
    }

    /// What signing produced, step by step.
    public struct Signature: Sendable {
        public var canonicalRequest: String
        public var stringToSign: String
        public var signature: String
        public var authorization: String
        /// The headers to add to the request (X-Amz-Date when absent, X-Amz-Security-Token, Authorization).
        public var headersToAdd: [(String, String)]
    }

    /// `yyyyMMdd'T'HHmmss'Z'` for a Unix time in seconds.
    public static func amzDate(_ unixSeconds: Int64) -> String {
        let c = UTCCalendar.components(unixSeconds)
        return pad4(c.year) + pad2(c.month) + pad2(c.day) + "T" + pad2(c.hour) + pad2(c.minute) + pad2(c.second) + "Z"
    }

    /// Signs `request` at `unixTime`. When `signToken` is false, the session token header is added after signing
    /// (the test suite's post-sts-header-after case); every AWS service infera calls signs it.
    public func sign(_ request: Request, credentials: AWSCredentials, unixTime: Int64, signToken: Bool = true) -> Signature {
        var headers = request.headers
        var added: [(String, String)] = []
        let amzDate: String
        if let existing = headers.first(where: { $0.0.lowercased() == "x-amz-date" }) {
            amzDate = existing.1
        } else {
            amzDate = Self.amzDate(unixTime)
            headers.append(("X-Amz-Date", amzDate))
            added.append(("X-Amz-Date", amzDate))
        }
        if let token = credentials.sessionToken, signToken, !headers.contains(where: { $0.0.lowercased() == "x-amz-security-token" }) {
            headers.append(("X-Amz-Security-Token", token.value))
            added.append(("X-Amz-Security-Token", token.value))
        }
        let (creq, signedHeaders) = canonicalRequest(Request(method: request.method, path: request.path, query: request.query,
                                                             headers: headers, body: request.body))
        let day = String(amzDate.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let sts = "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n\(Self.hex(SHA256.hash(data: Array(creq.utf8))))"
        let key = Self.signingKey(secret: credentials.secretAccessKey.value, day: day, region: region, service: service)
        let sig = Self.hex(HMAC<SHA256>.authenticationCode(for: Array(sts.utf8), using: key))
        let authz = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(sig)"
        if let token = credentials.sessionToken, !signToken {
            added.append(("X-Amz-Security-Token", token.value))
        }
        added.append(("Authorization", authz))
        return Signature(canonicalRequest: creq, stringToSign: sts, signature: sig, authorization: authz, headersToAdd: added)
    }

    /// The canonical request and the signed-headers list.
    public func canonicalRequest(_ r: Request) -> (String, String) {
        var grouped: [String: [String]] = [:]
        for (name, value) in r.headers {
            grouped[name.lowercased(), default: []].append(Self.trimHeaderValue(value))
        }
        let names = grouped.keys.sorted()
        var canonicalHeaders = ""
        for n in names { canonicalHeaders += n + ":" + grouped[n]!.joined(separator: ",") + "\n" }
        let signed = names.joined(separator: ";")
        let path = normalizePath ? Self.normalize(r.path) : r.path
        let encodedPath = path.split(separator: "/", omittingEmptySubsequences: false)
            .map { Percent.encode(String($0)) }.joined(separator: "/")
        let query = r.query.map { (Percent.encode($0.0), Percent.encode($0.1)) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let payload = Self.hex(SHA256.hash(data: r.body))
        let creq = [r.method, encodedPath.isEmpty ? "/" : encodedPath, query, canonicalHeaders, signed, payload].joined(separator: "\n")
        return (creq, signed)
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, day), region), service), "aws4_request").
    public static func signingKey(secret: String, day: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secret).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    /// Trims and collapses runs of spaces (outside quotes is not distinguished, as botocore does).
    static func trimHeaderValue(_ v: String) -> String {
        var out = ""
        var lastSpace = false
        for ch in v.trimmingSpaces() {
            if ch == " " || ch == "\t" {
                if !lastSpace { out.append(" ") }
                lastSpace = true
            } else {
                out.append(ch)
                lastSpace = false
            }
        }
        return out
    }

    /// RFC 3986 dot-segment removal plus collapsing of empty segments; keeps a trailing slash.
    static func normalize(_ path: String) -> String {
        var out: [Substring] = []
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        for p in parts {
            if p == "." { continue }
            if p == ".." { if !out.isEmpty { out.removeLast() }; continue }
            out.append(p)
        }
        var result = "/" + out.joined(separator: "/")
        if path.hasSuffix("/") && result != "/" { result += "/" }
        return result
    }

    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func hex<D: Digest>(_ digest: D) -> String { hex(Array(digest)) }
    static func hex(_ mac: HashedAuthenticationCode<SHA256>) -> String { hex(Array(mac)) }
}

/// RFC 3986 percent-encoding as SigV4 and the Query protocol need it: only `A-Za-z0-9-_.~` stay as they are.
public enum Percent {
    public static func encode(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        let hexDigits = Array("0123456789ABCDEF")
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(b)))
            default:
                out.append("%")
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 0xF)])
            }
        }
        return out
    }

    /// Decodes `%XX` (and `+` as space when `plusIsSpace`); invalid escapes are kept as written.
    public static func decode(_ s: String, plusIsSpace: Bool = false) -> String {
        var bytes: [UInt8] = []
        let u = Array(s.utf8)
        var i = 0
        while i < u.count {
            if u[i] == UInt8(ascii: "%"), i + 2 < u.count, let h = hexValue(u[i + 1]), let l = hexValue(u[i + 2]) {
                bytes.append(h << 4 | l)
                i += 3
            } else if plusIsSpace && u[i] == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
                i += 1
            } else {
                bytes.append(u[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s.removeLast() }
        return s
    }
}

func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

func pad4(_ n: Int) -> String {
    let s = "\(n)"
    return String(repeating: "0", count: max(0, 4 - s.count)) + s
}

/// Civil-date conversions in UTC without Foundation's calendar (Howard Hinnant's algorithms).
public enum UTCCalendar {
    public struct Components: Sendable, Equatable {
        public var year, month, day, hour, minute, second: Int
    }

    public static func components(_ t: Int64) -> Components {
        let days = Int(t >= 0 ? t / 86400 : (t - 86399) / 86400)
        let secs = Int(t - Int64(days) * 86400)
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return Components(year: y, month: m, day: d, hour: secs / 3600, minute: secs % 3600 / 60, second: secs % 60)
    }

    public static func unixTime(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Parses ISO 8601 UTC `2026-12-02T19:30:03Z`, with optional fractional seconds (moto adds microseconds) or `+00:00`.
    public static func parseISO8601(_ s: String) -> Int64? {
        let u = Array(s.utf8)
        guard u.count >= 19 else { return nil }
        func num(_ a: Int, _ b: Int) -> Int? {
            var v = 0
            for i in a..<b { guard u[i] >= 48 && u[i] <= 57 else { return nil }; v = v * 10 + Int(u[i] - 48) }
            return v
        }
        guard let y = num(0, 4), u[4] == 45, let mo = num(5, 7), u[7] == 45, let d = num(8, 10),
              u[10] == 84 || u[10] == 116 || u[10] == 32, let h = num(11, 13), u[13] == 58, let mi = num(14, 16), u[16] == 58,
              let se = num(17, 19) else { return nil }
        return unixTime(year: y, month: mo, day: d, hour: h, minute: mi, second: se)
    }

    /// `2026-12-02T19:30:03Z`.
    public static func iso8601(_ t: Int64) -> String {
        let c = components(t)
        return pad4(c.year) + "-" + pad2(c.month) + "-" + pad2(c.day) + "T" + pad2(c.hour) + ":" + pad2(c.minute) + ":" + pad2(c.second) + "Z"
    }
}
