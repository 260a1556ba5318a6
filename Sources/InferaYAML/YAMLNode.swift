import InferaDiagnostics

/// A position in YAML source: 1-based line and column (columns count Unicode scalars), plus the byte offset.
public struct YAMLMark: Sendable, Hashable, Codable {
    /// 1-based line.
    public var line: Int
    /// 1-based column, in Unicode scalars.
    public var column: Int
    /// 0-based byte offset into the source.
    public var offset: Int

    public init(line: Int, column: Int, offset: Int = 0) {
        self.line = line
        self.column = column
        self.offset = offset
    }
}

/// How a scalar was written in the source; quoted and block scalars are always strings.
public enum YAMLScalarStyle: String, Sendable, Hashable, Codable {
    case plain, singleQuoted, doubleQuoted, literal, folded

    /// True for every style except plain: the value is a string whatever it looks like.
    public var isQuoted: Bool { self != .plain }
}

/// One key/value entry of a YAML mapping, in source order.
public struct YAMLPair: Sendable, Hashable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// A node of the YAML tree with where it starts and ends in the source. Aliases are already expanded.
public struct YAMLNode: Sendable, Hashable {
    /// What the node holds.
    public enum Content: Sendable, Hashable {
        case scalar(String, YAMLScalarStyle)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public var content: Content
    /// The explicit tag (`tag:yaml.org,2002:str` for `!!str`), if one was written.
    public var tag: String?
    public var start: YAMLMark
    public var end: YAMLMark

    public init(content: Content, tag: String? = nil, start: YAMLMark, end: YAMLMark) {
        self.content = content
        self.tag = tag
        self.start = start
        self.end = end
    }

    // MARK: shape

    /// The kind of node, in words, for messages ("a mapping", "a list", "a string", "a number", …).
    public var kindDescription: String {
        switch content {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar:
            if isNull { return "null" }
            if boolValue != nil { return "a boolean" }
            if intValue != nil { return "an integer" }
            if doubleValue != nil { return "a number" }
            return "a string"
        }
    }

    /// The mapping entries, or nil when this is not a mapping.
    public var mapping: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The sequence items, or nil when this is not a sequence.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The scalar text as written (after unescaping), or nil for collections.
    public var scalar: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// The scalar style, or nil for collections.
    public var scalarStyle: YAMLScalarStyle? {
        if case .scalar(_, let style) = content { return style }
        return nil
    }

    /// The value of `key` in a mapping (the first one, duplicates are reported by the parser).
    public subscript(key: String) -> YAMLNode? {
        mapping?.first { $0.key.scalar == key }?.value
    }

    // MARK: scalar resolution (YAML 1.2 core schema)

    private static let strTag = "tag:yaml.org,2002:str"

    /// True when the scalar may be resolved by type (plain, and not tagged `!!str`).
    private var isResolvablePlain: Bool {
        guard case .scalar(_, let style) = content else { return false }
        return style == .plain && tag != Self.strTag
    }

    /// True for `~`, `null`, `Null`, `NULL` and an empty plain scalar (YAML 1.2 core schema).
    public var isNull: Bool {
        guard isResolvablePlain, let text = scalar else { return false }
        return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    /// The boolean of a plain `true`/`false` (any of the core schema's three spellings), else nil.
    public var boolValue: Bool? {
        guard isResolvablePlain, let text = scalar else { return nil }
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// True for YAML 1.1 booleans (`yes`, `no`, `on`, `off`, `y`, `n`) that YAML 1.2 reads as strings.
    public var isYAML11Boolean: Bool {
        guard isResolvablePlain, let text = scalar?.lowercased() else { return false }
        return ["yes", "no", "on", "off", "y", "n"].contains(text)
    }

    /// The integer of a plain decimal, `0x` hex or `0o` octal scalar that fits in `Int`, else nil.
    public var intValue: Int? {
        guard isResolvablePlain, let text = scalar, !text.isEmpty else { return nil }
        if text.hasPrefix("0x") { return Int(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return Int(text.dropFirst(2), radix: 8) }
        var digits = Substring(text)
        if digits.first == "+" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) else { return nil }
        return Int(digits)
    }

    /// The number of a plain integer or decimal scalar (also `.inf`/`.nan` spellings are rejected), else nil.
    public var doubleValue: Double? {
        if let i = intValue { return Double(i) }
        guard isResolvablePlain, let text = scalar, !text.isEmpty else { return nil }
        let allowed = Set("0123456789+-.eE")
        guard text.allSatisfy({ allowed.contains($0) }), text.contains(where: \.isNumber) else { return nil }
        return Double(text)
    }

    // MARK: locations

    /// The node's start as a diagnostic location in `file`; for a one-line scalar the length spans its text.
    public func location(in file: String) -> SourceLocation {
        let length: Int? = (start.line == end.line && end.column > start.column) ? end.column - start.column : nil
        return SourceLocation(file: file, line: start.line, column: start.column, length: length)
    }

    /// How many nodes this subtree holds (itself included).
    public var nodeCount: Int {
        switch content {
        case .scalar: return 1
        case .sequence(let items): return items.reduce(1) { $0 + $1.nodeCount }
        case .mapping(let pairs): return pairs.reduce(1) { $0 + $1.key.nodeCount + $1.value.nodeCount }
        }
    }
}
