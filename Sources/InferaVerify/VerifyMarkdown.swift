import InferaDiagnostics

/// `infera verify --format markdown`: the report as a pull-request comment (and GitHub job summary),
/// in the shape `plan` and `detect` use (`<!-- infera:verify -->` marker, one title line, the head
/// always kept, details folded). The head says what a reviewer acts on: failed checks with their fix,
/// the commands the application sent that would fail on the provider, misuse and sizing hints. Passed
/// checks are listed by title only (their reasons carry ports and timings) inside `<details>`.
public enum VerifyMarkdown {
    public static func render(_ r: VerifyReport, limit: Int = MarkdownSummary.githubLimit) -> String {
        summary(r).render(limit: limit)
    }

    public static func summary(_ r: VerifyReport) -> MarkdownSummary {
        typealias M = MarkdownSummary
        let passed = r.checks.filter { $0.status == .pass }
        let failed = r.failedChecks
        let skipped = r.checks.filter { $0.status == .skip }
        let incompatible = r.app?.incompatible ?? []
        let appFailed = (r.app?.exitStatus ?? 0) != 0

        var problems: [String] = []
        if !failed.isEmpty { problems.append(plural(failed.count, "check") + " failed") }
        if !incompatible.isEmpty { problems.append(plural(incompatible.count, "command") + " would fail") }
        if let a = r.app, appFailed { problems.append("the command exited \(a.exitStatus)") }
        let verdict = problems.isEmpty ? "✅ ready for \(r.profile)" : "❌ " + problems.joined(separator: ", ")
        var md = M(kind: "verify", title: "infera verify: \(M.code(r.project)) on \(r.profile) — \(verdict)")

        let e = r.engine
        var memory = "maxmemory \(formatBytes(e.maxMemoryBytes)) (planned \(formatBytes(e.plannedMemoryBytes))"
        if e.reservedFraction > 0 { memory += " − \(Int((e.reservedFraction * 100).rounded()))% reserved" }
        if e.scale != 1 { memory += " × scale \(e.scale)" }
        memory += ")"
        let eviction = e.providerEvictionPolicy == e.evictionPolicy ? e.evictionPolicy : "\(e.providerEvictionPolicy) (engine: \(e.evictionPolicy))"
        var head = "**Engine:** TLS \(e.tls ? "on" : "off") · AUTH \(e.auth ? "on" : "off") · \(memory) · \(M.cell(eviction)) · \(plural(e.databases, "database"))"
        head += " · persistence: \(M.cell(e.persistence ?? "none planned"))"
        if !r.checks.isEmpty {
            head += "  \n**Checks:** \(passed.count) passed, \(failed.count) failed, \(skipped.count) skipped"
        }
        if let a = r.app {
            head += "  \n**App:** \(M.code(shortCommand(a.command))) exited \(a.exitStatus)"
            head += " · \(plural(a.totalCommands, "command")) (\(a.commands.count) distinct)"
            head += incompatible.isEmpty ? " · none blocked on \(r.profile)" : " · \(incompatible.count) would fail on \(r.profile)"
            if let err = a.launchError { head += "  \n**Could not start:** \(M.cell(err))" }
        }
        md.paragraph(head)

        if !failed.isEmpty {
            md.heading("Failed checks")
            md.bullets(failed.map { c in
                var item = "❌ \(M.code(c.id)) \(M.cell(c.title)): \(M.cell(c.reason))"
                if let fix = c.fix { item += "  \n  **Fix:** \(M.cell(fix))" }
                return item
            })
        }

        if let a = r.app {
            if !incompatible.isEmpty {
                md.heading("Would fail on \(r.profile)")
                md.table(["Command", "Calls", "Why", "First sent by"], incompatible.map { f in
                    [M.code(f.command), String(f.count), M.cell(f.kind == "refused" ? "refused by a limit: \(f.note)" : f.note.isEmpty ? f.kind : f.note), M.cell(f.firstClient)]
                }, align: ["l", "r", "l", "l"])
            }
            var hints: [String] = []
            for f in a.restricted { hints.append("⚠️ restricted on \(r.profile): \(M.code(f.command)) (\(f.count)×) — \(M.cell(f.note))") }
            if a.keysCalls > 0 { hints.append("⚠️ \(M.code("KEYS")) used \(a.keysCalls)× — blocks the server on large keyspaces; use `SCAN`") }
            if a.flushCalls > 0 { hints.append("⚠️ `FLUSHALL`/`FLUSHDB` used \(a.flushCalls)× — never in production code paths") }
            if a.largeValues > 0 {
                hints.append("⚠️ \(a.largeValues) write(s) with a value ≥ \(formatBytes(CommandRecorder.largeValueBytes)) (largest \(formatBytes(a.largestValueBytes))) — split or compress large values")
            }
            if a.keysWithoutTTL > 0 {
                hints.append("⚠️ \(a.keysWithoutTTL) of \(a.keysTotal) keys left without a TTL (\(a.keysWithoutTTLSample.map { M.code($0) }.joined(separator: ", "))) — cache keys should expire")
            }
            let pct = a.plannedMemoryBytes > 0 ? Double(a.peakMemoryBytes) / Double(a.plannedMemoryBytes) * 100 : 0
            var mem = "peak memory ≈ \(formatBytes(a.peakMemoryBytes)) of \(formatBytes(a.plannedMemoryBytes)) maxmemory (\(format1(pct))%)"
            if a.evictedKeys > 0 { mem += ", \(a.evictedKeys) keys evicted" }
            if pct > 80 { mem += " — consider a larger size" }
            hints.append(mem)
            if let c = a.monthlyCostUSD {
                hints.append("projected cost at \(format1(a.commandsPerSecond)) commands/s: **$\(money(c))/month** on \(r.profile) pay-as-you-go")
            } else {
                hints.append("\(format1(a.commandsPerSecond)) commands/s; \(r.profile) bills by capacity, not per request")
            }
            md.heading("Application")
            md.bullets(hints)
        }

        if !skipped.isEmpty {
            md.details("Skipped checks (\(skipped.count))", skipped.map { "- \(M.code($0.id)) \(M.cell($0.reason))" }.joined(separator: "\n"))
        }
        if !passed.isEmpty {
            md.details("Passed checks (\(passed.count))", passed.map { "- \(M.code($0.id)) \(M.cell($0.title))" }.joined(separator: "\n"))
        }
        if let a = r.app, !a.commands.isEmpty {
            let rows = a.commands.map { [M.code($0.command), String($0.count)] }
            md.details("Commands the application sent (\(a.commands.count))", M.tableText(["Command", "Calls"], rows, align: ["l", "r"]))
        }
        if !e.notes.isEmpty || !e.limits.isEmpty {
            let body = (e.notes.map { "- config: \(M.cell($0))" } + e.limits.map { "- limit: \(M.cell($0))" }).joined(separator: "\n")
            md.details("Engine configuration", body)
        }
        return md
    }

    /// The command on one line, at most 100 characters (an inline script is cut with "…").
    static func shortCommand(_ argv: [String]) -> String {
        let flat = String(argv.joined(separator: " ").map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : $0 })
        return flat.count <= 100 ? flat : String(flat.prefix(99)) + "…"
    }

    static func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
}
