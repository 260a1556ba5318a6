import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import InferaDetect
import InferaDiagnostics

/// Output formats of `infera detect`.
enum DetectFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif, markdown, codequality
}

/// Severity thresholds for `--fail-on`.
enum FailLevel: String, ExpressibleByArgument, CaseIterable {
    case warning, error
    var severity: Severity { self == .warning ? .warning : .error }
}

/// `infera detect`: Scan a repository for Redis usage, settings and mistakes.
struct DetectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Scan a repository for Redis usage, settings and mistakes.",
        discussion: """
        Answers: does this application use Redis at run time, with which client libraries, connection settings and roles (cache, session store, rate limiter, lock, pub/sub, queue, leaderboard, counter), and which classic Redis mistakes it makes, each with path:line evidence.

        Examples:
          infera detect                        # this directory, as text
          infera detect ../shop --format json  # schema infera.detect/v2
          infera detect --format sarif > r.sarif  # code-scanning upload
          infera detect --fail-on warning      # CI: exit 2 on findings
          infera detect --format markdown      # pull-request summary
          infera detect --format codequality > gl-code-quality-report.json  # GitLab

        Inside a git work tree the files come from `git ls-files` (so .gitignore applies). Under GitHub Actions (GITHUB_ACTIONS=true) findings are also printed as annotations, and when GITHUB_STEP_SUMMARY is set the markdown summary is appended to it. Exit codes: 0 done, 1 error (e.g. PATH missing), 2 findings at or above --fail-on.
        """
    )

    @Argument(help: "The repository to scan.", completion: .directory)
    var path: String = "."

    @Option(name: .long, help: "Output format: text, json, sarif, markdown (pull-request summary) or codequality (GitLab Code Quality report).")
    var format: DetectFormat = .text

    @Option(name: .long, help: "Exit with status 2 when a finding has this severity or worse: warning or error.")
    var failOn: FailLevel?

    @Flag(name: .long, help: "List files by walking the directory even inside a git work tree.")
    var noGit = false

    @Option(name: .long, help: "Leave out files or directories with this name (repeatable).")
    var exclude: [String] = []

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        var isDir = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir else {
            throw ValidationError("'\(path)' is not a directory")
        }
        let report = Detector.detect(root: path, options: DetectOptions(useGit: !noGit, excludedNames: Set(exclude)))
        let prefix = DetectRendering.displayPrefix(path)
        let annotate = ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true"
        switch format {
        case .text:
            print(DetectRendering.text(report, root: path, prefix: prefix, color: global.useColor), terminator: "")
            if annotate { print(DetectRendering.githubAnnotations(report, prefix: prefix), terminator: "") }
        case .json:
            print(try DetectRendering.json(report))
            if annotate { PlanOutput.stderr(DetectRendering.githubAnnotations(report, prefix: prefix)) }
        case .sarif:
            print(try DetectRendering.sarif(report, prefix: prefix))
            if annotate { PlanOutput.stderr(DetectRendering.githubAnnotations(report, prefix: prefix)) }
        case .markdown:
            print(DetectMarkdown.render(report, root: path, prefix: prefix))
            if annotate { PlanOutput.stderr(DetectRendering.githubAnnotations(report, prefix: prefix)) }
        case .codequality:
            print(DetectRendering.codeQuality(report, prefix: prefix))
        }
        if let warning = StepSummary.append(DetectMarkdown.render(report, root: path, prefix: prefix)) {
            PlanOutput.stderr(warning + "\n")
        }
        if let level = failOn, report.findings.contains(where: { $0.severity >= level.severity }) {
            throw ExitCode(2)
        }
    }
}

/// Renders a `DetectionReport` as text, JSON, SARIF 2.1.0 or GitHub Actions annotations.
enum DetectRendering {
    /// `""` for the current directory, else `PATH/` so printed paths are clickable from where the command ran.
    static func displayPrefix(_ path: String) -> String {
        var p = path
        while p.hasSuffix("/") && p.count > 1 { p.removeLast() }
        if p == "." || p.isEmpty { return "" }
        if p.hasPrefix("./") { p.removeFirst(2) }
        return p + "/"
    }

    static func json(_ report: DetectionReport) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try enc.encode(report), as: UTF8.self)
    }

    static func paint(_ s: String, _ code: String, _ on: Bool) -> String { on ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    static func text(_ r: DetectionReport, root: String, prefix: String, color: Bool) -> String {
        var o = ""
        let verdictText: String = switch r.verdict {
        case .uses_redis: "uses Redis"
        case .test_only: "does not use Redis at run time (tests/examples only)"
        case .docs_only: "does not use Redis (only mentioned)"
        case .redis_library: "is a Redis library itself, not an application using Redis"
        case .no_redis: "does not use Redis"
        }
        o += paint("Verdict", "1", color) + ": \(root) \(verdictText) (confidence \(cFormat("%.2f", r.confidence)))\n"
        for reason in r.reasons { o += "  - \(reason)\n" }
        if !r.client_libraries.isEmpty {
            o += "\n" + paint("Libraries", "1", color) + "\n"
            for l in r.client_libraries {
                var cond = ""
                if l.conditional { cond = ", Redis only when configured so: \(l.resolved ?? "unknown")\(l.resolved_by.map { " (" + prefix + $0 + ")" } ?? "")" }
                o += "  \(l.name) \(l.version ?? "(any)")  [\(l.ecosystem), \(l.scope.rawValue)\(l.kind == "client" ? "" : ", " + l.kind)\(cond)]  \(prefix)\(l.manifest):\(l.line)\n"
                for loc in l.locations.dropFirst() { o += "      \(loc.what) \(loc.version ?? "")  \(prefix)\(loc.manifest):\(loc.line)\n" }
            }
        }
        if !r.settings.isEmpty || !r.env_vars.isEmpty {
            o += "\n" + paint("Settings", "1", color) + "\n"
            for s in r.settings {
                let key = s.key.map { " (\($0))" } ?? ""
                let backend = s.kind == "backend" ? (s.redis == true ? " → Redis \(s.role ?? "")" : " → not Redis") : ""
                o += "  \(s.kind) \(s.value)\(key)\(backend)  \(prefix)\(s.path):\(s.line)\n"
            }
            for e in r.env_vars { o += "  env \(e.name)  \(prefix)\(e.path):\(e.line) (\(e.source))\n" }
        }
        if !r.roles.isEmpty {
            o += "\n" + paint("Roles", "1", color) + "\n"
            for role in r.roles {
                let ev = role.evidence.prefix(3).map { "\(prefix)\($0.path):\($0.line) (\($0.what))" }.joined(separator: ", ")
                o += "  \(role.role.rawValue.padded(toLength: 13)) \(ev)\n"
            }
        }
        if !r.commands.isEmpty {
            o += "\n" + paint("Commands", "1", color) + "\n  " + r.commands.map { "\($0.name)×\($0.count)" }.joined(separator: " ") + "\n"
            for c in r.commands {
                let places = c.uses.prefix(6).map { "\(prefix)\($0.path):\($0.line)" }.joined(separator: ", ")
                o += "  \(c.name.padded(toLength: 10)) \(places)\(c.uses.count > 6 ? " (+\(c.uses.count - 6) more)" : "")\n"
            }
        }
        if !r.infrastructure.isEmpty {
            o += "\n" + paint("Infrastructure", "1", color) + "\n"
            for i in r.infrastructure { o += "  \(i.kind): \(i.detail)  \(prefix)\(i.path):\(i.line)\n" }
        }
        if !r.evidence.isEmpty {
            o += "\n" + paint("Evidence", "1", color) + "\n"
            for e in r.evidence.prefix(20) { o += "  \(prefix)\(e.path):\(e.line): \(e.what)\n      | \(e.snippet)\n" }
            if r.evidence.count > 20 { o += "  … \(r.evidence.count - 20) more (see --format json)\n" }
        }
        o += "\n" + paint("Findings", "1", color) + (r.findings.isEmpty ? ": none\n" : " (\(r.findings.count))\n")
        for f in r.findings {
            let sev = paint(f.severity.rawValue, f.severity == .error ? "31;1" : "33;1", color)
            o += "  \(prefix)\(f.path):\(f.line):\(f.column): \(sev)[\(f.rule)]: \(f.message)\n"
            o += "      | \(f.snippet)\n"
            o += "      fix: \(f.fix)\n"
        }
        if !r.diagnostics.isEmpty {
            o += "\n" + paint("Diagnostics", "1", color) + "\n"
            for d in r.diagnostics {
                let loc = d.location.map { "\(prefix)\($0.file):\($0.line): " } ?? ""
                o += "  \(loc)\(d.severity.rawValue): \(d.message)\n"
            }
        }
        let s = r.stats
        o += "\nScanned \(s.files_read) of \(s.files_listed) files (\(s.walker)), \(s.bytes_read) bytes; \(s.files_matched) mention Redis; skipped \(s.skipped_binary) binary, \(s.skipped_large) over 2 MB, \(s.skipped_symlinks) symlinks.\n"
        return o
    }

    static func escapeData(_ s: String) -> String {
        s.replacingAll("%", with: "%25").replacingAll("\r", with: "%0D").replacingAll("\n", with: "%0A")
    }

    static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingAll(":", with: "%3A").replacingAll(",", with: "%2C")
    }

    /// `::warning file=…,line=…,col=…,title=…::message` lines for GitHub Actions.
    static func githubAnnotations(_ r: DetectionReport, prefix: String) -> String {
        r.findings.map { f in
            let level = f.severity == .error ? "error" : f.severity == .warning ? "warning" : "notice"
            return "::\(level) file=\(escapeProperty(prefix + f.path)),line=\(f.line),col=\(f.column),title=\(escapeProperty(f.rule))::\(escapeData(f.message + ". Fix: " + f.fix))\n"
        }.joined()
    }

    /// GitLab Code Quality report (a JSON array; Code Climate's issue subset that GitLab reads):
    /// description, check_name, fingerprint, severity (error → major, warning → minor, note → info),
    /// location.path and location.lines.begin.
    static func codeQuality(_ r: DetectionReport, prefix: String) -> String {
        let issues: [JSONValue] = r.findings.map { f in
            .object([
                "type": .string("issue"),
                "check_name": .string(f.rule),
                "description": .string("\(f.message). Fix: \(f.fix)"),
                "categories": .array([.string("Bug Risk")]),
                "severity": .string(f.severity == .error ? "major" : f.severity == .warning ? "minor" : "info"),
                "fingerprint": .string(("\(f.rule):\(prefix)\(f.path):\(f.snippet)").hashValueStable + ("\(f.line):\(f.column)").hashValueStable),
                "location": .object([
                    "path": .string(prefix + f.path),
                    "lines": .object(["begin": .int(f.line)]),
                ]),
            ])
        }
        return JSONValue.array(issues).rendered()
    }

    static func sarifLevel(_ s: Severity) -> String { s == .error ? "error" : s == .warning ? "warning" : "note" }

    /// A SARIF 2.1.0 log with one run, every rule in the driver, one result per finding.
    static func sarif(_ r: DetectionReport, prefix: String) throws -> String {
        let rules = MistakeRules.all
        let ruleObjects: [[String: Any]] = rules.map { rule in
            [
                "id": rule.id,
                "name": rule.title.replacingAll(" ", with: ""),
                "shortDescription": ["text": rule.title],
                "fullDescription": ["text": rule.message],
                "help": ["text": rule.fix, "markdown": "**Fix:** \(rule.fix)"],
                "defaultConfiguration": ["level": sarifLevel(rule.severity)],
                "properties": ["tags": ["redis", "reliability"]],
            ]
        }
        let results: [[String: Any]] = r.findings.map { f in
            [
                "ruleId": f.rule,
                "ruleIndex": rules.firstIndex { $0.id == f.rule } ?? 0,
                "level": sarifLevel(f.severity),
                "message": ["text": "\(f.message). Fix: \(f.fix)"],
                "locations": [[
                    "physicalLocation": [
                        "artifactLocation": ["uri": prefix + f.path, "uriBaseId": "%SRCROOT%"],
                        "region": ["startLine": f.line, "startColumn": f.column, "snippet": ["text": f.snippet]],
                    ] as [String: Any],
                ]],
                "partialFingerprints": ["primaryLocationLineHash": "\(f.rule):\(prefix)\(f.path):\(f.snippet.hashValueStable)"],
                "properties": ["scope": Detector.evidenceScope(f.path)],
            ]
        }
        let log: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": [
                    "name": "infera",
                    "version": InferaVersion.current,
                    "informationUri": "https://github.com/infera/infera",
                    "rules": ruleObjects,
                ] as [String: Any]],
                "results": results,
                "properties": [
                    "schema": DetectionReport.schemaID,
                    "uses_redis": r.uses_redis, "confidence": r.confidence, "verdict": r.verdict.rawValue,
                    "client_libraries": r.client_libraries.map { l -> [String: Any] in
                        var d: [String: Any] = ["name": l.name, "package": l.package, "kind": l.kind, "scope": l.scope.rawValue,
                                                "locations": l.locations.map { "\(prefix)\($0.manifest):\($0.line)" }, "conditional": l.conditional]
                        if let v = l.version { d["version"] = v }
                        if let res = l.resolved { d["resolved"] = res }
                        return d
                    },
                    "backends": r.settings.filter { $0.kind == "backend" }.map { ["key": $0.key ?? "", "value": $0.value, "redis": $0.redis ?? false, "location": "\(prefix)\($0.path):\($0.line)"] as [String: Any] },
                    "commands": r.commands.map { c in ["name": c.name, "count": c.count, "uses": c.uses.map { "\(prefix)\($0.path):\($0.line):\($0.column)" }] as [String: Any] },
                ] as [String: Any],
            ] as [String: Any]],
        ]
        return try JSONObjects.serialize(log, pretty: true, escapeSlashes: false)
    }
}

extension String {
    /// FNV-1a of the UTF-8 bytes, as hex: stable across runs (unlike `hashValue`).
    var hashValueStable: String {
        var h: UInt64 = 0xcbf29ce484222325
        for b in utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return String(h, radix: 16)
    }
}
