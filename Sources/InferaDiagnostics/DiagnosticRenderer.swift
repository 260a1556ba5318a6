/// Renders diagnostics for people: `file:line:col: error: message`, the source line, a caret under the place, a hint.
///
/// ```
/// infera.yaml:9:5: error: unknown key 'tierr' in 'cache.instance' (did you mean 'tier'?)
///     9 |     tierr: STANDARD_HA
///       |     ^~~~~
///   hint: valid keys here: memory_size_gb, tier, replica_count, read_replicas
/// ```
public struct DiagnosticRenderer: Sendable {
    /// Whether to emit ANSI colours.
    public var color: Bool

    public init(color: Bool = false) {
        self.color = color
    }

    private enum Style: String {
        case bold = "1", red = "1;31", yellow = "1;33", cyan = "1;36", green = "1;32", dim = "2"
    }

    private func paint(_ text: String, _ style: Style) -> String {
        color ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// Renders every diagnostic, each followed by its source excerpt and hint. `sources` maps a file name to its text.
    public func render(_ diagnostics: [Diagnostic], sources: [String: String] = [:]) -> String {
        var cache: [String: [Substring]] = [:]
        var out = ""
        for diagnostic in diagnostics {
            var lines: [Substring]?
            if let file = diagnostic.location?.file, let text = sources[file] {
                if cache[file] == nil { cache[file] = Self.splitLines(text) }
                lines = cache[file]
            }
            out += render(diagnostic, lines: lines)
        }
        return out
    }

    /// Renders one diagnostic with the source text of its file (nil: no excerpt).
    public func render(_ diagnostic: Diagnostic, source: String?) -> String {
        render(diagnostic, lines: source.map(Self.splitLines))
    }

    private static func splitLines(_ text: String) -> [Substring] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
    }

    private func render(_ d: Diagnostic, lines: [Substring]?) -> String {
        let label: String
        switch d.severity {
        case .error: label = paint("error:", .red)
        case .warning: label = paint("warning:", .yellow)
        case .note: label = paint("note:", .cyan)
        }
        var out = ""
        if let loc = d.location {
            out += paint("\(loc.file):\(loc.line):\(loc.column):", .bold) + " "
        }
        out += label + " " + paint(d.message, .bold) + "\n"
        if var loc = d.location, let lines, loc.line >= 1, loc.line <= lines.count {
            var line = lines[loc.line - 1]
            // Show a window of very long lines around the column.
            let width = 120
            if line.unicodeScalars.count > width {
                let scalars = Array(line.unicodeScalars)
                let start = max(0, min(loc.column - 1 - width / 2, scalars.count - width))
                let end = min(scalars.count, start + width)
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[start..<end])
                let lead = start > 0 ? "…" : ""
                line = Substring(lead + String(view) + (end < scalars.count ? "…" : ""))
                loc.column = loc.column - start + (start > 0 ? 1 : 0)
            }
            let number = String(loc.line)
            let gutter = String(repeating: " ", count: max(number.count, 3))
            let padded = String(repeating: " ", count: max(0, 3 - number.count)) + number
            out += paint(" \(padded) |", .dim) + " " + Self.printable(line) + "\n"
            // Reproduce tabs before the caret so it lines up under the column.
            var prefix = ""
            var column = 1
            for scalar in line.unicodeScalars {
                if column >= loc.column { break }
                prefix += scalar == "\t" ? "\t" : " "
                column += 1
            }
            if column < loc.column { prefix += String(repeating: " ", count: loc.column - column) }
            let available = max(1, line.unicodeScalars.count - (loc.column - 1))
            let length = max(1, min(loc.length ?? 1, available))
            let marker = "^" + String(repeating: "~", count: length - 1)
            out += paint(" \(gutter) |", .dim) + " " + prefix + paint(marker, .green) + "\n"
        }
        if let hint = d.hint {
            out += "  " + paint("hint:", .cyan) + " " + hint + "\n"
        }
        return out
    }

    /// The line with control characters (other than tab) shown as `?`, so a terminal cannot be driven by the file.
    private static func printable(_ line: Substring) -> String {
        var out = ""
        for scalar in line.unicodeScalars {
            if scalar.value < 0x20 && scalar != "\t" || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                out += "?"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// "2 errors, 1 warning" / "no problems".
    public static func summary(_ diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        if errors == 0 && warnings == 0 { return "no problems" }
        var parts: [String] = []
        if errors > 0 { parts.append("\(errors) error\(errors == 1 ? "" : "s")") }
        if warnings > 0 { parts.append("\(warnings) warning\(warnings == 1 ? "" : "s")") }
        return parts.joined(separator: ", ")
    }
}

/// The machine-readable form of diagnostics (`--format json`): the same data as the text output.
public enum DiagnosticJSON {
    /// One diagnostic as a JSON object: severity, code, message, file, line, column, length, hint (absent keys omitted).
    public static func value(_ d: Diagnostic) -> JSONValue {
        var object: [String: JSONValue] = [
            "severity": .string(d.severity.rawValue),
            "code": .string(d.code),
            "message": .string(d.message),
        ]
        if let loc = d.location {
            object["file"] = .string(loc.file)
            object["line"] = .int(loc.line)
            object["column"] = .int(loc.column)
            if let length = loc.length { object["length"] = .int(length) }
        }
        if let hint = d.hint { object["hint"] = .string(hint) }
        return .object(object)
    }

    /// A report: `{"file", "valid", "errors", "warnings", "diagnostics": [...]}` plus any `extra` members.
    public static func report(file: String, diagnostics: [Diagnostic], extra: [String: JSONValue] = [:]) -> JSONValue {
        var object = extra
        object["file"] = .string(file)
        object["valid"] = .bool(!diagnostics.hasErrors)
        object["errors"] = .int(diagnostics.filter { $0.severity == .error }.count)
        object["warnings"] = .int(diagnostics.filter { $0.severity == .warning }.count)
        object["diagnostics"] = .array(diagnostics.map(value))
        return .object(object)
    }
}
