import InferaDiagnostics

/// Renders a `VerifyReport` as text, JSON, JUnit XML or a markdown PR summary.
public enum VerifyRenderer {
    // MARK: text

    public static func text(_ r: VerifyReport, color: Bool = false) -> String {
        func paint(_ s: String, _ c: String) -> String { color ? "\u{1B}[\(c)m\(s)\u{1B}[0m" : s }
        var o = "infera verify: \(r.project) on \(r.profile) (local engine, \(r.engine.url))\n"
        let e = r.engine
        o += "  engine: TLS \(e.tls ? "on" : "off"), AUTH \(e.auth ? "on" : "off"), databases \(e.databases), maxmemory \(formatBytes(e.maxMemoryBytes))"
        o += " (planned \(formatBytes(e.plannedMemoryBytes))"
        if e.reservedFraction > 0 { o += " − \(Int((e.reservedFraction * 100).rounded()))% reserved" }
        if e.scale != 1 { o += " × scale \(e.scale)" }
        o += "), eviction \(e.providerEvictionPolicy == e.evictionPolicy ? e.evictionPolicy : "\(e.providerEvictionPolicy) (engine: \(e.evictionPolicy))"), started in \(format1(e.startMilliseconds)) ms\n"
        for n in e.notes { o += "  config: \(n)\n" }
        if !r.checks.isEmpty {
            o += "\nChecks\n"
            for c in r.checks {
                let mark: String
                switch c.status {
                case .pass: mark = paint("PASS", "32")
                case .fail: mark = paint("FAIL", "31")
                case .skip: mark = paint("SKIP", "33")
                }
                o += "  \(mark) \(c.id.padding(17)) \(c.reason)\n"
                if let fix = c.fix { o += "       fix: \(fix)\n" }
            }
            let passed = r.checks.filter { $0.status == .pass }.count
            let skipped = r.checks.filter { $0.status == .skip }.count
            o += "  \(passed) passed, \(r.failedChecks.count) failed, \(skipped) skipped in \(format1(r.checks.reduce(0) { $0 + $1.milliseconds })) ms\n"
        }
        if let a = r.app {
            o += "\nApplication: \(a.command.joined(separator: " "))\n"
            if let err = a.launchError { o += "  could not start: \(err)\n" }
            o += "  environment: \(a.environment.joined(separator: ", "))\n"
            o += "  exit status \(a.exitStatus) after \(format1(a.durationSeconds)) s; \(a.totalCommands) commands, \(a.commands.count) distinct\n"
            if a.incompatible.isEmpty {
                o += "  " + paint("no command the application sent is blocked on \(r.profile)", "32") + "\n"
            }
            for f in a.incompatible {
                let why = f.kind == "refused" ? "refused by a limit" : f.kind
                o += "  " + paint("would fail on \(r.profile): \(f.command) (\(f.count)×)", "31") + " — \(why); first sent by \(f.firstClient) [\(f.source)]\n"
            }
            for f in a.restricted {
                o += "  restricted on \(r.profile): \(f.command) (\(f.count)×) — \(f.note) [\(f.source)]\n"
            }
            if a.keysCalls > 0 { o += "  KEYS used \(a.keysCalls)× — blocks the server on large keyspaces; use SCAN\n" }
            if a.flushCalls > 0 { o += "  FLUSHALL/FLUSHDB used \(a.flushCalls)× — never in production code paths\n" }
            if a.largeValues > 0 { o += "  \(a.largeValues) write(s) with a value ≥ \(formatBytes(CommandRecorder.largeValueBytes)) (largest \(formatBytes(a.largestValueBytes))) — split or compress large values\n" }
            if a.keysWithoutTTL > 0 {
                o += "  \(a.keysWithoutTTL) of \(a.keysTotal) keys left without a TTL (\(a.keysWithoutTTLSample.joined(separator: ", "))) — cache keys should expire\n"
            }
            let pct = a.plannedMemoryBytes > 0 ? Double(a.peakMemoryBytes) / Double(a.plannedMemoryBytes) * 100 : 0
            o += "  peak memory ≈ \(formatBytes(a.peakMemoryBytes)) of \(formatBytes(a.plannedMemoryBytes)) maxmemory (\(format1(pct))%)"
            if a.evictedKeys > 0 { o += ", \(a.evictedKeys) keys evicted" }
            o += pct > 80 ? " — consider a larger size\n" : "\n"
            o += "  rate: \(format1(a.commandsPerSecond)) commands/s; \(a.costNote)\n"
        }
        return o
    }

    // MARK: JSON

    public static func json(_ r: VerifyReport) -> String {
        var root: [(String, JSONValue)] = [
            ("schema", .string(r.schema)), ("project", .string(r.project)), ("provider", .string(r.provider)),
            ("profile", .string(r.profile)),
        ]
        let e = r.engine
        var engine: [(String, JSONValue)] = [
            ("url", .string(e.url)), ("tls", .bool(e.tls)), ("auth", .bool(e.auth)),
            ("planned_memory_bytes", .int(e.plannedMemoryBytes)), ("reserved_fraction", .double(e.reservedFraction)),
            ("reserved_source", .string(e.reservedSource)), ("scale", .double(e.scale)), ("maxmemory_bytes", .int(e.maxMemoryBytes)),
            ("eviction_policy", .string(e.evictionPolicy)), ("provider_eviction_policy", .string(e.providerEvictionPolicy)),
            ("databases", .int(e.databases)), ("start_ms", .double(e.startMilliseconds)),
            ("notes", .array(e.notes.map { .string($0) })), ("limits", .array(e.limits.map { .string($0) })),
            ("blocked_error_source", .string(e.blockedErrorSource)),
        ]
        engine.append(("persistence", e.persistence.map { .string($0) } ?? .null))
        root.append(("engine", obj(engine)))
        root.append(("checks", .array(r.checks.map { c in
            obj([("id", .string(c.id)), ("title", .string(c.title)), ("status", .string(c.status.rawValue)),
                     ("reason", .string(c.reason)), ("fix", c.fix.map { .string($0) } ?? .null), ("ms", .double((c.milliseconds * 10).rounded() / 10))])
        })))
        if let a = r.app {
            func finding(_ f: CommandFinding) -> JSONValue {
                obj([("command", .string(f.command)), ("count", .int(f.count)), ("first_client", .string(f.firstClient)),
                         ("kind", .string(f.kind)), ("note", .string(f.note)), ("source", .string(f.source))])
            }
            var app: [(String, JSONValue)] = [
                ("command", .array(a.command.map { .string($0) })), ("environment", .array(a.environment.map { .string($0) })),
                ("exit_status", .int(Int(a.exitStatus))), ("duration_s", .double((a.durationSeconds * 1000).rounded() / 1000)),
                ("total_commands", .int(a.totalCommands)),
                ("commands", .array(a.commands.map { obj([("command", .string($0.command)), ("count", .int($0.count)), ("first_client", .string($0.firstClient))]) })),
                ("incompatible", .array(a.incompatible.map(finding))), ("restricted", .array(a.restricted.map(finding))),
                ("keys_calls", .int(a.keysCalls)), ("flush_calls", .int(a.flushCalls)), ("large_values", .int(a.largeValues)),
                ("largest_value_bytes", .int(a.largestValueBytes)), ("keys_total", .int(a.keysTotal)),
                ("keys_without_ttl", .int(a.keysWithoutTTL)), ("keys_without_ttl_sample", .array(a.keysWithoutTTLSample.map { .string($0) })),
                ("peak_memory_bytes", .int(a.peakMemoryBytes)), ("maxmemory_bytes", .int(a.plannedMemoryBytes)),
                ("evicted_keys", .int(a.evictedKeys)), ("commands_per_second", .double((a.commandsPerSecond * 10).rounded() / 10)),
                ("monthly_commands", a.monthlyCommands.map { .double($0.rounded()) } ?? .null),
                ("monthly_cost_usd", a.monthlyCostUSD.map { .double(($0 * 100).rounded() / 100) } ?? .null),
                ("cost_note", .string(a.costNote)),
            ]
            if let err = a.launchError { app.append(("launch_error", .string(err))) }
            root.append(("app", obj(app)))
        }
        root.append(("duration_ms", .double((r.durationMilliseconds * 10).rounded() / 10)))
        return obj(root).rendered(pretty: true) + "\n"
    }

    // MARK: JUnit

    public static func junit(_ r: VerifyReport) -> String {
        var cases: [String] = []
        for c in r.checks {
            var x = "    <testcase classname=\"infera.verify.\(xml(r.provider))\" name=\"\(xml(c.id))\" time=\"\(seconds(c.milliseconds))\">"
            switch c.status {
            case .pass: x += "<system-out>\(xml(c.reason))</system-out>"
            case .skip: x += "<skipped message=\"\(xml(c.reason))\"/>"
            case .fail: x += "<failure message=\"\(xml(c.reason))\">\(xml("fix: " + (c.fix ?? "")))</failure>"
            }
            cases.append(x + "</testcase>")
        }
        var failures = r.failedChecks.count
        if let a = r.app {
            for f in a.incompatible {
                failures += 1
                cases.append("    <testcase classname=\"infera.verify.\(xml(r.provider)).app\" name=\"\(xml(f.command))\" time=\"0\"><failure message=\"\(xml("would fail on \(r.profile): \(f.command) (\(f.count)×)"))\">\(xml("\(f.kind): \(f.note); first sent by \(f.firstClient) [\(f.source)]"))</failure></testcase>")
            }
            let name = a.command.joined(separator: " ")
            var x = "    <testcase classname=\"infera.verify.\(xml(r.provider)).app\" name=\"\(xml(name))\" time=\"\(seconds(a.durationSeconds * 1000))\">"
            if a.exitStatus != 0 {
                failures += 1
                x += "<failure message=\"\(xml("exit status \(a.exitStatus)"))\"/>"
            }
            cases.append(x + "</testcase>")
        }
        let skipped = r.checks.filter { $0.status == .skip }.count
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites name="infera verify">
          <testsuite name="infera verify (\(xml(r.profile)))" tests="\(cases.count)" failures="\(failures)" errors="0" skipped="\(skipped)" time="\(seconds(r.durationMilliseconds))">
        \(cases.joined(separator: "\n"))
          </testsuite>
        </testsuites>

        """
    }

    // MARK: markdown

    /// `--format markdown`: see `VerifyMarkdown`.
    public static func markdown(_ r: VerifyReport) -> String { VerifyMarkdown.render(r) }


    static func xml(_ s: String) -> String {
        var o = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            case "'": o += "&apos;"
            default:
                if ch.value < 0x20 && ch != "\n" && ch != "\t" { o += " " } else { o.unicodeScalars.append(ch) }
            }
        }
        return o
    }

    static func seconds(_ ms: Double) -> String { format3(ms / 1000) }

    static func format3(_ d: Double) -> String {
        let r = Int((d * 1000).rounded())
        let frac = r % 1000
        return "\(r / 1000).\(frac < 10 ? "00" : frac < 100 ? "0" : "")\(frac)"
    }

    /// `--list-checks`.
    public static func checkList() -> String {
        var o = "Checks (run in this order; pick with --checks id,id):\n"
        for c in VerifyCheck.all { o += "  \(c.id.padding(17)) \(c.title)\n      \(c.summary)\n" }
        return o
    }
}

extension String {
    func padding(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}

func obj(_ pairs: [(String, JSONValue)]) -> JSONValue { .object(Dictionary(pairs, uniquingKeysWith: { a, _ in a })) }
