/// A small XML reader for AWS Query/EC2 responses: elements, text and entity references. No DTDs, no
/// namespaces (prefixes are dropped), attributes are skipped. Enough for `<…Response>` and `<ErrorResponse>`
/// bodies without linking FoundationXML.
public struct XMLElement: Sendable, Equatable {
    public var name: String
    public var children: [XMLElement]
    public var text: String

    public init(name: String, children: [XMLElement] = [], text: String = "") {
        self.name = name
        self.children = children
        self.text = text
    }

    /// The first child with this name.
    public subscript(_ name: String) -> XMLElement? { children.first { $0.name == name } }

    /// All children with this name.
    public func all(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }

    /// Follows a path of child names.
    public func at(_ path: String...) -> XMLElement? {
        var cur: XMLElement? = self
        for p in path { cur = cur?[p] }
        return cur
    }

    /// This element's text without surrounding white space.
    public var trimmedText: String { String(text.trimmingSpaces()) }

    /// The text of a child, trimmed; nil when absent.
    public func string(_ name: String) -> String? { self[name].map { String($0.text.trimmingSpaces()) } }

    public func bool(_ name: String) -> Bool? { string(name).map { $0 == "true" } }
    public func int(_ name: String) -> Int? { string(name).flatMap { Int($0) } }

    /// Depth-first search for the first element with this name.
    public func find(_ name: String) -> XMLElement? {
        if self.name == name { return self }
        for c in children { if let f = c.find(name) { return f } }
        return nil
    }
}

public struct XMLParseError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var description: String { "XML: \(message) at byte \(offset)" }
}

public enum XMLReader {
    /// Parses a document and returns its root element.
    public static func parse(_ text: String) throws -> XMLElement { try parse(Array(text.utf8)) }

    public static func parse(_ bytes: [UInt8]) throws -> XMLElement {
        var p = Parser(b: bytes)
        return try p.document()
    }

    struct Parser {
        let b: [UInt8]
        var i = 0

        mutating func fail(_ m: String) -> XMLParseError { XMLParseError(message: m, offset: i) }

        mutating func document() throws -> XMLElement {
            var steps = 0
            while true {
                steps += 1
                guard steps < 100_000 else { throw fail("too many prolog items") }
                skipSpace()
                guard i < b.count else { throw fail("no root element") }
                if starts("<?") { try skip(past: "?>") }
                else if starts("<!--") { try skip(past: "-->") }
                else if starts("<!") { try skip(past: ">") }
                else if b[i] == UInt8(ascii: "<") { return try element(depth: 0) }
                else { throw fail("text before the root element") }
            }
        }

        func starts(_ s: String) -> Bool {
            let u = Array(s.utf8)
            guard i + u.count <= b.count else { return false }
            return Array(b[i..<i + u.count]) == u
        }

        mutating func skip(past s: String) throws {
            let u = Array(s.utf8)
            while i + u.count <= b.count {
                if Array(b[i..<i + u.count]) == u { i += u.count; return }
                i += 1
            }
            throw fail("unterminated '\(s)'")
        }

        mutating func skipSpace() {
            while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 }
        }

        mutating func name() throws -> String {
            let start = i
            while i < b.count, !(b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 || b[i] == UInt8(ascii: ">")
                                 || b[i] == UInt8(ascii: "/") || b[i] == UInt8(ascii: "=")) { i += 1 }
            guard i > start else { throw fail("expected a name") }
            let full = String(decoding: b[start..<i], as: UTF8.self)
            if let colon = full.lastIndex(of: ":") { return String(full[full.index(after: colon)...]) }
            return full
        }

        mutating func element(depth: Int) throws -> XMLElement {
            guard depth < 64 else { throw fail("nesting too deep") }
            i += 1 // <
            let n = try name()
            // attributes
            while true {
                skipSpace()
                guard i < b.count else { throw fail("unterminated start tag") }
                if b[i] == UInt8(ascii: "/") {
                    guard i + 1 < b.count, b[i + 1] == UInt8(ascii: ">") else { throw fail("bad empty tag") }
                    i += 2
                    return XMLElement(name: n)
                }
                if b[i] == UInt8(ascii: ">") { i += 1; break }
                _ = try name()
                skipSpace()
                guard i < b.count, b[i] == UInt8(ascii: "=") else { throw fail("attribute without value") }
                i += 1
                skipSpace()
                guard i < b.count, b[i] == 34 || b[i] == 39 else { throw fail("unquoted attribute") }
                let q = b[i]
                i += 1
                while i < b.count, b[i] != q { i += 1 }
                guard i < b.count else { throw fail("unterminated attribute") }
                i += 1
            }
            var el = XMLElement(name: n)
            var text: [UInt8] = []
            while true {
                guard i < b.count else { throw fail("unterminated element <\(n)>") }
                if b[i] == UInt8(ascii: "<") {
                    if starts("</") {
                        i += 2
                        let close = try name()
                        guard close == n else { throw fail("</\(close)> closes <\(n)>") }
                        skipSpace()
                        guard i < b.count, b[i] == UInt8(ascii: ">") else { throw fail("bad end tag") }
                        i += 1
                        el.text = String(decoding: text, as: UTF8.self)
                        return el
                    } else if starts("<!--") {
                        try skip(past: "-->")
                    } else if starts("<![CDATA[") {
                        i += 9
                        let start = i
                        try skip(past: "]]>")
                        text.append(contentsOf: b[start..<(i - 3)])
                    } else if starts("<?") {
                        try skip(past: "?>")
                    } else {
                        el.children.append(try element(depth: depth + 1))
                    }
                } else if b[i] == UInt8(ascii: "&") {
                    text.append(contentsOf: try entity())
                } else {
                    text.append(b[i])
                    i += 1
                }
            }
        }

        mutating func entity() throws -> [UInt8] {
            let start = i
            while i < b.count, b[i] != UInt8(ascii: ";"), i - start < 12 { i += 1 }
            guard i < b.count, b[i] == UInt8(ascii: ";") else { throw fail("bad entity") }
            let name = String(decoding: b[(start + 1)..<i], as: UTF8.self)
            i += 1
            switch name {
            case "lt": return [UInt8(ascii: "<")]
            case "gt": return [UInt8(ascii: ">")]
            case "amp": return [UInt8(ascii: "&")]
            case "quot": return [34]
            case "apos": return [39]
            default:
                var code: UInt32?
                if name.hasPrefix("#x") || name.hasPrefix("#X") { code = UInt32(name.dropFirst(2), radix: 16) }
                else if name.hasPrefix("#") { code = UInt32(name.dropFirst()) }
                guard let c = code, let scalar = Unicode.Scalar(c) else { throw fail("unknown entity &\(name);") }
                return Array(String(Character(scalar)).utf8)
            }
        }
    }

    /// Escapes text for an XML body (used by the tests' fakes and nowhere secret).
    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}
