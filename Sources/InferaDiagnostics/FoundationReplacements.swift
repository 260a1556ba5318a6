#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// What infera's modules used full Foundation for, on FoundationEssentials only (the release binary links no
// Foundation, FoundationInternationalization or ICU: docs/ci.md#release-binaries). Each helper behaves as
// the Foundation API it replaces did for infera's inputs; Tests/InferaCLITests/FoundationReplacementsTests.swift
// compares them with Foundation.

/// JSON `null` in the trees `JSONObjects.parse` returns (Foundation's `NSNull`).
public struct JSONNull: Sendable, Hashable, CustomStringConvertible {
    public init() {}
    public var description: String { "<null>" }
}

/// JSONSerialization's job for `[String: Any]` trees: parse JSON into `[String: Any]`, `[Any]`, `String`,
/// `Int` (integers that fit), `Double`, `Bool` and `JSONNull`; serialise such trees with sorted keys, as
/// JSONSerialization did with `.sortedKeys` (and `.prettyPrinted`, `.withoutEscapingSlashes` when asked).
public enum JSONObjects {
    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    // MARK: parsing

    public static func parse(_ bytes: some Collection<UInt8>, fragmentsAllowed: Bool = false) throws(Error) -> Any {
        var p = Parser(bytes: Array(bytes))
        p.skipWhitespace()
        let value = try p.value(depth: 0)
        p.skipWhitespace()
        guard p.pos == p.bytes.count else { throw Error(description: "garbage after the JSON value at byte \(p.pos)") }
        if !fragmentsAllowed, !(value is [String: Any]), !(value is [Any]) {
            throw Error(description: "the JSON text is not an object or array")
        }
        return value
    }

    /// `parse` as an object, or nil (what `try? JSONSerialization.jsonObject(with:) as? [String: Any]` gave).
    public static func object(_ bytes: some Collection<UInt8>) -> [String: Any]? {
        (try? parse(bytes)) as? [String: Any]
    }

    private struct Parser {
        let bytes: [UInt8]
        var pos = 0

        mutating func skipWhitespace() {
            while pos < bytes.count, bytes[pos] == 0x20 || bytes[pos] == 0x0A || bytes[pos] == 0x0D || bytes[pos] == 0x09 { pos += 1 }
        }

        func fail(_ what: String) -> Error { Error(description: "\(what) at byte \(pos)") }

        mutating func value(depth: Int) throws(Error) -> Any {
            guard depth < 512 else { throw fail("JSON nested too deeply") }
            guard pos < bytes.count else { throw fail("unexpected end of JSON") }
            switch bytes[pos] {
            case UInt8(ascii: "{"):
                pos += 1
                var out: [String: Any] = [:]
                skipWhitespace()
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return out }
                while true {
                    skipWhitespace()
                    guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                    let key = try string()
                    skipWhitespace()
                    guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                    pos += 1
                    skipWhitespace()
                    out[key] = try value(depth: depth + 1)
                    skipWhitespace()
                    guard pos < bytes.count else { throw fail("unterminated object") }
                    if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                    if bytes[pos] == UInt8(ascii: "}") { pos += 1; return out }
                    throw fail("expected ',' or '}'")
                }
            case UInt8(ascii: "["):
                pos += 1
                var out: [Any] = []
                skipWhitespace()
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return out }
                while true {
                    skipWhitespace()
                    out.append(try value(depth: depth + 1))
                    skipWhitespace()
                    guard pos < bytes.count else { throw fail("unterminated array") }
                    if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                    if bytes[pos] == UInt8(ascii: "]") { pos += 1; return out }
                    throw fail("expected ',' or ']'")
                }
            case UInt8(ascii: "\""):
                return try string()
            case UInt8(ascii: "t"): try literal("true"); return true
            case UInt8(ascii: "f"): try literal("false"); return false
            case UInt8(ascii: "n"): try literal("null"); return JSONNull()
            default:
                return try number()
            }
        }

        mutating func literal(_ word: StaticString) throws(Error) {
            let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            guard pos + w.count <= bytes.count, bytes[pos..<(pos + w.count)].elementsEqual(w) else { throw fail("invalid literal") }
            pos += w.count
        }

        mutating func number() throws(Error) -> Any {
            let start = pos
            var isInteger = true
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            let digitsStart = pos
            while pos < bytes.count, (0x30...0x39).contains(bytes[pos]) { pos += 1 }
            guard pos > digitsStart else { throw fail("invalid JSON value") }
            if bytes[digitsStart] == 0x30, pos - digitsStart > 1 { throw fail("number with a leading zero") }
            if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
                isInteger = false
                pos += 1
                let f = pos
                while pos < bytes.count, (0x30...0x39).contains(bytes[pos]) { pos += 1 }
                guard pos > f else { throw fail("invalid number") }
            }
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
                isInteger = false
                pos += 1
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
                let e = pos
                while pos < bytes.count, (0x30...0x39).contains(bytes[pos]) { pos += 1 }
                guard pos > e else { throw fail("invalid number") }
            }
            let text = String(decoding: bytes[start..<pos], as: UTF8.self)
            if isInteger, let i = Int(text) { return i }
            guard let d = Double(text) else { throw fail("invalid number") }
            return d
        }

        mutating func hex4() throws(Error) -> UInt32 {
            guard pos + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[pos..<(pos + 4)], as: UTF8.self), radix: 16) else {
                throw fail("invalid \\u escape")
            }
            pos += 4
            return v
        }

        mutating func string() throws(Error) -> String {
            pos += 1  // opening quote
            var out: [UInt8] = []
            while true {
                guard pos < bytes.count else { throw fail("unterminated string") }
                let b = bytes[pos]
                pos += 1
                switch b {
                case UInt8(ascii: "\""):
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard pos < bytes.count else { throw fail("unterminated string") }
                    let e = bytes[pos]
                    pos += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar) {
                            guard pos + 6 <= bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                                throw fail("unpaired surrogate in \\u escape")
                            }
                            pos += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate in \\u escape") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                        out.append(contentsOf: Array(String(Character(u)).utf8))
                    default: throw fail("invalid escape")
                    }
                default:
                    guard b >= 0x20 else { throw fail("control character in string") }
                    out.append(b)
                }
            }
        }
    }

    // MARK: serialising

    /// Serialises `[String: Any]` / `[Any]` trees of strings, integers, doubles, booleans, `JSONNull` and
    /// optionals (nil is `null`); keys sorted as JSONSerialization's `.sortedKeys` sorted them.
    public static func serialize(_ value: Any, pretty: Bool = false, escapeSlashes: Bool = true) throws(Error) -> String {
        var w = Writer(pretty: pretty, escapeSlashes: escapeSlashes)
        try w.write(value)
        return w.out
    }

    private struct Writer {
        let pretty: Bool
        let escapeSlashes: Bool
        var out = ""
        var indent = 0

        mutating func newline() {
            out += "\n"
            out += String(repeating: " ", count: indent)
        }

        mutating func write(_ value: Any) throws(Error) {
            switch value {
            case let s as String: writeString(s)
            case let b as Bool: out += b ? "true" : "false"
            case let i as Int: out += String(i)
            case let i as Int64: out += String(i)
            case let i as UInt64: out += String(i)
            case let i as Int32: out += String(i)
            case let i as UInt32: out += String(i)
            case let i as UInt: out += String(i)
            case let d as Double:
                guard d.isFinite else { throw Error(description: "JSON cannot hold the number \(d)") }
                var s = d.description
                if s.hasSuffix(".0") { s.removeLast(2) }
                out += s
            case is JSONNull: out += "null"
            case let o as any OptionalJSON:
                if let v = o.jsonWrapped { try write(v) } else { out += "null" }
            case let a as [Any]:
                out += "["
                if pretty { indent += 2; out += "\n" }
                for (i, item) in a.enumerated() {
                    if i > 0 { out += pretty ? ",\n" : "," }
                    if pretty { out += String(repeating: " ", count: indent) }
                    try write(item)
                }
                if pretty { indent -= 2; newline() }
                out += "]"
            case let d as [String: Any]:
                out += "{"
                if pretty { indent += 2; out += "\n" }
                for (i, key) in d.keys.sorted(by: JSONObjects.keyOrder).enumerated() {
                    if i > 0 { out += pretty ? ",\n" : "," }
                    if pretty { out += String(repeating: " ", count: indent) }
                    writeString(key)
                    out += pretty ? " : " : ":"
                    try write(d[key]!)
                }
                if pretty { indent -= 2; newline() }
                out += "}"
            default:
                throw Error(description: "JSON cannot hold a value of type \(type(of: value))")
            }
        }

        mutating func writeString(_ s: String) {
            out += "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "/": out += escapeSlashes ? "\\/" : "/"
                case "\u{08}": out += "\\b"
                case "\u{0C}": out += "\\f"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 {
                        out += (scalar.value < 0x10 ? "\\u000" : "\\u00") + String(scalar.value, radix: 16)
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            out += "\""
        }
    }

    /// `.sortedKeys` order (Foundation compares keys with `[.numeric, .caseInsensitive, .forcedOrdering]`):
    /// case-insensitive with digit runs compared as numbers; keys equal that way put the first lowercase
    /// letter, or the shorter digit run, first.
    static func keyOrder(_ a: String, _ b: String) -> Bool {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        func isDigit(_ u: Unicode.Scalar) -> Bool { (0x30...0x39).contains(u.value) }
        var i = 0, j = 0
        var tie: Bool?
        while i < x.count, j < y.count {
            if isDigit(x[i]), isDigit(y[j]) {
                var i2 = i, j2 = j
                while i2 < x.count, isDigit(x[i2]) { i2 += 1 }
                while j2 < y.count, isDigit(y[j2]) { j2 += 1 }
                let n = x[i..<i2].drop { $0 == "0" }, m = y[j..<j2].drop { $0 == "0" }
                if n.count != m.count { return n.count < m.count }
                for (p, q) in zip(n, m) where p != q { return p.value < q.value }
                if tie == nil, i2 - i != j2 - j { tie = i2 - i < j2 - j }
                i = i2; j = j2
                continue
            }
            let c = fold(x[i]), d = fold(y[j])
            if c != d { return c < d }
            if tie == nil, x[i] != y[j] { tie = x[i].value > y[j].value }
            i += 1; j += 1
        }
        if x.count - i != y.count - j { return x.count - i < y.count - j }
        return tie ?? false
    }

    private static func fold(_ s: Unicode.Scalar) -> UInt32 {
        (0x41...0x5A).contains(s.value) ? s.value + 0x20 : s.value
    }
}

private protocol OptionalJSON { var jsonWrapped: Any? { get } }
extension Optional: OptionalJSON { fileprivate var jsonWrapped: Any? { self.map { $0 as Any } } }

extension StringProtocol {
    /// NSString's `padding(toLength:withPad: " ", startingAt: 0)`: spaces added, or the text cut, to `length`
    /// UTF-16 units.
    public func padded(toLength length: Int) -> String {
        let units = utf16.count
        if units >= length {
            if units == length { return String(self) }
            return String(decoding: Array(utf16.prefix(length)), as: UTF16.self)
        }
        return String(self) + String(repeating: " ", count: length - units)
    }

    /// Every occurrence of `target` replaced, compared by Unicode scalars as NSString's
    /// `replacingOccurrences(of:with:)` compared them (so "\n" is found inside "\r\n").
    public func replacingAll(_ target: String, with replacement: String) -> String {
        let t = Array(target.unicodeScalars)
        guard !t.isEmpty else { return String(self) }
        let s = Array(unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            if s[i] == t[0], i + t.count <= s.count, s[i..<(i + t.count)].elementsEqual(t) {
                out.append(contentsOf: replacement.unicodeScalars)
                i += t.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(out)
    }

    /// Without leading and trailing white space and line ends (Foundation's `.whitespacesAndNewlines`), or
    /// only white space (`.whitespaces`: tab and the space separators) when `newlines` is false.
    public func trimmingWhitespace(newlines: Bool = true) -> String {
        func trims(_ u: Unicode.Scalar) -> Bool {
            if u == "\t" || u.properties.generalCategory == .spaceSeparator { return true }
            guard newlines else { return false }
            return (0x0A...0x0D).contains(u.value) || u.value == 0x85 || u.properties.generalCategory == .lineSeparator
                || u.properties.generalCategory == .paragraphSeparator
        }
        let scalars = String(self).unicodeScalars
        guard let first = scalars.firstIndex(where: { !trims($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !trims($0) })!
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}

/// `String(format:)` for one floating-point value and a C format such as `%.2f` (the C library's printf).
public func cFormat(_ format: String, _ value: Double) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    let n = withVaList([value]) { args in vsnprintf(&buffer, buffer.count, format, args) }
    guard n >= 0 else { return String(value) }
    if Int(n) >= buffer.count {
        buffer = [CChar](repeating: 0, count: Int(n) + 1)
        _ = withVaList([value]) { args in vsnprintf(&buffer, buffer.count, format, args) }
    }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
