#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RESP

/// Per-command latency histograms (LATENCY HISTOGRAM, INFO latencystats), latency events over
/// `latency-monitor-threshold` (LATENCY LATEST/HISTORY/RESET/DOCTOR/GRAPH) and error counts by
/// error code (INFO errorstats). Owned by the engine's lock like the rest of the engine state.
public final class LatencyMonitor: @unchecked Sendable {
    /// Power-of-two microsecond buckets per command statistics id: bucket k counts calls of at most 2^k µs.
    @usableFromInline static let bucketCount = 40
    @usableFromInline var buckets: [UInt64] = []
    /// `latency-monitor-threshold` in milliseconds (0 = off).
    public var thresholdMs = 0
    /// `latency-tracking` (per-command histograms).
    public var trackingEnabled = true
    /// `latency-tracking-info-percentiles`.
    public var percentiles: [Double] = [50, 99, 99.9]

    struct Sample { var time: Int64; var ms: Int }
    struct Series { var samples: [Sample] = []; var max = 0 }
    var events: [String: Series] = [:]
    static let historyLength = 160

    /// Error replies by their first word (`ERR`, `WRONGTYPE`, ...).
    public var errors: [String: Int] = [:]

    public init() {}

    /// Records one call of command `sid` that took `micros`.
    @inlinable public func record(_ sid: Int, micros: Int64) {
        let k = micros <= 1 ? 0 : min(LatencyMonitor.bucketCount - 1, 64 - (micros - 1).leadingZeroBitCount)
        let i = sid &* LatencyMonitor.bucketCount &+ k
        if i >= buckets.count { grow(sid) }
        buckets[i] &+= 1
    }

    @usableFromInline func grow(_ sid: Int) {
        buckets.append(contentsOf: repeatElement(0, count: (sid + 1) * LatencyMonitor.bucketCount - buckets.count))
    }

    /// Adds a latency event sample when it reaches the threshold (latencyAddSampleIfNeeded).
    public func addSampleIfNeeded(_ event: String, ms: Int, nowSeconds: Int64) {
        if thresholdMs <= 0 || ms < thresholdMs { return }
        var s = events[event] ?? Series()
        if let last = s.samples.last, last.time == nowSeconds {
            s.samples[s.samples.count - 1].ms = Swift.max(last.ms, ms)
        } else {
            s.samples.append(Sample(time: nowSeconds, ms: ms))
            if s.samples.count > LatencyMonitor.historyLength { s.samples.removeFirst() }
        }
        s.max = Swift.max(s.max, ms)
        events[event] = s
    }

    /// Counts an error reply whose text starts at `message` (the bytes after '-').
    public func countError<C: Collection>(_ message: C) where C.Element == UInt8 {
        var code: [UInt8] = []
        for b in message {
            if b == 32 || b == 13 || b == 10 || code.count >= 128 { break }
            code.append(b)
        }
        errors[String(decoding: code, as: UTF8.self), default: 0] += 1
    }

    /// Clears the histograms and error counts (CONFIG RESETSTAT).
    public func resetStats() {
        buckets.removeAll(keepingCapacity: true)
        errors.removeAll()
    }

    /// Cumulative (upper bound µs, count) pairs of command `sid`, only where the count grows.
    func cumulative(_ sid: Int) -> (calls: UInt64, points: [(Int, UInt64)]) {
        let base = sid * LatencyMonitor.bucketCount
        if base + LatencyMonitor.bucketCount > buckets.count { return (0, []) }
        var total: UInt64 = 0
        var out: [(Int, UInt64)] = []
        for k in 0..<LatencyMonitor.bucketCount {
            let c = buckets[base + k]
            if c == 0 { continue }
            total += c
            out.append((1 << k, total))
        }
        return (total, out)
    }
}

/// LATENCY and the INFO sections that read `LatencyMonitor`.
enum LatencyCommands {
    static var spec: CommandSpec {
        func sub(_ name: String, _ arity: Int, _ summary: String, _ h: @escaping CommandHandler) -> CommandSpec {
            CommandSpec(name, arity: arity, flags: [.admin, .noscript, .loading, .stale], categories: ["admin", "slow", "dangerous"],
                        group: "server", summary: summary, since: "2.8.13", handler: h)
        }
        return CommandSpec.container("latency", group: "server", summary: "A container for latency diagnostics commands", since: "2.8.13", subcommands: [
            sub("histogram", -2, "Return the cumulative distribution of latencies of a subset of commands or all commands.", histogram),
            sub("latest", 2, "Return the latest latency samples for all events.", latest),
            sub("history", 3, "Return timestamp-latency samples for the event.", history),
            sub("reset", -2, "Reset latency data for one or more events.", reset),
            sub("doctor", 2, "Return a human readable latency analysis report.", doctor),
            sub("graph", 3, "Return a latency graph for the event.", graph),
            CommandSpec("help", arity: 2, flags: [.loading, .stale], categories: ["slow"], group: "server",
                        summary: "Show helpful text about the different subcommands.", since: "2.8.13") { ctx in
                KeyCommands.replyHelp(&ctx, "LATENCY", [
                    "DOCTOR",
                    "    Return a human readable latency analysis report.",
                    "GRAPH <event>",
                    "    Return an ASCII latency graph for the <event> class.",
                    "HISTORY <event>",
                    "    Return time-latency samples for the <event> class.",
                    "LATEST",
                    "    Return the latest latency samples for all events.",
                    "RESET [<event> ...]",
                    "    Reset latency data of one or more <event> classes.",
                    "    (default: reset all data for all event classes)",
                    "HISTOGRAM [COMMAND ...]",
                    "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
                    "    If no commands are specified then all histograms are replied.",
                ])
            },
        ])
    }

    static func replyHistogram(_ ctx: inout CommandContext, _ cmd: CommandSpec, into out: inout [(String, UInt64, [(Int, UInt64)])]) {
        let (calls, points) = ctx.engine.latency.cumulative(cmd.statID)
        if calls > 0 { out.append((cmd.fullName, calls, points)) }
    }

    static func histogram(_ ctx: inout CommandContext) {
        var rows: [(String, UInt64, [(Int, UInt64)])] = []
        let e = ctx.engine
        if ctx.argc == 2 {
            for cmd in e.commandTable.all {
                replyHistogram(&ctx, cmd, into: &rows)
                for sub in cmd.subcommands { replyHistogram(&ctx, sub, into: &rows) }
            }
        } else {
            var seen = Set<String>()
            for j in 2..<ctx.argc {
                let name = ctx.args.string(j).lowercased()
                let parts = name.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard let first = parts.first, let top = e.commandTable.lookup(ArraySlice(first.utf8)) else { continue }
                var targets: [CommandSpec] = []
                if parts.count == 2 {
                    if let s = top.subcommands.first(where: { $0.name == parts[1] }) { targets = [s] }
                } else {
                    targets = [top] + top.subcommands
                }
                for t in targets where !seen.contains(t.fullName) {
                    seen.insert(t.fullName)
                    replyHistogram(&ctx, t, into: &rows)
                }
            }
        }
        ctx.out.mapHeader(rows.count)
        for (name, calls, points) in rows {
            ctx.out.bulk(name)
            ctx.out.mapHeader(2)
            ctx.out.bulk("calls")
            ctx.out.integer(Int(calls))
            ctx.out.bulk("histogram_usec")
            ctx.out.mapHeader(points.count)
            for (us, c) in points {
                ctx.out.integer(us)
                ctx.out.integer(Int(c))
            }
        }
    }

    static func latest(_ ctx: inout CommandContext) {
        let ev = ctx.engine.latency.events.filter { !$0.value.samples.isEmpty }.sorted { $0.key < $1.key }
        ctx.out.arrayHeader(ev.count)
        for (name, s) in ev {
            let last = s.samples[s.samples.count - 1]
            ctx.out.arrayHeader(4)
            ctx.out.bulk(name)
            ctx.out.integer(Int(last.time))
            ctx.out.integer(last.ms)
            ctx.out.integer(s.max)
        }
    }

    static func history(_ ctx: inout CommandContext) {
        let s = ctx.engine.latency.events[ctx.args.string(2)]?.samples ?? []
        ctx.out.arrayHeader(s.count)
        for x in s {
            ctx.out.arrayHeader(2)
            ctx.out.integer(Int(x.time))
            ctx.out.integer(x.ms)
        }
    }

    static func reset(_ ctx: inout CommandContext) {
        let m = ctx.engine.latency
        if ctx.argc == 2 {
            let n = m.events.count
            m.events.removeAll()
            ctx.out.integer(n)
            return
        }
        var n = 0
        for j in 2..<ctx.argc where m.events.removeValue(forKey: ctx.args.string(j)) != nil { n += 1 }
        ctx.out.integer(n)
    }

    static func doctor(_ ctx: inout CommandContext) {
        let m = ctx.engine.latency
        var text = "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n"
        if m.events.isEmpty {
            text = "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sleep better tonight.\n"
            if m.thresholdMs == 0 {
                text += "\nI'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it.\n"
            }
        } else {
            var i = 1
            for (name, s) in m.events.sorted(by: { $0.key < $1.key }) where !s.samples.isEmpty {
                let avg = s.samples.reduce(0) { $0 + $1.ms } / s.samples.count
                text += "\(i). \(name): \(s.samples.count) latency spikes (average \(avg)ms, mean deviation 0ms, period 0 sec). Worst all time event \(s.max)ms.\n"
                i += 1
            }
            text += "\nI have no advice to give you, Dave.\n"
        }
        ctx.out.verbatim(text)
    }

    static func graph(_ ctx: inout CommandContext) {
        let name = ctx.args.string(2)
        guard let s = ctx.engine.latency.events[name], !s.samples.isEmpty else {
            ctx.out.error("ERR No samples available for event '\(name)'")
            return
        }
        var text = "\(name) - high \(s.max) ms, low \(s.samples.map(\.ms).min() ?? 0) ms (all time high \(s.max) ms)\n"
        text += String(repeating: "-", count: 80) + "\n"
        for x in s.samples { text += "\(x.time) \(String(repeating: "#", count: max(1, s.max == 0 ? 1 : x.ms * 20 / s.max)))\n" }
        ctx.out.verbatim(text)
    }

    /// INFO latencystats: p50/p99/p99.9 per command from the histogram buckets.
    static func infoLatencyStats(_ e: Engine) -> [String] {
        var lines: [String] = []
        for cmd in e.commandTable.all {
            for c in [cmd] + cmd.subcommands {
                let (calls, points) = e.latency.cumulative(c.statID)
                if calls == 0 { continue }
                func pct(_ p: Double) -> String {
                    let want = UInt64((Double(calls) * p / 100).rounded(.up))
                    let us = points.first { $0.1 >= max(1, want) }?.0 ?? points.last?.0 ?? 0
                    return RedisNumberFormat.fixed(Double(us), 3)
                }
                let parts = e.latency.percentiles.map { "p\(percentileName($0))=\(pct($0))" }
                lines.append("latency_percentiles_usec_\(c.fullName):" + parts.joined(separator: ","))
            }
        }
        return lines
    }

    /// A percentile as Redis prints it (`%g`: 50, 99.9, 0).
    static func percentileName(_ p: Double) -> String {
        var buf = [CChar](repeating: 0, count: 64)
        let n = withVaList([p]) { vsnprintf(&buf, 64, "%g", $0) }
        return String(decoding: buf.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// CONFIG latency-tracking / latency-tracking-info-percentiles.
    static var configParameters: [ConfigCommands.Parameter] {
        [
            ConfigCommands.Parameter(name: "latency-tracking", aliases: [], get: { $0.latency.trackingEnabled ? "yes" : "no" }, set: { e, v in
                switch v.lowercased() {
                case "yes": e.latency.trackingEnabled = true
                case "no": e.latency.trackingEnabled = false
                default: return "argument must be 'yes' or 'no'"
                }
                return nil
            }),
            ConfigCommands.Parameter(name: "latency-tracking-info-percentiles", aliases: [],
                                     get: { $0.latency.percentiles.map(percentileName).joined(separator: " ") }, set: { e, v in
                var out: [Double] = []
                for w in v.split(separator: " ") {
                    guard let d = Double(w), d >= 0, d <= 100 else { return "latency-tracking-info-percentiles parameter should be between 0.0 and 100.0" }
                    out.append(d)
                }
                e.latency.percentiles = out
                return nil
            }),
        ]
    }

    /// INFO errorstats lines.
    static func infoErrorStats(_ e: Engine) -> [String] {
        e.latency.errors.sorted { $0.key < $1.key }.map { "errorstat_\($0.key):count=\($0.value)" }
    }
}
