/// A small JSON reader that remembers the line of every value, for manifests such as package.json.
indirect enum JSONLite: Sendable {
    case object([(key: String, line: Int, value: JSONLite)])
    case array([JSONLite])
    case string(String, line: Int)
    case number(String)
    case bool(Bool)
    case null

    struct ParseError: Error { let line: Int; let message: String }

    subscript(key: String) -> JSONLite? {
        if case .object(let members) = self { return members.first { $0.key == key }?.value }
        return nil
    }

    var members: [(key: String, line: Int, value: JSONLite)] {
        if case .object(let m) = self { return m }
        return []
    }

    var stringValue: String? {
        if case .string(let s, _) = self { return s }
        return nil
    }

    static func parse(_ bytes: [UInt8]) throws(ParseError) -> JSONLite {
        var p = Parser(b: bytes)
        p.skipWS()
        let v = try p.value(depth: 0)
        p.skipWS()
        if p.i < bytes.count { throw ParseError(line: p.line, message: "unexpected content after the JSON value") }
        return v
    }

    struct Parser {
        let b: [UInt8]
        var i = 0
        var line = 1

        mutating func skipWS() {
            while i < b.count {
                switch b[i] {
                case 10: line += 1; i += 1
                case 32, 9, 13: i += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws(ParseError) -> JSONLite {
            guard depth < 200 else { throw ParseError(line: line, message: "nesting too deep") }
            guard i < b.count else { throw ParseError(line: line, message: "unexpected end of file") }
            switch b[i] {
            case UInt8(ascii: "{"):
                i += 1
                var members: [(key: String, line: Int, value: JSONLite)] = []
                skipWS()
                if i < b.count && b[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                while true {
                    skipWS()
                    let keyLine = line
                    guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw ParseError(line: line, message: "expected a quoted key") }
                    let key = try string()
                    skipWS()
                    guard i < b.count, b[i] == UInt8(ascii: ":") else { throw ParseError(line: line, message: "expected ':' after key \"\(key)\"") }
                    i += 1
                    skipWS()
                    let v = try value(depth: depth + 1)
                    members.append((key, keyLine, v))
                    skipWS()
                    guard i < b.count else { throw ParseError(line: line, message: "unterminated object") }
                    if b[i] == UInt8(ascii: ",") { i += 1; continue }
                    if b[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                    throw ParseError(line: line, message: "expected ',' or '}'")
                }
            case UInt8(ascii: "["):
                i += 1
                var items: [JSONLite] = []
                skipWS()
                if i < b.count && b[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                while true {
                    skipWS()
                    items.append(try value(depth: depth + 1))
                    skipWS()
                    guard i < b.count else { throw ParseError(line: line, message: "unterminated array") }
                    if b[i] == UInt8(ascii: ",") { i += 1; continue }
                    if b[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                    throw ParseError(line: line, message: "expected ',' or ']'")
                }
            case UInt8(ascii: "\""):
                let l = line
                return .string(try string(), line: l)
            case UInt8(ascii: "t"):
                try literal("true"); return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false"); return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null"); return .null
            default:
                let s = i
                while i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") || (b[i] >= 48 && b[i] <= 57) { i += 1 }
                guard i > s else { throw ParseError(line: line, message: "unexpected character") }
                return .number(String(decoding: b[s..<i], as: UTF8.self))
            }
        }

        mutating func literal(_ word: String) throws(ParseError) {
            for c in word.utf8 {
                guard i < b.count, b[i] == c else { throw ParseError(line: line, message: "invalid literal") }
                i += 1
            }
        }

        mutating func string() throws(ParseError) -> String {
            i += 1
            var out: [UInt8] = []
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
                if c == 10 { throw ParseError(line: line, message: "newline in string") }
                if c == 92, i + 1 < b.count {
                    let e = b[i + 1]
                    switch e {
                    case UInt8(ascii: "n"): out.append(10)
                    case UInt8(ascii: "t"): out.append(9)
                    case UInt8(ascii: "u"):
                        // Keep it simple: \uXXXX becomes '?', manifests' names are ASCII.
                        out.append(UInt8(ascii: "?")); i += 4
                    default: out.append(e)
                    }
                    i += 2
                    continue
                }
                out.append(c)
                i += 1
            }
            throw ParseError(line: line, message: "unterminated string")
        }
    }
}
