import CYAML
import InferaDiagnostics

/// Bounds that keep hostile or absurd input from exhausting memory or the stack.
public struct YAMLLimits: Sendable, Hashable {
    /// Largest accepted input, in bytes.
    public var maxBytes: Int
    /// Deepest accepted nesting of mappings and sequences.
    public var maxDepth: Int
    /// Most nodes the tree may hold after aliases are expanded (the alias-bomb guard).
    public var maxNodes: Int

    public init(maxBytes: Int = 1 << 20, maxDepth: Int = 64, maxNodes: Int = 100_000) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    /// 1 MiB, depth 64, 100 000 nodes: far above any real infera.yaml.
    public static let `default` = YAMLLimits()
}

/// The outcome of parsing: the document's root (nil when there is none or parsing failed) and every problem found.
public struct YAMLParseResult: Sendable {
    /// The root node of the first document, or nil.
    public var root: YAMLNode?
    /// Problems found (syntax, encoding, limits, duplicate keys, extra documents).
    public var diagnostics: [Diagnostic]
    /// How many documents the stream started (counting stops at the second).
    public var documentCount: Int

    public init(root: YAMLNode?, diagnostics: [Diagnostic], documentCount: Int) {
        self.root = root
        self.diagnostics = diagnostics
        self.documentCount = documentCount
    }
}

/// Reads YAML with libyaml's event parser into a `YAMLNode` tree that keeps line and column for every node.
public enum YAMLParser {
    /// Diagnostic codes this layer emits.
    public enum Code {
        public static let syntax = "yaml.syntax"
        public static let encoding = "yaml.encoding"
        public static let binary = "yaml.binary"
        public static let tooLarge = "yaml.too-large"
        public static let tooDeep = "yaml.too-deep"
        public static let aliasLimit = "yaml.alias-limit"
        public static let unknownAlias = "yaml.unknown-alias"
        public static let multipleDocuments = "yaml.multiple-documents"
        public static let duplicateKey = "yaml.duplicate-key"
        public static let complexKey = "yaml.complex-key"
    }

    /// Parses `text` (already valid Unicode) as the contents of `file`.
    public static func parse(text: String, file: String, limits: YAMLLimits = .default) -> YAMLParseResult {
        parse(bytes: Array(text.utf8), file: file, limits: limits)
    }

    /// Parses raw bytes as the contents of `file`: checks size, binary content and UTF-8 first, then YAML.
    public static func parse(bytes: [UInt8], file: String, limits: YAMLLimits = .default) -> YAMLParseResult {
        let fileStart = SourceLocation(file: file, line: 1, column: 1)
        if bytes.count > limits.maxBytes {
            return YAMLParseResult(root: nil, diagnostics: [.error(
                Code.tooLarge,
                "file is too large (\(formatBytes(bytes.count)); the limit is \(formatBytes(limits.maxBytes)))",
                at: fileStart,
                hint: "infera.yaml describes one deployment and is normally under 2 KB; is this the right file?"
            )], documentCount: 0)
        }
        if let problem = checkEncoding(bytes, file: file) {
            return YAMLParseResult(root: nil, diagnostics: [problem], documentCount: 0)
        }
        var builder = TreeBuilder(file: file, limits: limits)
        bytes.withUnsafeBufferPointer { builder.run($0) }
        return YAMLParseResult(root: builder.root, diagnostics: builder.diagnostics, documentCount: builder.documentCount)
    }

    /// "10.0 MB", "12 KB", "300 bytes".
    public static func formatBytes(_ n: Int) -> String {
        if n >= 1 << 20 {
            let tenths = (n * 10) / (1 << 20)
            return "\(tenths / 10).\(tenths % 10) MB"
        }
        if n >= 1 << 10 { return "\(n / (1 << 10)) KB" }
        return "\(n) bytes"
    }

    // MARK: encoding and binary checks

    /// Rejects binary content (NUL bytes or mostly control characters), UTF-16/32 and invalid UTF-8 with a located message.
    static func checkEncoding(_ bytes: [UInt8], file: String) -> Diagnostic? {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return .error(Code.encoding, "file is encoded in UTF-16; infera.yaml must be UTF-8",
                          at: SourceLocation(file: file, line: 1, column: 1),
                          hint: "re-save the file as UTF-8 (without a byte-order mark)")
        }
        var controls = 0
        var firstNul: Int?
        for (i, b) in bytes.enumerated() {
            if b == 0 { firstNul = firstNul ?? i }
            if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D { controls += 1 }
        }
        if let nul = firstNul ?? (bytes.count > 0 && controls * 10 > bytes.count ? 0 : nil) {
            let (line, column) = position(of: nul, in: bytes)
            return .error(Code.binary, "file looks binary, not YAML text" + (firstNul != nil ? " (it contains a NUL byte)" : ""),
                          at: SourceLocation(file: file, line: line, column: column),
                          hint: "infera validate reads a YAML text file; pass the right file with -f")
        }
        if let bad = firstInvalidUTF8(bytes) {
            let (line, column) = position(of: bad, in: bytes)
            let byte = String(bytes[bad], radix: 16, uppercase: true)
            return .error(Code.encoding, "invalid UTF-8 (byte 0x\(byte.count == 1 ? "0" + byte : byte) at offset \(bad))",
                          at: SourceLocation(file: file, line: line, column: column),
                          hint: "re-save the file as UTF-8; Latin-1 or Windows-1252 text must be converted")
        }
        return nil
    }

    /// The offset of the first byte that does not start a valid, shortest-form UTF-8 sequence, or nil.
    static func firstInvalidUTF8(_ b: [UInt8]) -> Int? {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let need: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return i
            }
            if i + need >= n { return i }
            for k in 1...need {
                let x = b[i + k]
                let (l, h) = k == 1 ? (lo, hi) : (UInt8(0x80), UInt8(0xBF))
                if x < l || x > h { return i }
            }
            i += need + 1
        }
        return nil
    }

    /// 1-based line and column (in Unicode scalars, counting undecodable bytes as one) of byte `offset`.
    static func position(of offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        var line = 1, column = 1
        var i = 0
        while i < offset && i < bytes.count {
            let b = bytes[i]
            if b == 0x0A {
                line += 1; column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return (line, column)
    }
}

/// Drives libyaml's event parser and assembles the tree.
private struct TreeBuilder {
    let file: String
    let limits: YAMLLimits
    var root: YAMLNode?
    var diagnostics: [Diagnostic] = []
    var documentCount = 0

    /// An open collection. Mutated in place through `stack[last]` so appends stay amortised O(1).
    private struct Frame {
        var isMapping: Bool
        var start: YAMLMark
        var tag: String?
        var anchor: String?
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        /// The key waiting for its value (mappings).
        var key: YAMLNode?
        /// Each scalar key seen so far and its line, for duplicate detection.
        var lines: [String: Int] = [:]
    }

    private var stack: [Frame] = []
    private var anchors: [String: YAMLNode] = [:]
    private var nodeTotal = 0
    private var stopped = false

    init(file: String, limits: YAMLLimits) {
        self.file = file
        self.limits = limits
    }

    private func mark(_ m: yaml_mark_t) -> YAMLMark {
        YAMLMark(line: Int(m.line) + 1, column: Int(m.column) + 1, offset: Int(m.index))
    }

    private func location(_ m: YAMLMark) -> SourceLocation {
        SourceLocation(file: file, line: m.line, column: m.column)
    }

    private static func string(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let p else { return nil }
        return String(cString: UnsafePointer(p))
    }

    mutating func run(_ input: UnsafeBufferPointer<UInt8>) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            diagnostics.append(.error(YAMLParser.Code.syntax, "could not initialise the YAML parser (out of memory)"))
            return
        }
        defer { yaml_parser_delete(&parser) }
        let empty: [UInt8] = [0]
        if let base = input.baseAddress, input.count > 0 {
            yaml_parser_set_input_string(&parser, base, input.count)
        } else {
            empty.withUnsafeBufferPointer { yaml_parser_set_input_string(&parser, $0.baseAddress, 0) }
        }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)

        var event = yaml_event_t()
        while !stopped {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                let at = Int(parser.problem_mark.index)
                reportParserError(parser, tabAtProblem: at < input.count && input[at] == 0x09)
                return
            }
            let done = event.type == YAML_STREAM_END_EVENT
            handle(&event)
            yaml_event_delete(&event)
            if done { break }
        }
    }

    private mutating func reportParserError(_ parser: yaml_parser_t, tabAtProblem: Bool) {
        let problem = parser.problem.map { String(cString: $0) } ?? "malformed YAML"
        let context = parser.context.map { String(cString: $0) }
        var message = "YAML syntax error: \(problem)"
        if let context { message += " \(context)" }
        // At the end of the stream, the place where the unfinished construct started is more useful.
        var m = mark(parser.problem_mark)
        if problem.contains("end of stream"), context != nil { m = mark(parser.context_mark) }
        var hint: String? = "check the indentation and the quoting around this place"
        if problem.contains("tab") || tabAtProblem {
            message = "YAML syntax error: a tab character cannot indent YAML"
            hint = "indent with spaces, not tabs"
        }
        if problem.contains("mapping values are not allowed") { hint = "a value that contains ': ' must be quoted, or the line is indented wrongly" }
        if let context, context.contains("quoted scalar") { hint = "a quote is not closed" }
        diagnostics.append(.error(YAMLParser.Code.syntax, message, at: location(m), hint: hint))
    }

    private mutating func handle(_ event: inout yaml_event_t) {
        let start = mark(event.start_mark)
        let end = mark(event.end_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documentCount += 1
            if documentCount > 1 {
                diagnostics.append(.error(
                    YAMLParser.Code.multipleDocuments,
                    "the file holds more than one YAML document; infera.yaml must hold exactly one",
                    at: location(start),
                    hint: "remove the '---' separator and merge the documents, or split them into separate files"))
                stopped = true
            }
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                diagnostics.append(.error(YAMLParser.Code.unknownAlias, "alias '*\(name)' refers to an anchor that is not defined above it",
                                          at: location(start), hint: "define '&\(name)' before using '*\(name)'"))
                stopped = true
                return
            }
            let count = target.nodeCount
            nodeTotal += count
            if nodeTotal > limits.maxNodes {
                diagnostics.append(.error(
                    YAMLParser.Code.aliasLimit,
                    "aliases expand to more than \(limits.maxNodes) nodes (an alias bomb?)",
                    at: location(start),
                    hint: "infera.yaml should not need nested aliases; write the values out"))
                stopped = true
                return
            }
            var copy = target
            copy.start = start
            copy.end = end
            complete(copy, anchor: nil)
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let value: String
            if let p = s.value {
                value = String(decoding: UnsafeBufferPointer(start: p, count: s.length), as: UTF8.self)
            } else {
                value = ""
            }
            let style: YAMLScalarStyle
            switch s.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let tag = Self.string(s.tag)
            nodeTotal += 1
            if checkNodeLimit(start) { return }
            complete(YAMLNode(content: .scalar(value, style), tag: tag, start: start, end: end), anchor: Self.string(s.anchor))
        case YAML_SEQUENCE_START_EVENT:
            let s = event.data.sequence_start
            if checkDepth(start) { return }
            nodeTotal += 1
            if checkNodeLimit(start) { return }
            stack.append(Frame(isMapping: false, start: start, tag: Self.string(s.tag), anchor: Self.string(s.anchor)))
        case YAML_MAPPING_START_EVENT:
            let s = event.data.mapping_start
            if checkDepth(start) { return }
            nodeTotal += 1
            if checkNodeLimit(start) { return }
            stack.append(Frame(isMapping: true, start: start, tag: Self.string(s.tag), anchor: Self.string(s.anchor)))
        case YAML_SEQUENCE_END_EVENT:
            guard let frame = stack.popLast(), !frame.isMapping else { return }
            complete(YAMLNode(content: .sequence(frame.items), tag: frame.tag, start: frame.start, end: end), anchor: frame.anchor)
        case YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast(), frame.isMapping else { return }
            complete(YAMLNode(content: .mapping(frame.pairs), tag: frame.tag, start: frame.start, end: end), anchor: frame.anchor)
        default:
            break
        }
    }

    private mutating func checkDepth(_ at: YAMLMark) -> Bool {
        guard stack.count >= limits.maxDepth else { return false }
        diagnostics.append(.error(YAMLParser.Code.tooDeep, "nesting is deeper than \(limits.maxDepth) levels",
                                  at: location(at), hint: "infera.yaml needs at most a few levels of nesting"))
        stopped = true
        return true
    }

    private mutating func checkNodeLimit(_ at: YAMLMark) -> Bool {
        guard nodeTotal > limits.maxNodes else { return false }
        diagnostics.append(.error(YAMLParser.Code.aliasLimit, "the document has more than \(limits.maxNodes) nodes",
                                  at: location(at), hint: "infera.yaml needs a few dozen values; is this the right file?"))
        stopped = true
        return true
    }

    /// Attaches a finished node to its parent (or makes it the root) and records its anchor.
    private mutating func complete(_ node: YAMLNode, anchor: String?) {
        if let anchor { anchors[anchor] = node }
        guard !stack.isEmpty else {
            if documentCount <= 1 && root == nil { root = node }
            return
        }
        let top = stack.count - 1
        if !stack[top].isMapping {
            stack[top].items.append(node)
        } else if let key = stack[top].key {
            stack[top].pairs.append(YAMLPair(key: key, value: node))
            stack[top].key = nil
        } else {
            if node.scalar == nil {
                diagnostics.append(.error(YAMLParser.Code.complexKey, "a mapping key must be a plain string, not \(node.kindDescription)",
                                          at: node.location(in: file), hint: "write keys as simple words such as 'tier'"))
            } else if let text = node.scalar {
                if let firstLine = stack[top].lines[text] {
                    diagnostics.append(.error(YAMLParser.Code.duplicateKey,
                                              "duplicate key '\(text)' (first defined at line \(firstLine))",
                                              at: node.location(in: file), hint: "remove one of the two; YAML keeps only one value per key"))
                } else {
                    stack[top].lines[text] = node.start.line
                }
            }
            stack[top].key = node
        }
    }
}
