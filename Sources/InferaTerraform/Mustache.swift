/// infera's Mustache renderer: the part of Mustache that templates/ uses, with the whitespace rules of
/// swift-mustache 2.x (which rendered them before; the generated files stay byte-identical), in plain Swift
/// so the release binary needs no Foundation (docs/ci.md#release-binaries).
///
/// Supported: `{{name}}` (HTML-escaped unless `{{% CONTENT_TYPE: TEXT}}` came first), `{{{name}}}` and
/// `{{& name}}` (never escaped), dotted names and `{{.}}`, sections `{{#name}}…{{/name}}` (a list renders once
/// per element, `true` once, a missing name or `false` not at all, any other value once with the value on top
/// of the context), inverted sections `{{^name}}…{{/name}}`, comments `{{! … }}`, `{{=<% %>=}}` delimiter
/// changes and the `CONTENT_TYPE` pragma (`HTML` or `TEXT`). A tag alone on its line (sections, comments,
/// pragmas, delimiter changes) takes its line with it, as the Mustache spec says. Partials, template
/// inheritance, lambdas and transforms (`first(list)`) are not supported: such a template is an error with
/// its line and column, like every malformed tag.
struct MustacheTemplate: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case variable(String, escaped: Bool)
        case section(String, [Node], inverted: Bool)
        /// `{{% CONTENT_TYPE: TEXT}}` (`text` true) or `HTML`: escaping for the rest of the enclosing block.
        case contentType(text: Bool)
    }

    /// What is wrong and where (1-based line and column of the tag).
    struct SyntaxError: Error, Equatable, CustomStringConvertible {
        var line: Int
        var column: Int
        var message: String
        var description: String { "\(line):\(column): \(message)" }
    }

    let nodes: [Node]

    init(_ text: String) throws(SyntaxError) {
        var parser = MustacheParser(Array(text))
        nodes = try parser.parseBlock(section: nil, atLineStart: true)
    }

    /// Renders with `context` (dictionaries `[String: Any]`, lists, `Bool`, strings and other values
    /// printed with `String(describing:)`).
    func render(_ context: Any) -> String {
        var out = ""
        Self.render(nodes, stack: [context], text: false, into: &out)
        return out
    }

    private static func render(_ nodes: [Node], stack: [Any], text: Bool, into out: inout String) {
        var text = text
        for node in nodes {
            switch node {
            case .text(let s):
                out += s
            case .contentType(let t):
                text = t
            case .variable(let name, let escaped):
                guard let value = lookup(name, in: stack) else { continue }
                let s = String(describing: value)
                out += escaped && !text ? htmlEscaped(s) : s
            case .section(let name, let children, let inverted):
                let value = lookup(name, in: stack)
                if let list = value as? [Any] {
                    if inverted {
                        if list.isEmpty { render(children, stack: stack + [list], text: text, into: &out) }
                    } else {
                        for element in list { render(children, stack: stack + [element], text: text, into: &out) }
                    }
                } else if let flag = value as? Bool {
                    if flag != inverted { render(children, stack: stack, text: text, into: &out) }
                } else if let value {
                    if !inverted { render(children, stack: stack + [value], text: text, into: &out) }
                } else if inverted {
                    render(children, stack: stack, text: text, into: &out)
                }
            }
        }
    }

    /// `.` is the innermost value; `a.b.c` finds `a` in the innermost context that has it, then `b` and `c`
    /// inside it; `.a` looks only in the innermost value.
    private static func lookup(_ name: String, in stack: [Any]) -> Any? {
        if name == "." { return stack.last }
        let parts = name.split(separator: ".").map(String.init)
        guard let first = parts.first else { return nil }
        var value: Any
        if name.hasPrefix(".") {
            guard let top = stack.last, let v = child(first, of: top) else { return nil }
            value = v
        } else {
            guard let v = stack.reversed().lazy.compactMap({ child(first, of: $0) }).first else { return nil }
            value = v
        }
        for part in parts.dropFirst() {
            guard let v = child(part, of: value) else { return nil }
            value = v
        }
        return value
    }

    private static func child(_ key: String, of value: Any) -> Any? {
        guard let dict = value as? [String: Any], let v = dict[key] else { return nil }
        if let optional = v as? any OptionalValue { return optional.wrapped }
        return v
    }

    static func htmlEscaped(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s {
            switch ch {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}

private protocol OptionalValue { var wrapped: Any? { get } }
extension Optional: OptionalValue { fileprivate var wrapped: Any? { self.map { $0 as Any } } }

/// Turns template text into nodes. Whitespace handling follows swift-mustache's parser: at the start of
/// a line the indentation is held back; a section, inverted section, closing, comment, pragma or delimiter
/// tag with nothing but spaces or tabs around it on its line drops that indentation and the line's end.
private struct MustacheParser {
    typealias SyntaxError = MustacheTemplate.SyntaxError
    let chars: [Character]
    var pos = 0
    var open: [Character] = ["{", "{"]
    var close: [Character] = ["}", "}"]

    init(_ chars: [Character]) { self.chars = chars }

    var atEnd: Bool { pos >= chars.count }
    var current: Character? { pos < chars.count ? chars[pos] : nil }

    /// Parses until the end of input (`section` nil) or the `{{/section}}` that closes it.
    mutating func parseBlock(section: (name: String, start: Int)?, atLineStart: Bool) throws(SyntaxError) -> [MustacheTemplate.Node] {
        var nodes: [MustacheTemplate.Node] = []
        var lineStart = atLineStart
        var indent = ""
        while !atEnd {
            if lineStart { indent = read { $0 == " " || $0 == "\t" } }
            let (text, tagAt) = readText()
            if tagAt == nil, let c = current, c == "\n" || c == "\r\n" {
                nodes.append(.text(indent + text + String(c)))
                lineStart = true
                pos += 1
                continue
            }
            if !text.isEmpty {
                nodes.append(.text(indent + text))
                indent = ""
                lineStart = false
            }
            guard let tagAt else { break }
            guard let kind = current else { throw error(at: tagAt, "unfinished tag at the end of the template") }
            var standalone = false
            switch kind {
            case "#", "^":
                pos += 1
                let name = try parseName(tagAt)
                standalone = lineStart && lineFinished()
                if !standalone, !indent.isEmpty { nodes.append(.text(indent)); indent = "" }
                let children = try parseBlock(section: (name, tagAt), atLineStart: standalone)
                nodes.append(.section(name, children, inverted: kind == "^"))
            case "/":
                pos += 1
                let name = try parseName(tagAt)
                guard let section else { throw error(at: tagAt, "{{/\(name)}} closes a section that was never opened") }
                guard name == section.name else {
                    let (line, _) = position(section.start)
                    throw error(at: tagAt, "{{/\(name)}} does not close {{#\(section.name)}} (opened on line \(line))")
                }
                standalone = lineStart && lineFinished()
                if !standalone, !indent.isEmpty { nodes.append(.text(indent)) }
                return nodes
            case "!":
                pos += 1
                guard let end = find(close, from: pos) else { throw error(at: tagAt, "comment is not closed with \(String(close))") }
                pos = end + close.count
                standalone = lineStart && lineFinished()
            case "{", "&":
                if !indent.isEmpty { nodes.append(.text(indent)); indent = "" }
                pos += 1
                let name = try parseName(tagAt)
                if kind == "{" {
                    guard current == "}" else { throw error(at: tagAt, "{{{\(name)}} is not closed with }}}") }
                    pos += 1
                }
                nodes.append(.variable(name, escaped: false))
            case "=":
                pos += 1
                try parseDelimiters(tagAt)
                standalone = lineStart && lineFinished()
            case "%":
                pos += 1
                nodes.append(try parsePragma(tagAt))
                standalone = lineStart && lineFinished()
            case ">", "<", "$":
                throw error(at: tagAt, "{{\(kind)…}} (partials and template inheritance) is not supported in infera templates; put the text in the template itself")
            default:
                if !indent.isEmpty { nodes.append(.text(indent)); indent = "" }
                nodes.append(.variable(try parseName(tagAt), escaped: true))
            }
            lineStart = standalone
        }
        if let section {
            throw error(at: section.start, "{{#\(section.name)}} is never closed (expected {{/\(section.name)}})")
        }
        return nodes
    }

    /// Text up to the next opening delimiter (consumed; its offset returned) or line end (not consumed).
    mutating func readText() -> (String, Int?) {
        var text = ""
        while let c = current {
            if c == "\n" || c == "\r\n" { return (text, nil) }
            if c == open[0], matches(open, at: pos) {
                let at = pos
                pos += open.count
                return (text, at)
            }
            text.append(c)
            pos += 1
        }
        return (text, nil)
    }

    /// A tag's name: letters, digits and `._-?*`, with optional whitespace around it, then the closing delimiter.
    mutating func parseName(_ tagAt: Int) throws(SyntaxError) -> String {
        _ = read { $0.isWhitespace }
        let name = read { Self.nameCharacters.contains($0) }
        _ = read { $0.isWhitespace }
        if current == "(" || name.contains("(") {
            throw error(at: tagAt, "transforms such as first(list) are not supported in infera templates")
        }
        guard matches(close, at: pos) else {
            throw error(at: tagAt, name.isEmpty ? "tag has no name or is not closed with \(String(close))"
                                                : "tag {{\(name)… is not closed with \(String(close)) (names are letters, digits and ._-?*)")
        }
        guard !name.isEmpty else { throw error(at: tagAt, "tag has no name") }
        pos += close.count
        return name
    }

    /// `{{=<% %>=}}`: two delimiters without whitespace or `=` in them.
    mutating func parseDelimiters(_ tagAt: Int) throws(SyntaxError) {
        _ = read { $0.isWhitespace }
        let start = read { !$0.isWhitespace }
        _ = read { $0.isWhitespace }
        let end = read { !$0.isWhitespace && $0 != "=" }
        _ = read { $0.isWhitespace }
        guard !start.isEmpty, !end.isEmpty, current == "=", matches(close, at: pos + 1) else {
            throw error(at: tagAt, "bad delimiter change; write it as {{=<% %>=}}")
        }
        pos += 1 + close.count
        open = Array(start)
        close = Array(end)
    }

    /// `{{% CONTENT_TYPE: TEXT}}` or `{{% CONTENT_TYPE: HTML}}`.
    mutating func parsePragma(_ tagAt: Int) throws(SyntaxError) -> MustacheTemplate.Node {
        let word: (Character) -> Bool = { Self.nameCharacters.contains($0) && $0 != "(" && $0 != ")" }
        _ = read { $0.isWhitespace }
        let variable = read(while: word)
        _ = read { $0.isWhitespace }
        guard current == ":" else { throw error(at: tagAt, "pragma must read {{% CONTENT_TYPE: TEXT}} or {{% CONTENT_TYPE: HTML}}") }
        pos += 1
        _ = read { $0.isWhitespace }
        let value = read(while: word)
        _ = read { $0.isWhitespace }
        guard matches(close, at: pos) else { throw error(at: tagAt, "pragma is not closed with \(String(close))") }
        pos += close.count
        guard variable == "CONTENT_TYPE", value == "TEXT" || value == "HTML" else {
            throw error(at: tagAt, "unknown pragma \(variable): \(value) (only CONTENT_TYPE: TEXT and CONTENT_TYPE: HTML exist)")
        }
        return .contentType(text: value == "TEXT")
    }

    /// At the end of a standalone tag: only spaces or tabs up to the line end (consumed with it) or the input's end.
    mutating func lineFinished() -> Bool {
        if atEnd { return true }
        var p = pos
        while p < chars.count, chars[p] == " " || chars[p] == "\t" { p += 1 }
        guard p < chars.count, chars[p].isNewline else { return false }
        pos = p + 1
        return true
    }

    mutating func read(while ok: (Character) -> Bool) -> String {
        var s = ""
        while let c = current, ok(c) { s.append(c); pos += 1 }
        return s
    }

    func matches(_ delimiter: [Character], at p: Int) -> Bool {
        p + delimiter.count <= chars.count && chars[p..<(p + delimiter.count)].elementsEqual(delimiter)
    }

    func find(_ delimiter: [Character], from p: Int) -> Int? {
        var i = p
        while i + delimiter.count <= chars.count {
            if matches(delimiter, at: i) { return i }
            i += 1
        }
        return nil
    }

    func position(_ offset: Int) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for c in chars[..<min(offset, chars.count)] {
            if c.isNewline { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }

    func error(at offset: Int, _ message: String) -> SyntaxError {
        let (line, column) = position(offset)
        return SyntaxError(line: line, column: column, message: message)
    }

    static let nameCharacters = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*()")
}
