/// Lays out rendered HCL the way `terraform fmt` does for what the templates produce: aligns the
/// `=` of consecutive single-line attributes at the same indentation, collapses runs of blank
/// lines, drops trailing spaces and blank lines after `{` / before `}`, and ends with one newline.
/// (Templates have optional lines, so alignment can only be decided after rendering.)
public enum HCLLayout {
    public static func format(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var s = String(line)
            while s.last == " " || s.last == "\t" { s.removeLast() }
            return s
        }
        // Collapse blank runs, drop blanks at the start, after an opening brace and before a closing one.
        var cleaned: [String] = []
        for line in lines {
            if line.isEmpty {
                if cleaned.isEmpty || cleaned.last?.isEmpty == true { continue }
                if let last = cleaned.last, last.hasSuffix("{") || last.hasSuffix("[") { continue }
                cleaned.append(line)
            } else {
                let trimmed = line.drop { $0 == " " }
                if (trimmed.hasPrefix("}") || trimmed.hasPrefix("]")), cleaned.last?.isEmpty == true { cleaned.removeLast() }
                cleaned.append(line)
            }
        }
        while cleaned.last?.isEmpty == true { cleaned.removeLast() }
        lines = cleaned
        // Align groups.
        var i = 0
        while i < lines.count {
            guard let first = attribute(lines[i]) else { i += 1; continue }
            var group = [(i, first)]
            var j = i + 1
            while j < lines.count, let a = attribute(lines[j]), a.indent == first.indent {
                group.append((j, a))
                j += 1
            }
            let width = group.map { $0.1.key.count }.max() ?? 0
            for (idx, a) in group {
                lines[idx] = String(repeating: " ", count: a.indent) + a.key
                    + String(repeating: " ", count: width - a.key.count) + " = " + a.value
            }
            i = j
        }
        return lines.joined(separator: "\n") + "\n"
    }

    struct Line { var indent: Int; var key: String; var value: String }

    /// A single-line `key = value` (brackets balanced on the line), else nil.
    static func attribute(_ line: String) -> Line? {
        let indent = line.prefix { $0 == " " }.count
        let rest = line.dropFirst(indent)
        guard let first = rest.first, first.isLetter || first == "_" || first == "\"" else { return nil }
        // The key: an identifier or a quoted string.
        var key = ""
        var idx = rest.startIndex
        if first == "\"" {
            idx = rest.index(after: idx)
            while idx < rest.endIndex, rest[idx] != "\"" {
                if rest[idx] == "\\" { idx = rest.index(after: idx) }
                if idx < rest.endIndex { idx = rest.index(after: idx) }
            }
            guard idx < rest.endIndex else { return nil }
            idx = rest.index(after: idx)
            key = String(rest[rest.startIndex..<idx])
        } else {
            while idx < rest.endIndex, rest[idx].isLetter || rest[idx].isNumber || rest[idx] == "_" || rest[idx] == "-" {
                idx = rest.index(after: idx)
            }
            key = String(rest[rest.startIndex..<idx])
        }
        var after = rest[idx...].drop { $0 == " " }
        guard after.first == "=", after.dropFirst().first != "=" else { return nil }
        after = after.dropFirst().drop { $0 == " " }
        let value = String(after)
        guard !value.isEmpty, balanced(value) else { return nil }
        return Line(indent: indent, key: key, value: value)
    }

    /// True when brackets outside strings balance (the value ends on this line).
    static func balanced(_ s: String) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        var interp = 0
        var prev: Character = " "
        for ch in s {
            if inString {
                if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == "{" && prev == "$" { interp += 1 } else if ch == "}" && interp > 0 { interp -= 1 } else if ch == "\"" && interp == 0 { inString = false }
            } else {
                switch ch {
                case "\"": inString = true
                case "{", "[", "(": depth += 1
                case "}", "]", ")": depth -= 1
                default: break
                }
            }
            prev = ch
        }
        return depth == 0 && !inString
    }
}
