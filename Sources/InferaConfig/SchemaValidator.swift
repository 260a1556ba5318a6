import InferaDiagnostics
import InferaYAML
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value that passed its schema check.
indirect enum Checked: Sendable, Hashable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case list([Checked])
    case object([String: Checked])

    var string: String? { if case .string(let s) = self { return s }; return nil }
    var int: Int? { if case .int(let i) = self { return i }; return nil }
    var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    var list: [Checked]? { if case .list(let l) = self { return l }; return nil }
    var object: [String: Checked]? { if case .object(let o) = self { return o }; return nil }
}

/// Diagnostic codes of the config layer.
public enum ConfigCode {
    public static let fileNotFound = "config.file-not-found"
    public static let unreadable = "config.unreadable"
    public static let empty = "config.empty"
    public static let notMapping = "config.not-mapping"
    public static let unknownKey = "config.unknown-key"
    public static let forbiddenKey = "config.not-supported"
    public static let type = "config.type"
    public static let enumValue = "config.enum"
    public static let missing = "config.missing"
    public static let emptyValue = "config.empty-value"
    public static let range = "config.range"
    public static let pattern = "config.pattern"
    public static let unknownValue = "config.unknown-value"
    public static let duplicateItem = "config.duplicate-item"
    public static let providerMismatch = "config.provider-mismatch"
    public static let rule = "config.rule"
    public static let name = "config.resource-name"
    public static let region = "config.region"
    public static let account = "config.account"
    public static let secret = "config.secret"
    public static let truncated = "config.truncated"
}

/// Walks YAML nodes against the schema, collecting every problem and the values that passed.
struct SchemaValidator {
    let file: String
    /// The cache variant to use when `cache.provider` is absent or invalid.
    var defaultVariant: String?
    /// Variants that fit the rest of the file (nil: all). A written variant outside this set is checked against
    /// whichever variant fits the keys best, so one wrong `provider` does not bury the file in unknown-key errors.
    var compatibleVariants: Set<String>?
    var diagnostics: [Diagnostic] = []
    /// Location of every value that was written, by dotted path.
    var locations: [String: SourceLocation] = [:]
    /// Location of every key that was written, by dotted path.
    var keyLocations: [String: SourceLocation] = [:]
    /// Objects (by path) in which an unknown key was found: a misspelt key there may hide the user's intent.
    var sectionsWithUnknownKeys: Set<String> = []
    /// Compiled patterns, reused across values.
    let patterns = PatternCache()
    /// The variant chosen for each `.variants` object, by path.
    var chosenVariants: [String: String] = [:]

    init(file: String, defaultVariant: String?) {
        self.file = file
        self.defaultVariant = defaultVariant
    }

    private mutating func error(_ code: String, _ message: String, _ node: YAMLNode, hint: String? = nil) {
        diagnostics.append(.error(code, message, at: node.location(in: file), hint: hint))
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    private static func display(_ text: String) -> String {
        let clipped = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return "'" + clipped.replacingNewlines() + "'"
    }

    // MARK: dispatch

    mutating func check(_ node: YAMLNode, _ type: SchemaType, path: String) -> Checked? {
        if node.scalar != nil { locations[path] = node.location(in: file) }
        switch type {
        case .string(let rule): return checkString(node, rule, path: path)
        case .integer(let lo, let hi): return checkInteger(node, min: lo, max: hi, path: path)
        case .boolean: return checkBool(node, path: path)
        case .enumeration(let values): return checkEnum(node, values, path: path)
        case .object(let schema): return checkObject(node, schema, path: path, others: [])
        case .variants(let discriminator, let variants): return checkVariants(node, discriminator, variants, path: path)
        case .map(let keyRule, let valueType): return checkMap(node, key: keyRule, value: valueType, path: path)
        case .list(let element, let lo, let hi, let unique): return checkList(node, element, min: lo, max: hi, unique: unique, path: path)
        case .stringOrObject(let rule, let schema):
            if node.mapping != nil { return checkObject(node, schema, path: path, others: []) }
            return checkString(node, rule, path: path)
        }
    }

    private mutating func typeError(_ node: YAMLNode, expected: String, path: String, hint: String? = nil) {
        var hint = hint
        if hint == nil, node.sequence != nil { hint = "write a single value, not a list" }
        if hint == nil, node.mapping != nil { hint = "write a single value here, not nested keys (is the next line indented too far?)" }
        error(ConfigCode.type, "'\(path)' must be \(expected), not \(node.kindDescription)", node, hint: hint)
    }

    // MARK: scalars

    private mutating func checkString(_ node: YAMLNode, _ rule: StringRule, path: String, subject: String? = nil) -> Checked? {
        guard let text = node.scalar else {
            typeError(node, expected: "a string", path: path)
            return nil
        }
        if node.isNull {
            error(ConfigCode.emptyValue, "'\(path)' has no value", node, hint: "write a value after the colon, or remove the key")
            return nil
        }
        let subject = subject ?? "'\(path)'"
        let known = rule.knownValues
        if let prefix = rule.forbiddenPrefixes.first(where: { text.hasPrefix($0) }) {
            error(ConfigCode.pattern, "\(subject) must not start with '\(prefix)' (\(Self.display(text)))", node,
                  hint: "the '\(prefix)' prefix is reserved by the provider")
            return nil
        }
        if let pattern = rule.pattern, !patterns.matches(pattern, text) {
            var message = "invalid value \(Self.display(text)) for \(subject)"
            if let suggestion = Self.suggest(text, from: known) {
                message += " (did you mean '\(suggestion)'?)"
            }
            error(ConfigCode.pattern, message, node, hint: rule.patternDescription.map { "expected \($0)" })
            return nil
        }
        let lengthHint = rule.patternDescription.map { "expected \($0)" }
        if let min = rule.minLength, text.count < min {
            error(ConfigCode.range, "\(subject) must be at least \(min) characters long (\(Self.display(text)) has \(text.count))", node, hint: lengthHint)
            return nil
        }
        if let max = rule.maxLength, text.count > max {
            error(ConfigCode.range, "\(subject) must be at most \(max) characters long (it has \(text.count))", node, hint: lengthHint)
            return nil
        }
        if let severity = rule.unknownSeverity, !known.isEmpty, !known.contains(text) {
            var message = "unknown value \(Self.display(text)) for \(subject)"
            if let suggestion = Self.suggest(text, from: known) { message += " (did you mean '\(suggestion)'?)" }
            let diagnostic = Diagnostic(severity: severity, code: ConfigCode.unknownValue, message: message,
                                        location: node.location(in: file), hint: Self.listHint(known))
            diagnostics.append(diagnostic)
            if severity == .error { return nil }
        }
        return .string(text)
    }

    /// "a" or "an" for a word.
    static func article(_ word: String) -> String {
        guard let first = word.lowercased().first else { return "a" }
        return "aeiou".contains(first) ? "an" : "a"
    }

    /// Did-you-mean that stays quiet for words too short to have a plausible typo.
    static func suggest(_ word: String, from candidates: [String]) -> String? {
        guard let s = DidYouMean.suggest(word, from: candidates) else { return nil }
        return DidYouMean.editDistance(word.lowercased(), s.lowercased()) < word.count ? s : nil
    }

    static func listHint(_ values: [String], limit: Int = 12) -> String {
        if values.count <= limit { return "allowed: " + values.joined(separator: ", ") }
        return "allowed: " + values.prefix(limit).joined(separator: ", ") + ", … (\(values.count) in all; see `infera schema`)"
    }

    private mutating func checkInteger(_ node: YAMLNode, min: Int?, max: Int?, path: String) -> Checked? {
        guard let value = node.intValue else {
            var hint: String?
            if let text = node.scalar, node.scalarStyle?.isQuoted == true, Int(text) != nil { hint = "remove the quotes: \(text)" }
            if node.doubleValue != nil { hint = "use a whole number" }
            typeError(node, expected: "an integer", path: path, hint: hint)
            return nil
        }
        if let min, value < min {
            rangeError(node, value, min: min, max: max, path: path)
            return nil
        }
        if let max, value > max {
            rangeError(node, value, min: min, max: max, path: path)
            return nil
        }
        return .int(value)
    }

    private mutating func rangeError(_ node: YAMLNode, _ value: Int, min: Int?, max: Int?, path: String) {
        let bounds: String
        switch (min, max) {
        case let (lo?, hi?): bounds = "between \(lo) and \(hi)"
        case let (lo?, nil): bounds = "at least \(lo)"
        case let (nil, hi?): bounds = "at most \(hi)"
        default: bounds = "in range"
        }
        error(ConfigCode.range, "'\(path)' must be \(bounds), not \(value)", node)
    }

    private mutating func checkBool(_ node: YAMLNode, path: String) -> Checked? {
        if let b = node.boolValue { return .bool(b) }
        var hint: String? = "write true or false"
        if node.isYAML11Boolean, let text = node.scalar {
            hint = "'\(text)' is a string in YAML 1.2; write \(["yes", "on", "y"].contains(text.lowercased()) ? "true" : "false")"
        } else if let text = node.scalar, node.scalarStyle?.isQuoted == true, ["true", "false"].contains(text.lowercased()) {
            hint = "remove the quotes: \(text.lowercased())"
        }
        typeError(node, expected: "a boolean", path: path, hint: hint)
        return nil
    }

    private mutating func checkEnum(_ node: YAMLNode, _ values: [String], path: String) -> Checked? {
        guard let text = node.scalar, !node.isNull else {
            if node.isNull {
                error(ConfigCode.emptyValue, "'\(path)' has no value", node, hint: Self.listHint(values))
            } else {
                typeError(node, expected: "one of " + values.joined(separator: ", "), path: path)
            }
            return nil
        }
        if values.contains(text) { return .string(text) }
        var message = "invalid value \(Self.display(text)) for '\(path)'"
        if let suggestion = Self.suggest(text, from: values) ?? Self.versionSuggestion(text, values) {
            message += " (did you mean '\(suggestion)'?)"
        }
        error(ConfigCode.enumValue, message, node, hint: Self.listHint(values))
        return nil
    }

    /// Maps `7.0` or `7` to `REDIS_7_0` style values when the enum uses that form.
    private static func versionSuggestion(_ text: String, _ values: [String]) -> String? {
        let parts = text.split(separator: ".")
        guard let major = parts.first, major.allSatisfy(\.isNumber) else { return nil }
        let minor = parts.count > 1 ? String(parts[1]) : "0"
        return values.first { $0 == "REDIS_\(major)_\(minor)" } ?? values.first { $0 == "REDIS_\(major)_X" }
    }

    // MARK: collections

    private mutating func checkObject(_ node: YAMLNode, _ schema: ObjectSchema, path: String, others: [SchemaVariant]) -> Checked? {
        guard let pairs = node.mapping else {
            if node.isNull {
                return .object([:])
            }
            typeError(node, expected: "a mapping of keys", path: path.isEmpty ? "the file" : path,
                      hint: "write the settings as indented 'key: value' lines under '\(path)'")
            return nil
        }
        var result: [String: Checked] = [:]
        var seen = Set<String>()
        for pair in pairs {
            guard let key = pair.key.scalar else { continue }  // complex keys are reported by the YAML layer
            if seen.contains(key) { continue }                   // duplicates are reported by the YAML layer
            seen.insert(key)
            let childPath = Self.join(path, key)
            keyLocations[childPath] = pair.key.location(in: file)
            guard let property = schema.property(key) else {
                sectionsWithUnknownKeys.insert(path)
                unknownKey(pair.key, key, schema: schema, path: path, others: others)
                continue
            }
            if let forbidden = property.forbidden {
                diagnostics.append(.error(ConfigCode.forbiddenKey, forbidden.message, at: pair.key.location(in: file), hint: forbidden.hint))
                continue
            }
            if pair.value.isNull, !Self.acceptsNull(property.type) {
                locations[childPath] = pair.key.location(in: file)
                if property.required {
                    error(ConfigCode.emptyValue, "'\(childPath)' has no value", pair.key,
                          hint: Self.requiredHint(property))
                } else {
                    diagnostics.append(.warning(ConfigCode.emptyValue, "'\(childPath)' has no value; the default applies",
                                                at: pair.key.location(in: file), hint: "write a value or remove the key"))
                }
                continue
            }
            let nestedOthers: [SchemaVariant] = others.compactMap { other in
                if case .object(let o)? = other.schema.property(key)?.type { return SchemaVariant(value: other.value, schema: o) }
                return nil
            }
            if case .object(let o) = property.type, !nestedOthers.isEmpty {
                if let value = checkObject(pair.value, o, path: childPath, others: nestedOthers) { result[key] = value }
            } else if let value = check(pair.value, property.type, path: childPath) {
                result[key] = value
            }
        }
        for property in schema.properties where property.required && !seen.contains(property.name) {
            let owner = path.isEmpty ? "the file" : "'\(path)'"
            diagnostics.append(.error(ConfigCode.missing, "missing required key '\(property.name)' in \(owner)",
                                      at: keyLocations[path] ?? node.location(in: file).startOnly,
                                      hint: Self.requiredHint(property)))
        }
        return .object(result)
    }

    private static func acceptsNull(_ type: SchemaType) -> Bool {
        if case .object = type { return true }
        if case .map = type { return true }
        return false
    }

    private static func requiredHint(_ property: PropertySchema) -> String {
        var hint = "\(property.name): " + property.summary
        if case .enumeration(let values) = property.type { hint = "\(property.name): one of " + values.joined(separator: ", ") }
        return hint
    }

    private mutating func unknownKey(_ keyNode: YAMLNode, _ key: String, schema: ObjectSchema, path: String, others: [SchemaVariant]) {
        let owner = path.isEmpty ? "" : " in '\(path)'"
        var message = "unknown key '\(key)'\(owner)"
        var hint: String?
        if let suggestion = Self.suggest(key, from: schema.allowedKeys) {
            message += " (did you mean '\(suggestion)'?)"
        } else if let owner = others.first(where: { $0.schema.property(key) != nil && $0.schema.property(key)?.forbidden == nil }) {
            hint = "'\(key)' is \(Self.article(CacheProvider(rawValue: owner.value)?.displayName ?? owner.value)) \(CacheProvider(rawValue: owner.value)?.displayName ?? owner.value) setting; it does not apply here"
        }
        if hint == nil {
            hint = schema.allowedKeys.isEmpty ? "this section takes no keys" : "valid keys here: " + schema.allowedKeys.joined(separator: ", ")
        }
        error(ConfigCode.unknownKey, message, keyNode, hint: hint)
    }

    private mutating func checkVariants(_ node: YAMLNode, _ discriminator: String, _ variants: [SchemaVariant], path: String) -> Checked? {
        var chosen: SchemaVariant?
        if let text = node[discriminator]?.scalar { chosen = variants.first { $0.value == text } }
        if let written = chosen, let compatible = compatibleVariants, !compatible.contains(written.value) {
            var best = written
            var bestMisfits = Self.misfits(node, written.schema)
            for candidate in variants where candidate.value != written.value {
                let m = Self.misfits(node, candidate.schema)
                if m < bestMisfits { best = candidate; bestMisfits = m }
            }
            chosen = best
        }
        if chosen == nil, let fallback = defaultVariant { chosen = variants.first { $0.value == fallback } }
        guard let variant = chosen else {
            // No usable provider: check only the keys every variant shares.
            let common = variants.first.map { first in
                ObjectSchema(first.schema.summary, first.schema.properties.filter { p in variants.allSatisfy { $0.schema.property(p.name) != nil } })
            } ?? ObjectSchema("", [])
            guard let pairs = node.mapping else { return checkObject(node, common, path: path, others: []) }
            let filtered = YAMLNode(content: .mapping(pairs.filter { common.property($0.key.scalar ?? "") != nil }),
                                    tag: node.tag, start: node.start, end: node.end)
            _ = checkObject(filtered, common, path: path, others: [])
            return nil
        }
        chosenVariants[path] = variant.value
        return checkObject(node, variant.schema, path: path, others: variants.filter { $0.value != variant.value })
    }

    /// How many keys of `node` (recursively through objects) the schema does not know.
    static func misfits(_ node: YAMLNode, _ schema: ObjectSchema) -> Int {
        guard let pairs = node.mapping else { return 0 }
        var count = 0
        for pair in pairs {
            guard let key = pair.key.scalar, let p = schema.property(key), p.forbidden == nil else { count += 1; continue }
            if case .object(let o) = p.type { count += misfits(pair.value, o) }
        }
        return count
    }

    private mutating func checkMap(_ node: YAMLNode, key rule: StringRule, value: SchemaType, path: String) -> Checked? {
        guard let pairs = node.mapping else {
            if node.isNull { return .object([:]) }
            typeError(node, expected: "a mapping", path: path)
            return nil
        }
        var result: [String: Checked] = [:]
        for pair in pairs {
            guard let key = pair.key.scalar, result[key] == nil else { continue }
            let childPath = Self.join(path, key)
            keyLocations[childPath] = pair.key.location(in: file)
            guard checkString(pair.key, rule, path: path, subject: "a key in '\(path)'") != nil else { continue }
            if let checked = check(pair.value, value, path: childPath) { result[key] = checked }
        }
        return .object(result)
    }

    private mutating func checkList(_ node: YAMLNode, _ element: SchemaType, min: Int?, max: Int?, unique: Bool, path: String) -> Checked? {
        guard let items = node.sequence else {
            var hint: String?
            if let text = node.scalar, !node.isNull { hint = "write it as a list: [\(text)]" }
            typeError(node, expected: "a list", path: path, hint: hint)
            return nil
        }
        if let min, items.count < min {
            error(ConfigCode.range, "'\(path)' needs at least \(min) item\(min == 1 ? "" : "s")", node)
        }
        if let max, items.count > max {
            error(ConfigCode.range, "'\(path)' takes at most \(max) items, not \(items.count)", node)
        }
        var result: [Checked] = []
        var seen = Set<String>()
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard let checked = check(item, element, path: itemPath) else { continue }
            if unique, let text = item.scalar {
                if seen.contains(text) {
                    error(ConfigCode.duplicateItem, "'\(text)' appears more than once in '\(path)'", item, hint: "remove the repeated item")
                    continue
                }
                seen.insert(text)
            }
            result.append(checked)
        }
        return .list(result)
    }
}

extension SourceLocation {
    /// The same place without a length (for messages about a whole section).
    var startOnly: SourceLocation { SourceLocation(file: file, line: line, column: column) }
}

extension String {
    func replacingNewlines() -> String {
        var out = ""
        for ch in self { out += ch == "\n" ? "\\n" : String(ch) }
        return out
    }
}

/// Compiled patterns for one validation run (a file may hold thousands of label or tag keys).
final class PatternCache {
    private final class Compiled {
        var regex = regex_t()
        let ok: Bool
        init(_ pattern: String) { ok = regcomp(&regex, pattern, REG_EXTENDED | REG_NOSUB) == 0 }
        deinit { if ok { regfree(&regex) } }
    }

    private var compiled: [String: Compiled] = [:]

    func matches(_ pattern: String, _ text: String) -> Bool {
        if text.utf8.contains(0) { return false }
        let entry: Compiled
        if let e = compiled[pattern] {
            entry = e
        } else {
            entry = Compiled(pattern)
            compiled[pattern] = entry
        }
        guard entry.ok else { return true }
        return regexec(&entry.regex, text, 0, nil, 0) == 0
    }
}

/// Schema patterns are POSIX extended regular expressions (the subset shared with JSON Schema's ECMA-262 dialect),
/// matched with the C library: compiling one costs microseconds, which keeps `infera validate` fast.
public enum Pattern {
    /// Whether `text` matches `pattern` (patterns carry their own `^…$` anchors). A pattern that does not compile matches.
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        if text.utf8.contains(0) { return false }
        var regex = regex_t()
        guard regcomp(&regex, pattern, REG_EXTENDED | REG_NOSUB) == 0 else { return true }
        defer { regfree(&regex) }
        return regexec(&regex, text, 0, nil, 0) == 0
    }

    /// Whether `pattern` compiles as a POSIX extended regular expression.
    public static func compiles(_ pattern: String) -> Bool {
        var regex = regex_t()
        guard regcomp(&regex, pattern, REG_EXTENDED | REG_NOSUB) == 0 else { return false }
        regfree(&regex)
        return true
    }
}
