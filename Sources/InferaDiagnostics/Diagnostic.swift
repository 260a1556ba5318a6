/// A position in a source file: 1-based line and column (columns count Unicode scalars).
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    /// How many columns (Unicode scalars) the located text spans on its line, when known; renderers underline it.
    public var length: Int?

    public init(file: String, line: Int, column: Int, length: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.length = length
    }

    /// `file:line:col`, the form editors and terminals make clickable.
    public var description: String { "\(file):\(line):\(column)" }
}

/// How bad a diagnostic is.
public enum Severity: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
    case note, warning, error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A user-facing problem as a value: what, where, and how to fix it.
public struct Diagnostic: Sendable, Hashable, Codable {
    public var severity: Severity
    /// A stable identifier such as `config.unknown-key`, for tooling and golden tests.
    public var code: String
    /// One line saying what is wrong.
    public var message: String
    /// Where it is, when it has a place.
    public var location: SourceLocation?
    /// How to fix it, when we know.
    public var hint: String?

    public init(severity: Severity, code: String, message: String, location: SourceLocation? = nil, hint: String? = nil) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
        self.hint = hint
    }

    public static func error(_ code: String, _ message: String, at location: SourceLocation? = nil, hint: String? = nil) -> Diagnostic {
        Diagnostic(severity: .error, code: code, message: message, location: location, hint: hint)
    }

    public static func warning(_ code: String, _ message: String, at location: SourceLocation? = nil, hint: String? = nil) -> Diagnostic {
        Diagnostic(severity: .warning, code: code, message: message, location: location, hint: hint)
    }
}

extension Array where Element == Diagnostic {
    /// True when any element is an error.
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted by file, line, column, then severity (errors first) and message: a stable order for output.
    public func sortedForOutput() -> [Diagnostic] {
        sorted { a, b in
            let la = a.location, lb = b.location
            if la?.file != lb?.file { return (la?.file ?? "") < (lb?.file ?? "") }
            if la?.line != lb?.line { return (la?.line ?? 0) < (lb?.line ?? 0) }
            if la?.column != lb?.column { return (la?.column ?? 0) < (lb?.column ?? 0) }
            if a.severity != b.severity { return a.severity > b.severity }
            return a.message < b.message
        }
    }
}
