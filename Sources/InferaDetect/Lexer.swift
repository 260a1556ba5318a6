/// Programming languages (and configuration dialects) the scanner understands.
public enum Language: String, Sendable, Hashable, Codable, CaseIterable {
    case javascript, python, go, ruby, java, kotlin, csharp, php, rust, elixir, scala
    /// `#`-comment configuration: YAML, .env, TOML, shell, Dockerfile, redis.conf, properties, Terraform.
    case config
    /// Markdown, reStructuredText, plain text: mentions only.
    case docs

    /// Languages whose source the code scanner runs on.
    var isCode: Bool { self != .config && self != .docs }

    /// The line-comment marker used to wrap examples in tests.
    public var lineComment: String {
        switch self {
        case .python, .ruby, .elixir, .config: "#"
        case .docs: ""
        default: "//"
        }
    }

    /// Block comment delimiters, when the language has them.
    public var blockComment: (String, String)? {
        switch self {
        case .javascript, .go, .java, .kotlin, .csharp, .php, .rust, .scala: ("/*", "*/")
        default: nil
        }
    }

    /// Classifies a file by extension.
    static func forExtension(_ ext: String) -> Language? {
        switch ext {
        case "js", "mjs", "cjs", "jsx", "ts", "tsx", "mts", "cts": .javascript
        case "py", "pyw": .python
        case "go": .go
        case "rb", "rake", "gemspec", "ru": .ruby
        case "java": .java
        case "kt", "kts": .kotlin
        case "cs": .csharp
        case "php": .php
        case "rs": .rust
        case "ex", "exs": .elixir
        case "scala", "sc": .scala
        case "yml", "yaml", "env", "toml", "sh", "bash", "conf", "properties", "tf", "tfvars", "ini", "cfg", "hcl": .config
        case "md", "markdown", "rst", "txt", "adoc", "asciidoc", "org", "html", "htm": .docs
        default: nil
        }
    }
}

/// A source file after lexing: the original bytes, a copy in which comments and string contents are
/// blanked (newlines and string delimiters kept, so offsets and lines are unchanged), and the ranges
/// of string literal contents.
public struct LexedSource: Sendable {
    public let path: String
    public let language: Language
    public let bytes: [UInt8]
    /// Same length as `bytes`; comments and string contents replaced by spaces.
    public let code: [UInt8]
    /// Contents (without delimiters) of every string literal, in order.
    public let strings: [Range<Int>]
    /// Offsets where each line starts.
    public let lineStarts: [Int]
    /// True for tests, specs, examples, fixtures and benchmarks.
    public let isTest: Bool

    public init(path: String, language: Language, bytes: [UInt8], isTest: Bool) {
        self.path = path
        self.language = language
        self.bytes = bytes
        self.isTest = isTest
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == 10 { starts.append(i + 1) }
        lineStarts = starts
        let (c, s) = Lexer.mask(bytes, language)
        code = c
        strings = s
    }

    /// 1-based line and column (in Unicode scalars) of a byte offset. Queries in increasing order on
    /// the same long line continue from the previous answer, so minified one-liners stay linear.
    public func position(_ offset: Int) -> (line: Int, column: Int) {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        var col = 1
        var i = lineStarts[lo]
        if let c = columnCache.get(), c.line == lo, c.offset <= offset, c.offset >= i { col = c.column; i = c.offset }
        while i < offset && i < bytes.count {
            if bytes[i] & 0xC0 != 0x80 { col += 1 }
            i += 1
        }
        if offset - lineStarts[lo] > 256 { columnCache.set((lo, offset, col)) }
        return (lo + 1, col)
    }

    private let columnCache = ColumnCache()

    /// The byte range of a line, without the newline.
    public func lineRange(_ line: Int) -> Range<Int> {
        let idx = max(0, min(line - 1, lineStarts.count - 1))
        let s = lineStarts[idx]
        var e = idx + 1 < lineStarts.count ? lineStarts[idx + 1] - 1 : bytes.count
        if e < s { e = s }
        return s..<e
    }

    /// The first string literal starting after `offset` (binary search).
    public func firstString(after offset: Int) -> Range<Int>? {
        var lo = 0, hi = strings.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if strings[mid].lowerBound > offset { hi = mid } else { lo = mid + 1 }
        }
        return lo < strings.count ? strings[lo] : nil
    }

    /// A snippet of the line holding `offset`, limited to a window around it on long lines.
    public func snippet(offset: Int) -> String {
        let (line, col) = position(offset)
        let r = lineRange(line)
        if r.count <= 400 { return snippet(line: line, column: col) }
        let s = max(r.lowerBound, offset - 80)
        let e = min(r.upperBound, offset + 120)
        let text = String(decoding: bytes[s..<e], as: UTF8.self)
        return Redactor.redactLine("…" + text.trimmedSpaces() + "…")
    }

    /// The trimmed text of a line, at most 160 characters around `column`, secrets redacted.
    public func snippet(line: Int, column: Int = 1) -> String {
        let r = lineRange(line)
        var text = String(decoding: bytes[r], as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        return Redactor.snippet(text, column: column)
    }

    /// The string literal whose contents contain `offset`, if any.
    public func stringContaining(_ offset: Int) -> Range<Int>? {
        var lo = 0, hi = strings.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            let r = strings[mid]
            if offset < r.lowerBound { hi = mid - 1 } else if offset >= r.upperBound { lo = mid + 1 } else { return r }
        }
        return nil
    }

    /// The text of a string literal's contents.
    public func text(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }
}

/// Remembers the last column computed on a long line (single-threaded use per file).
final class ColumnCache: @unchecked Sendable {
    private var value: (line: Int, offset: Int, column: Int)?
    func get() -> (line: Int, offset: Int, column: Int)? { value }
    func set(_ v: (line: Int, offset: Int, column: Int)) { value = v }
}

enum Lexer {
    static let space: UInt8 = 32, nl: UInt8 = 10, bs: UInt8 = 92
    static let dq = UInt8(ascii: "\""), sq = UInt8(ascii: "'"), bt = UInt8(ascii: "`")
    static let slash = UInt8(ascii: "/"), star = UInt8(ascii: "*"), hash = UInt8(ascii: "#")

    /// Masks comments and string contents. Linear in the input; never fails on malformed text.
    static func mask(_ src: [UInt8], _ lang: Language) -> ([UInt8], [Range<Int>]) {
        var code = src
        var strings: [Range<Int>] = []
        let n = src.count
        var i = 0
        let slashes = lang.blockComment != nil
        let hashComments: Bool = switch lang {
        case .python, .ruby, .elixir, .php, .config: true
        default: false
        }
        @inline(__always) func blank(_ a: Int, _ b: Int) {
            var k = a
            while k < b { if code[k] != nl { code[k] = space }; k += 1 }
        }
        var lineStart = true
        while i < n {
            let c = src[i]
            if c == nl { lineStart = true; i += 1; continue }
            let atLineStart = lineStart
            if c != space && c != 9 { lineStart = false }
            // Comments.
            if slashes && c == slash && i + 1 < n {
                if src[i + 1] == slash && !(lang == .config) {
                    var e = i
                    while e < n && src[e] != nl { e += 1 }
                    blank(i, e); i = e; continue
                }
                if src[i + 1] == star {
                    var e = i + 2
                    while e + 1 < n && !(src[e] == star && src[e + 1] == slash) { e += 1 }
                    e = min(n, e + 2)
                    blank(i, e); i = e; continue
                }
            }
            if hashComments && c == hash {
                let ok: Bool
                if lang == .config {
                    ok = i == 0 || src[i - 1] == space || src[i - 1] == 9 || src[i - 1] == nl
                } else if lang == .elixir || lang == .ruby {
                    ok = !(i + 1 < n && src[i + 1] == UInt8(ascii: "{"))
                } else {
                    ok = true
                }
                if ok {
                    var e = i
                    while e < n && src[e] != nl { e += 1 }
                    blank(i, e); i = e; continue
                }
            }
            if lang == .ruby && atLineStart && c == UInt8(ascii: "=") && startsWith(src, i, "=begin") {
                var e = i
                while e < n {
                    if src[e] == nl && startsWith(src, e + 1, "=end") { e += 5; break }
                    e += 1
                }
                e = min(n, e)
                blank(i, e); i = e; continue
            }
            if lang == .config { i += 1; continue }
            // Strings.
            if lang == .python || lang == .elixir, c == dq || c == sq, i + 2 < n, src[i + 1] == c, src[i + 2] == c {
                var e = i + 3
                while e + 2 < n && !(src[e] == c && src[e + 1] == c && src[e + 2] == c) {
                    e += src[e] == bs ? 2 : 1
                }
                let contentEnd = min(e, n)
                strings.append((i + 3)..<contentEnd)
                blank(i + 3, contentEnd)
                i = min(n, e + 3); continue
            }
            if c == dq || c == sq || (c == bt && (lang == .javascript || lang == .go || lang == .kotlin || lang == .ruby)) {
                if c == sq && (lang == .rust || lang == .java || lang == .kotlin || lang == .csharp || lang == .go || lang == .scala) {
                    // Character literal ('a', '\n', '\u{1F600}') or Rust lifetime ('a).
                    var e = i + 1
                    if e < n && src[e] == bs { e += 2 }
                    else { e += 1 }
                    while e < n && e - i < 12 && src[e] != sq && src[e] != nl { e += 1 }
                    if e < n && src[e] == sq && e - i <= 11 {
                        blank(i + 1, e); i = e + 1; continue
                    }
                    i += 1; continue
                }
                let verbatim = lang == .csharp && c == dq && i > 0 && src[i - 1] == UInt8(ascii: "@")
                let raw = c == bt || verbatim || (lang == .python && i > 0 && (src[i - 1] | 0x20) == UInt8(ascii: "r"))
                let multiline = c == bt || verbatim
                var e = i + 1
                while e < n {
                    let d = src[e]
                    if d == c {
                        if verbatim && e + 1 < n && src[e + 1] == dq { e += 2; continue }
                        break
                    }
                    if d == nl && !multiline && lang != .ruby && lang != .php && lang != .elixir { break }
                    if d == bs && !(raw && c != dq) && !verbatim { e += 2; continue }
                    e += 1
                }
                let contentEnd = min(e, n)
                strings.append((i + 1)..<contentEnd)
                blank(i + 1, contentEnd)
                i = (e < n && src[e] == c) ? e + 1 : contentEnd
                continue
            }
            i += 1
        }
        return (code, strings)
    }

    static func startsWith(_ src: [UInt8], _ at: Int, _ s: String) -> Bool {
        var k = at
        for b in s.utf8 {
            if k >= src.count || src[k] != b { return false }
            k += 1
        }
        return true
    }
}

/// Removes secrets from text shown to people: URL passwords and values of password/token keys.
public enum Redactor {
    /// Replaces the password of `scheme://user:password@host` with `****`.
    public static func redactURL(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        guard let at = rest.firstIndex(of: "@") else { return url }
        let userinfo = rest[rest.startIndex..<at]
        if let colon = userinfo.firstIndex(of: ":") {
            return String(url[..<schemeEnd.upperBound]) + userinfo[..<colon] + ":****" + rest[at...]
        }
        // A lone token before @ (redis://token@host) is a password too.
        if userinfo.isEmpty { return url }
        return String(url[..<schemeEnd.upperBound]) + "****" + rest[at...]
    }

    static let secretKeys = ["password", "passwd", "pass", "token", "secret", "auth", "requirepass", "api_key", "apikey"]

    /// Redacts every URL userinfo and every quoted value following a secret-looking key.
    public static func redactLine(_ line: String) -> String {
        var out = line
        // URLs.
        var searchFrom = out.startIndex
        while let r = out.range(of: "://", range: searchFrom..<out.endIndex) {
            var end = r.upperBound
            while end < out.endIndex, !" \t\"'`,;)>".contains(out[end]) { end = out.index(after: end) }
            var start = r.lowerBound
            while start > out.startIndex {
                let p = out.index(before: start)
                if out[p].isLetter || out[p] == "+" { start = p } else { break }
            }
            let url = String(out[start..<end])
            let red = redactURL(url)
            out.replaceSubrange(start..<end, with: red)
            searchFrom = out.index(start, offsetBy: red.count, limitedBy: out.endIndex) ?? out.endIndex
        }
        // key = "value" / key: 'value' / key => "value" / KEY=value
        let lower = out.lowercased()
        for key in secretKeys {
            var from = lower.startIndex
            while let r = lower.range(of: key, range: from..<lower.endIndex) {
                from = r.upperBound
                var j = r.upperBound
                while j < lower.endIndex, lower[j].isLetter || lower[j] == "_" { j = lower.index(after: j) }
                while j < lower.endIndex, " \t".contains(lower[j]) { j = lower.index(after: j) }
                guard j < lower.endIndex, ":=(".contains(lower[j]) || lower[j...].hasPrefix("=>") else { continue }
                j = lower.index(after: j)
                while j < lower.endIndex, " \t>=:".contains(lower[j]) { j = lower.index(after: j) }
                guard j < lower.endIndex else { continue }
                let q = lower[j]
                var valueStart = j, valueEnd = j
                if q == "\"" || q == "'" || q == "`" {
                    valueStart = lower.index(after: j)
                    valueEnd = valueStart
                    while valueEnd < lower.endIndex, lower[valueEnd] != q { valueEnd = lower.index(after: valueEnd) }
                } else if lower[j...].hasPrefix("env") || lower[j...].hasPrefix("process") || lower[j...].hasPrefix("os.") || q == "$" || q == "{" || q == "@" || q == "[" {
                    continue
                } else {
                    while valueEnd < lower.endIndex, !" \t,;)}".contains(lower[valueEnd]) { valueEnd = lower.index(after: valueEnd) }
                }
                if valueEnd > valueStart {
                    let dist0 = lower.distance(from: lower.startIndex, to: valueStart)
                    let dist1 = lower.distance(from: lower.startIndex, to: valueEnd)
                    let value = String(out[out.index(out.startIndex, offsetBy: dist0)..<out.index(out.startIndex, offsetBy: dist1)])
                    if value.hasPrefix("${") || value.hasPrefix("{{") || value.hasPrefix("$") || value == "****" || value.hasPrefix("<") { continue }
                    var chars = Array(out)
                    chars.replaceSubrange(dist0..<dist1, with: Array("****"))
                    out = String(chars)
                    return redactLine(out)
                }
            }
        }
        return out
    }

    /// A trimmed, redacted line of at most 160 characters, centred on `column` when long.
    public static func snippet(_ line: String, column: Int) -> String {
        var text = line.trimmedSpaces()
        let lead = line.count - line.drop(while: { $0 == " " || $0 == "\t" }).count
        if text.count > 160 {
            let c = max(0, column - 1 - lead)
            let start = max(0, min(c - 60, text.count - 160))
            let s = text.index(text.startIndex, offsetBy: start)
            let e = text.index(s, offsetBy: 160)
            text = (start > 0 ? "…" : "") + String(text[s..<e]) + "…"
        }
        return redactLine(text)
    }
}

extension String {
    /// The string without leading and trailing blanks.
    func trimmedSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s = s.dropLast() }
        return String(s)
    }
}
