// A parsed RESP2/RESP3 reply as the test client sees it. The tests compare the exact bytes a
// server sent; this tree exists only to find frame boundaries and, where Redis leaves the order
// open (SMEMBERS, HGETALL, KEYS, ...), to sort and re-encode canonically.

/// One RESP2 or RESP3 reply frame, parsed losslessly: `encoded` reproduces the received bytes.
public indirect enum RESPReply: Hashable, Sendable {
    /// `+OK\r\n`
    case simple(String)
    /// `-ERR ...\r\n`
    case error(String)
    /// `:42\r\n`
    case integer(Int64)
    /// `$3\r\nfoo\r\n`; `nil` is the RESP2 null bulk `$-1\r\n`.
    case bulk([UInt8]?)
    /// `*2\r\n...`; `nil` is the RESP2 null array `*-1\r\n`.
    case array([RESPReply]?)
    /// RESP3 `_\r\n`
    case null
    /// RESP3 `,3.14\r\n`, kept as the server's text.
    case double(String)
    /// RESP3 `#t\r\n`
    case boolean(Bool)
    /// RESP3 `(1234...\r\n`
    case bigNumber(String)
    /// RESP3 `!len\r\n...` blob error.
    case blobError([UInt8])
    /// RESP3 `=len\r\ntxt:...` verbatim string (format included in the payload).
    case verbatim([UInt8])
    /// RESP3 `%n\r\n` map, as key/value pairs in received order.
    case map([Pair])
    /// RESP3 `~n\r\n` set.
    case set([RESPReply])
    /// RESP3 `>n\r\n` out-of-band push.
    case push([RESPReply])
    /// RESP3 `|n\r\n` attribute followed by the reply it annotates.
    case attribute([Pair], RESPReply)

    /// A key/value pair of a RESP3 map or attribute.
    public struct Pair: Hashable, Sendable {
        public var key: RESPReply
        public var value: RESPReply
        public init(key: RESPReply, value: RESPReply) {
            self.key = key
            self.value = value
        }
    }

    /// Convenience: a bulk string reply from text.
    public static func bulk(_ text: String) -> RESPReply { .bulk(Array(text.utf8)) }

    /// The canonical RESP encoding of this reply (identical to what was parsed).
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }

    /// Appends the canonical RESP encoding of this reply to `out`.
    public func encode(into out: inout [UInt8]) {
        func line(_ prefix: UInt8, _ text: String) {
            out.append(prefix)
            out.append(contentsOf: Array(text.utf8))
            out.append(contentsOf: [13, 10])
        }
        func blob(_ prefix: UInt8, _ bytes: [UInt8]) {
            line(prefix, String(bytes.count))
            out.append(contentsOf: bytes)
            out.append(contentsOf: [13, 10])
        }
        switch self {
        case .simple(let s): line(UInt8(ascii: "+"), s)
        case .error(let s): line(UInt8(ascii: "-"), s)
        case .integer(let n): line(UInt8(ascii: ":"), String(n))
        case .bulk(nil): line(UInt8(ascii: "$"), "-1")
        case .bulk(let b?): blob(UInt8(ascii: "$"), b)
        case .array(nil): line(UInt8(ascii: "*"), "-1")
        case .array(let items?):
            line(UInt8(ascii: "*"), String(items.count))
            for item in items { item.encode(into: &out) }
        case .null: line(UInt8(ascii: "_"), "")
        case .double(let s): line(UInt8(ascii: ","), s)
        case .boolean(let b): line(UInt8(ascii: "#"), b ? "t" : "f")
        case .bigNumber(let s): line(UInt8(ascii: "("), s)
        case .blobError(let b): blob(UInt8(ascii: "!"), b)
        case .verbatim(let b): blob(UInt8(ascii: "="), b)
        case .map(let pairs):
            line(UInt8(ascii: "%"), String(pairs.count))
            for p in pairs { p.key.encode(into: &out); p.value.encode(into: &out) }
        case .set(let items):
            line(UInt8(ascii: "~"), String(items.count))
            for item in items { item.encode(into: &out) }
        case .push(let items):
            line(UInt8(ascii: ">"), String(items.count))
            for item in items { item.encode(into: &out) }
        case .attribute(let pairs, let reply):
            line(UInt8(ascii: "|"), String(pairs.count))
            for p in pairs { p.key.encode(into: &out); p.value.encode(into: &out) }
            reply.encode(into: &out)
        }
    }

    /// The bytes of a bulk/simple/verbatim reply as text, if it is one.
    public var text: String? {
        switch self {
        case .simple(let s), .error(let s), .double(let s), .bigNumber(let s): return s
        case .bulk(let b?), .verbatim(let b), .blobError(let b): return String(decoding: b, as: UTF8.self)
        case .integer(let n): return String(n)
        default: return nil
        }
    }

    /// The integer of an integer reply.
    public var integer: Int64? {
        if case .integer(let n) = self { return n }
        return nil
    }

    /// The elements of an array, set or push reply.
    public var elements: [RESPReply]? {
        switch self {
        case .array(let items?), .set(let items), .push(let items): return items
        default: return nil
        }
    }

    /// True for `-ERR`-style and RESP3 blob errors.
    public var isError: Bool {
        switch self {
        case .error, .blobError: return true
        default: return false
        }
    }
}

extension RESPReply: CustomStringConvertible {
    /// A readable one-line rendering of the exact bytes (CR/LF and non-printables escaped).
    public var description: String { RESPReply.escape(encoded) }

    /// Escapes bytes for diagnostics: printable ASCII as is, `\r`, `\n`, `\xNN` otherwise.
    public static func escape(_ bytes: [UInt8], limit: Int = 600) -> String {
        var s = ""
        for (i, b) in bytes.enumerated() {
            if i >= limit {
                s += "…(\(bytes.count) bytes)"
                break
            }
            switch b {
            case 13: s += "\\r"
            case 10: s += "\\n"
            case 92: s += "\\\\"
            case 32...126: s.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = String(b, radix: 16)
                s += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return s
    }
}

/// Incremental parser for RESP2/RESP3 replies (the client side of the protocol).
public enum RESPReplyParser {
    /// Why a buffer is not a valid reply.
    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses one reply from the start of `buffer`. Returns the reply and the number of bytes it
    /// used, or `nil` when the buffer does not yet hold a complete reply.
    public static func parse(_ buffer: ArraySlice<UInt8>) throws -> (RESPReply, Int)? {
        var index = buffer.startIndex
        guard let reply = try parseValue(buffer, &index, depth: 0) else { return nil }
        return (reply, index - buffer.startIndex)
    }

    private static func readLine(_ buf: ArraySlice<UInt8>, _ index: inout Int) -> String? {
        var i = index
        while i + 1 < buf.endIndex {
            if buf[i] == 13 && buf[i + 1] == 10 {
                let text = String(decoding: buf[index..<i], as: UTF8.self)
                index = i + 2
                return text
            }
            i += 1
        }
        return nil
    }

    private static func readBlob(_ buf: ArraySlice<UInt8>, _ index: inout Int, _ length: Int) throws -> [UInt8]? {
        guard buf.endIndex - index >= length + 2 else { return nil }
        let bytes = Array(buf[index..<(index + length)])
        guard buf[index + length] == 13, buf[index + length + 1] == 10 else {
            throw Malformed(description: "blob of \(length) bytes not followed by CRLF")
        }
        index += length + 2
        return bytes
    }

    private static func count(_ text: String, allowNull: Bool) throws -> Int {
        guard let n = Int(text), n >= (allowNull ? -1 : 0), n < 1 << 31 else {
            throw Malformed(description: "bad length '\(text)'")
        }
        return n
    }

    private static func parseValue(_ buf: ArraySlice<UInt8>, _ index: inout Int, depth: Int) throws -> RESPReply? {
        guard depth < 64 else { throw Malformed(description: "nesting deeper than 64") }
        guard index < buf.endIndex else { return nil }
        let type = buf[index]
        var i = index + 1
        guard let header = readLine(buf, &i) else { return nil }
        func items(_ n: Int) throws -> [RESPReply]? {
            var out: [RESPReply] = []
            out.reserveCapacity(min(n, 1024))
            for _ in 0..<n {
                guard let v = try parseValue(buf, &i, depth: depth + 1) else { return nil }
                out.append(v)
            }
            return out
        }
        func pairs(_ n: Int) throws -> [RESPReply.Pair]? {
            var out: [RESPReply.Pair] = []
            for _ in 0..<n {
                guard let k = try parseValue(buf, &i, depth: depth + 1),
                      let v = try parseValue(buf, &i, depth: depth + 1) else { return nil }
                out.append(.init(key: k, value: v))
            }
            return out
        }
        let result: RESPReply
        switch type {
        case UInt8(ascii: "+"): result = .simple(header)
        case UInt8(ascii: "-"): result = .error(header)
        case UInt8(ascii: ":"):
            guard let n = Int64(header) else { throw Malformed(description: "bad integer '\(header)'") }
            result = .integer(n)
        case UInt8(ascii: "$"):
            let n = try count(header, allowNull: true)
            if n < 0 { result = .bulk(nil) } else {
                guard let b = try readBlob(buf, &i, n) else { return nil }
                result = .bulk(b)
            }
        case UInt8(ascii: "*"):
            let n = try count(header, allowNull: true)
            if n < 0 { result = .array(nil) } else {
                guard let v = try items(n) else { return nil }
                result = .array(v)
            }
        case UInt8(ascii: "_"): result = .null
        case UInt8(ascii: ","): result = .double(header)
        case UInt8(ascii: "#"):
            guard header == "t" || header == "f" else { throw Malformed(description: "bad boolean '\(header)'") }
            result = .boolean(header == "t")
        case UInt8(ascii: "("): result = .bigNumber(header)
        case UInt8(ascii: "!"), UInt8(ascii: "="):
            let n = try count(header, allowNull: false)
            guard let b = try readBlob(buf, &i, n) else { return nil }
            result = type == UInt8(ascii: "!") ? .blobError(b) : .verbatim(b)
        case UInt8(ascii: "%"):
            guard let p = try pairs(try count(header, allowNull: false)) else { return nil }
            result = .map(p)
        case UInt8(ascii: "~"), UInt8(ascii: ">"):
            guard let v = try items(try count(header, allowNull: false)) else { return nil }
            result = type == UInt8(ascii: "~") ? .set(v) : .push(v)
        case UInt8(ascii: "|"):
            guard let p = try pairs(try count(header, allowNull: false)),
                  let inner = try parseValue(buf, &i, depth: depth + 1) else { return nil }
            result = .attribute(p, inner)
        default:
            throw Malformed(description: "unknown RESP type byte \(RESPReply.escape([type]))")
        }
        index = i
        return result
    }
}
