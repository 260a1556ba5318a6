import NIOCore

/// A decoded RESP2/RESP3 reply (for clients, tests and tools; the server never builds these on its hot path).
public indirect enum RESPValue: Sendable, Hashable, CustomStringConvertible {
    case simpleString(String)
    case error(String)
    case integer(Int)
    case bulkString([UInt8])
    case null
    case array([RESPValue])
    case nullArray
    case map([(RESPValue, RESPValue)])
    case set([RESPValue])
    case push([RESPValue])
    case double(Double)
    case boolean(Bool)
    case verbatim(String, String)
    case bigNumber(String)

    public static func == (a: RESPValue, b: RESPValue) -> Bool { a.description == b.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }

    /// A bulk string from text.
    public static func bulk(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }

    /// redis-cli-like rendering (deterministic, used for comparisons and messages).
    public var description: String {
        switch self {
        case .simpleString(let s): return "+\(s)"
        case .error(let s): return "-\(s)"
        case .integer(let i): return ":\(i)"
        case .bulkString(let b): return "\"" + String(decoding: b, as: UTF8.self) + "\""
        case .null: return "(nil)"
        case .nullArray: return "(nil array)"
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .map(let m): return "{" + m.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
        case .set(let a): return "~[" + a.map(\.description).joined(separator: ", ") + "]"
        case .push(let a): return ">[" + a.map(\.description).joined(separator: ", ") + "]"
        case .double(let d): return ",\(RedisNumberFormat.double(d))"
        case .boolean(let b): return b ? "#t" : "#f"
        case .verbatim(let f, let s): return "=\(f):\(s)"
        case .bigNumber(let s): return "(\(s)"
        }
    }

    /// The text of a bulk/simple/verbatim string reply.
    public var text: String? {
        switch self {
        case .simpleString(let s), .error(let s), .bigNumber(let s): return s
        case .bulkString(let b): return String(decoding: b, as: UTF8.self)
        case .verbatim(_, let s): return s
        default: return nil
        }
    }

    /// Encodes this value as RESP bytes (RESP3 types kept as is).
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .simpleString(let s): buffer.writeString("+\(s)\r\n")
        case .error(let s): buffer.writeString("-\(s)\r\n")
        case .integer(let i): buffer.writeString(":\(i)\r\n")
        case .bulkString(let b):
            buffer.writeString("$\(b.count)\r\n"); buffer.writeBytes(b); buffer.writeString("\r\n")
        case .null: buffer.writeString("$-1\r\n")
        case .nullArray: buffer.writeString("*-1\r\n")
        case .array(let a):
            buffer.writeString("*\(a.count)\r\n"); for v in a { v.encode(into: &buffer) }
        case .map(let m):
            buffer.writeString("%\(m.count)\r\n"); for (k, v) in m { k.encode(into: &buffer); v.encode(into: &buffer) }
        case .set(let a):
            buffer.writeString("~\(a.count)\r\n"); for v in a { v.encode(into: &buffer) }
        case .push(let a):
            buffer.writeString(">\(a.count)\r\n"); for v in a { v.encode(into: &buffer) }
        case .double(let d): buffer.writeString(",\(RedisNumberFormat.double(d))\r\n")
        case .boolean(let b): buffer.writeString(b ? "#t\r\n" : "#f\r\n")
        case .verbatim(let f, let s):
            let body = "\(f):\(s)"; buffer.writeString("=\(body.utf8.count)\r\n\(body)\r\n")
        case .bigNumber(let s): buffer.writeString("(\(s)\r\n")
        }
    }

    /// Errors of `RESPValue.parse`.
    public struct ParseError: Error, Sendable { public let message: String }

    /// Parses one complete reply from `buffer`, consuming it; nil when more bytes are needed.
    public static func parse(_ buffer: inout ByteBuffer) throws -> RESPValue? {
        var copy = buffer
        guard let v = try parseOne(&copy) else { return nil }
        buffer = copy
        return v
    }

    private static func line(_ b: inout ByteBuffer) throws -> String? {
        let view = b.readableBytesView
        guard let cr = view.firstIndex(of: 13), cr + 1 < view.endIndex else { return nil }
        guard view[cr + 1] == 10 else { throw ParseError(message: "line not terminated by CRLF") }
        let s = b.getString(at: b.readerIndex + 1, length: cr - view.startIndex - 1) ?? ""
        b.moveReaderIndex(forwardBy: cr - view.startIndex + 2)
        return s
    }

    private static func parseOne(_ b: inout ByteBuffer) throws -> RESPValue? {
        guard let t = b.getInteger(at: b.readerIndex, as: UInt8.self) else { return nil }
        guard let l = try line(&b) else { return nil }
        func count() throws -> Int {
            guard let n = Int(l) else { throw ParseError(message: "bad length '\(l)'") }
            return n
        }
        func elements(_ n: Int) throws -> [RESPValue]? {
            var out: [RESPValue] = []
            for _ in 0..<max(n, 0) { guard let v = try parseOne(&b) else { return nil }; out.append(v) }
            return out
        }
        func blob(_ n: Int) throws -> [UInt8]? {
            guard n >= 0 else { throw ParseError(message: "bad length '\(l)'") }
            guard b.readableBytes >= n + 2, let bytes = b.readBytes(length: n) else { return nil }
            guard b.readInteger(as: UInt8.self) == 13, b.readInteger(as: UInt8.self) == 10 else {
                throw ParseError(message: "blob not terminated by CRLF")
            }
            return bytes
        }
        switch t {
        case UInt8(ascii: "+"): return .simpleString(l)
        case UInt8(ascii: "-"): return .error(l)
        case UInt8(ascii: ":"): return .integer(try count())
        case UInt8(ascii: "$"):
            let n = try count()
            if n < 0 { return .null }
            return try blob(n).map { .bulkString($0) }
        case UInt8(ascii: "*"):
            let n = try count()
            if n < 0 { return .nullArray }
            return try elements(n).map { .array($0) }
        case UInt8(ascii: "~"): return try elements(try count()).map { .set($0) }
        case UInt8(ascii: ">"): return try elements(try count()).map { .push($0) }
        case UInt8(ascii: "%"):
            guard let flat = try elements(try count() * 2) else { return nil }
            var pairs: [(RESPValue, RESPValue)] = []
            var i = 0
            while i + 1 < flat.count { pairs.append((flat[i], flat[i + 1])); i += 2 }
            return .map(pairs)
        case UInt8(ascii: "_"): return .null
        case UInt8(ascii: "#"): return .boolean(l == "t")
        case UInt8(ascii: ","):
            switch l {
            case "inf": return .double(.infinity)
            case "-inf": return .double(-.infinity)
            default:
                guard let d = Double(l) else { throw ParseError(message: "bad double '\(l)'") }
                return .double(d)
            }
        case UInt8(ascii: "("): return .bigNumber(l)
        case UInt8(ascii: "="):
            // A verbatim string is `<3-byte format>:<text>`; anything shorter or without the colon is malformed.
            guard let body = try blob(try count()) else { return nil }
            guard body.count >= 4, body[3] == UInt8(ascii: ":"),
                  body[0..<3].allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") }) else {
                throw ParseError(message: "malformed verbatim string")
            }
            return .verbatim(String(decoding: body[0..<3], as: UTF8.self), String(decoding: body[4...], as: UTF8.self))
        case UInt8(ascii: "|"):
            // attribute: skip it and return the following value
            guard try elements(try count() * 2) != nil else { return nil }
            return try parseOne(&b)
        default:
            throw ParseError(message: "unknown type byte \(t)")
        }
    }
}
