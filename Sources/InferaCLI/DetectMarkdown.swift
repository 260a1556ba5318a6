import InferaDetect
import InferaDiagnostics

/// `infera detect --format markdown`: the detection report as a pull-request comment / job summary.
/// Verdict and counts first, findings with their fixes in a table, evidence and settings folded.
enum DetectMarkdown {
    static func render(_ r: DetectionReport, root: String, prefix: String, limit: Int = MarkdownSummary.githubLimit) -> String {
        summary(r, root: root, prefix: prefix).render(limit: limit)
    }

    static func summary(_ r: DetectionReport, root: String, prefix: String) -> MarkdownSummary {
        typealias M = MarkdownSummary
        let errors = r.findings.filter { $0.severity == .error }.count
        let warnings = r.findings.filter { $0.severity == .warning }.count
        let notes = r.findings.count - errors - warnings
        let verdict: String = switch r.verdict {
        case .uses_redis: "uses Redis"
        case .test_only: "uses Redis only in tests/examples"
        case .docs_only: "only mentions Redis"
        case .redis_library: "is a Redis library"
        case .no_redis: "does not use Redis"
        }
        let findingsText = r.findings.isEmpty ? "no findings" : "\(r.findings.count) finding\(r.findings.count == 1 ? "" : "s")"
        var md = M(kind: "detect", title: "infera detect: \(M.code(root)) \(verdict) — \(findingsText)")
        var head = "**Verdict:** \(r.verdict.rawValue) (confidence \(fmt2(r.confidence)))"
        head += "  \n**Findings:** \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"), \(notes) note\(notes == 1 ? "" : "s")"
        if !r.client_libraries.isEmpty {
            head += "  \n**Libraries:** " + r.client_libraries.map { "\(M.code($0.name)) \($0.version.map { M.cell($0) } ?? "") (\($0.ecosystem), \($0.scope.rawValue))" }.joined(separator: ", ")
        }
        if !r.roles.isEmpty { head += "  \n**Roles:** " + r.roles.map { $0.role.rawValue.replacingUnderscores() }.joined(separator: ", ") }
        md.paragraph(head)

        if !r.findings.isEmpty {
            let order: [Severity] = [.error, .warning, .note]
            var rows: [[String]] = []
            for sev in order {
                for f in r.findings where f.severity == sev {
                    let icon = sev == .error ? "🔴 error" : sev == .warning ? "🟠 warning" : "🔵 note"
                    rows.append([icon, M.code(f.rule), M.code("\(prefix)\(f.path):\(f.line)"), M.cell(f.message), M.cell(f.fix)])
                }
            }
            md.table(["Severity", "Rule", "Where", "Problem", "Fix"], rows)
        }

        if !r.evidence.isEmpty {
            let lines = r.evidence.map { "- \(M.code("\(prefix)\($0.path):\($0.line)")) \(M.cell($0.what)): \(M.code($0.snippet))" }
            md.details("Evidence (\(r.evidence.count))", lines.joined(separator: "\n"))
        }
        if !r.settings.isEmpty || !r.env_vars.isEmpty {
            var lines = r.settings.map { "- \(M.cell($0.kind)) \(M.code($0.value)) at \(M.code("\(prefix)\($0.path):\($0.line)"))" }
            lines += r.env_vars.map { "- env \(M.code($0.name)) at \(M.code("\(prefix)\($0.path):\($0.line)")) (\(M.cell($0.source)))" }
            md.details("Settings and environment variables (\(lines.count))", lines.joined(separator: "\n"))
        }
        if !r.commands.isEmpty {
            md.details("Commands (\(r.commands.count))", r.commands.map { "\(M.code($0.name))×\($0.count)" }.joined(separator: " "))
        }
        let s = r.stats
        md.paragraph("<sub>Scanned \(s.files_read) of \(s.files_listed) files (\(s.walker)); \(s.files_matched) mention Redis.</sub>")
        return md
    }

    /// Two decimals without Foundation's locale-aware String(format:).
    static func fmt2(_ v: Double) -> String {
        let c = Int((v * 100).rounded())
        let frac = c % 100
        return "\(c / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(map { $0 == "_" ? " " : $0 }) }
}
