#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pull-request summary in GitHub-flavoured Markdown, shared by `plan`, `detect` and `verify`
/// (`--format markdown`, `$GITHUB_STEP_SUMMARY`). The head (title, counts, tables of what matters)
/// is always kept; `<details>` blocks are folded and dropped or cut from the end when the whole
/// would not fit GitHub's 65,536-character comment limit.
///
///     var md = MarkdownSummary(kind: "verify", title: "infera verify: 12 passed, 1 failed")
///     md.paragraph("**Result:** …")
///     md.table(["Check", "Result"], [["PING", "passed"]])
///     md.details("Logs (3)", body)
///     let text = md.render()            // ≤ MarkdownSummary.githubLimit UTF-8 bytes
public struct MarkdownSummary: Sendable, Equatable {
    /// GitHub's limit for a comment body and for one step summary.
    public static let githubLimit = 65_536

    enum Block: Sendable, Equatable {
        case text(String)
        case details(summary: String, body: String)
    }

    /// `plan`, `detect`, `verify`: written as a hidden `<!-- infera:KIND -->` marker so a workflow
    /// can find and update its earlier comment instead of adding a new one.
    public var kind: String
    public var title: String
    var blocks: [Block] = []

    public init(kind: String, title: String) {
        self.kind = kind
        self.title = title
    }

    /// A paragraph (lines joined as written; a blank line follows).
    public mutating func paragraph(_ text: String) { blocks.append(.text(text + "\n")) }

    /// A `###` heading.
    public mutating func heading(_ text: String) { blocks.append(.text("### \(text)\n")) }

    /// A bulleted list.
    public mutating func bullets(_ items: [String]) {
        guard !items.isEmpty else { return }
        blocks.append(.text(items.map { "- " + $0 }.joined(separator: "\n") + "\n"))
    }

    /// A table; cells are escaped with `cell(_:)` by the caller when they hold free text.
    public mutating func table(_ headers: [String], _ rows: [[String]], align: [Character]? = nil) {
        blocks.append(.text(Self.tableText(headers, rows, align: align)))
    }

    /// A folded `<details>` block; dropped or cut (never the head) when the summary is too long.
    public mutating func details(_ summary: String, _ body: String) {
        blocks.append(.details(summary: summary, body: body))
    }

    public static func tableText(_ headers: [String], _ rows: [[String]], align: [Character]? = nil) -> String {
        var t = "| " + headers.joined(separator: " | ") + " |\n|"
        for i in headers.indices {
            switch align?[i] {
            case "r": t += "---:|"
            case "c": t += ":---:|"
            default: t += "---|"
            }
        }
        t += "\n"
        for r in rows { t += "| " + r.joined(separator: " | ") + " |\n" }
        return t
    }

    /// Free text made safe for a table cell: no line breaks, `|` escaped, HTML-ish brackets neutralised.
    public static func cell(_ s: String) -> String {
        var o = ""
        for ch in s {
            switch ch {
            case "|": o += "\\|"
            case "\n", "\r": o += " "
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            default: o.append(ch)
            }
        }
        return o
    }

    /// Inline code that survives backticks in `s`.
    public static func code(_ s: String) -> String {
        let flat = s.replacingNewlines()
        var longest = 0, run = 0
        for ch in flat { if ch == "`" { run += 1; longest = max(longest, run) } else { run = 0 } }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = flat.hasPrefix("`") || flat.hasSuffix("`") ? " " : ""
        return fence + pad + flat.replacingPipes() + pad + fence
    }

    /// A fenced code block whose fence is longer than any backtick run inside.
    public static func fenced(_ body: String, language: String = "") -> String {
        var longest = 0, run = 0
        for ch in body { if ch == "`" { run += 1; longest = max(longest, run) } else { run = 0 } }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return fence + language + "\n" + body + (body.hasSuffix("\n") ? "" : "\n") + fence + "\n"
    }

    /// The document, at most `limit` UTF-8 bytes (so at most `limit` characters). When the whole does
    /// not fit, later `<details>` blocks are cut or left out and a closing note says so.
    public func render(limit: Int = githubLimit) -> String {
        let head = "<!-- infera:\(kind) -->\n## \(title)\n\n"
        var out = head
        let note = "\n> Summary truncated to fit GitHub's \(Self.githubLimit)-character limit; run the command locally for everything.\n"
        // The head and every text block are kept; budget what remains for details, in order.
        let fixed = head.utf8.count + blocks.reduce(0) { n, b in
            if case .text(let t) = b { return n + t.utf8.count + 1 }
            return n
        }
        var budget = limit - fixed - note.utf8.count
        var truncated = false
        for b in blocks {
            switch b {
            case .text(let t):
                out += t + "\n"
            case .details(let summary, let body):
                let open = "<details><summary>\(summary)</summary>\n\n", close = "\n</details>\n\n"
                let whole = open + body + (body.hasSuffix("\n") ? "" : "\n") + close
                if !truncated && whole.utf8.count <= budget {
                    out += whole
                    budget -= whole.utf8.count
                } else if !truncated {
                    truncated = true
                    let marker = "\n… (cut)\n"
                    let room = budget - open.utf8.count - close.utf8.count - marker.utf8.count - 8
                    if room > 200 {
                        var cut = Self.prefix(body, utf8Bytes: room)
                        // Close an open code fence so the rest of the comment renders.
                        if cut.fenceLineCount % 2 == 1 { cut += "\n```" }
                        let piece = open + cut + marker + close
                        out += piece
                        budget -= piece.utf8.count
                    }
                }
            }
        }
        if truncated { out += note }
        if out.utf8.count > limit { out = Self.prefix(out, utf8Bytes: limit) }   // head alone too long
        while out.hasSuffix("\n\n") { out.removeLast() }
        return out
    }

    /// The longest prefix of whole lines (or whole characters) within `n` UTF-8 bytes.
    static func prefix(_ s: String, utf8Bytes n: Int) -> String {
        var count = 0
        var end = s.startIndex
        var lastLineEnd: String.Index?
        for i in s.indices {
            let w = s[i].utf8.count
            if count + w > n { break }
            count += w
            end = s.index(after: i)
            if s[i] == "\n" { lastLineEnd = end }
        }
        return String(s[..<(lastLineEnd ?? end)])
    }
}

extension String {
    fileprivate func replacingNewlines() -> String { String(map { $0 == "\n" || $0 == "\r" ? " " : $0 }) }
    fileprivate func replacingPipes() -> String {
        var o = ""
        for ch in self { if ch == "|" { o += "\\|" } else { o.append(ch) } }
        return o
    }
    /// How many lines open or close a ``` code fence (odd: a fence is still open).
    fileprivate var fenceLineCount: Int {
        split(separator: "\n", omittingEmptySubsequences: false).filter { $0.hasPrefix("```") }.count
    }
}

/// GitHub Actions' job summary: when `GITHUB_STEP_SUMMARY` names a file, markdown is appended to it.
public enum StepSummary {
    /// Appends `markdown` (plus a blank line) to `$GITHUB_STEP_SUMMARY` when set. Returns an error
    /// message for the caller to print as a warning when the file cannot be written; nil otherwise.
    @discardableResult
    public static func append(_ markdown: String, environment: [String: String]? = nil) -> String? {
        let path: String?
        if let environment { path = environment["GITHUB_STEP_SUMMARY"] } else { path = getenv("GITHUB_STEP_SUMMARY").map { String(cString: $0) } }
        guard let path, !path.isEmpty else { return nil }
        guard let f = fopen(path, "a") else {
            return "warning: cannot write the job summary to GITHUB_STEP_SUMMARY=\(path): \(String(cString: strerror(errno)))"
        }
        defer { fclose(f) }
        let bytes = Array((markdown.hasSuffix("\n") ? markdown : markdown + "\n").utf8) + [10]
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        if written != bytes.count { return "warning: short write to GITHUB_STEP_SUMMARY=\(path)" }
        return nil
    }
}
