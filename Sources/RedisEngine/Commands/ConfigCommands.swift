#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import RESP

/// CONFIG GET / CONFIG SET over the engine's settings.
public enum ConfigCommands {
    /// One configuration parameter.
    public struct Parameter: Sendable {
        public let name: String
        public let aliases: [String]
        public let get: @Sendable (Engine) -> String
        /// Applies a value; returns an error reason or nil. nil setter = immutable.
        public let set: (@Sendable (Engine, String) -> String?)?
    }

    /// A CONFIG SET value check failed: the reason redis-server gives after " - ".
    public struct ValueError: Error, Sendable { public let reason: String }

    /// The redis-server 7.0 row for `name` (canonical name or alias).
    static func row(_ name: String) -> (name: String, aliases: [String], kind: String, detail: String, defaultValue: String)? {
        rowIndex[name].map { RedisConfigTable.rows[$0] } ?? hiddenRows.first { $0.name == name }
    }

    /// redis-server 7.0's HIDDEN_CONFIG parameters: CONFIG GET answers them only by exact name,
    /// never for a glob pattern (so they are not in `CONFIG GET *`).
    static let hiddenRows: [(name: String, aliases: [String], kind: String, detail: String, defaultValue: String)] = [
        ("key-load-delay", [], "integer", "-2147483648 and 2147483647", "0"),
        ("loading-process-events-interval-bytes", [], "integer", "1024 and 2147483647", "2097152"),
        ("rdb-key-save-delay", [], "integer", "-2147483648 and 2147483647", "0"),
    ]
    static let hiddenNames = Set(hiddenRows.map(\.name))

    static let rowIndex: [String: Int] = {
        var d: [String: Int] = [:]
        for (i, r) in RedisConfigTable.rows.enumerated() {
            d[r.name] = i
            for a in r.aliases { d[a] = i }
        }
        return d
    }()

    /// Redis's `memtoull`: digits with an optional unit (b, k, kb, m, mb, g, gb; any case), no sign;
    /// "" is 0 and the multiplication wraps like C's unsigned arithmetic. nil when Redis reports an error.
    public static func memtoull(_ s: String) -> UInt64? {
        let u = Array(s.utf8)
        if u.first == UInt8(ascii: "-") { return nil }
        var i = 0
        while i < u.count && u[i] >= 48 && u[i] <= 57 { i += 1 }
        let unit = String(decoding: u[i...], as: UTF8.self).lowercased()
        let mul: UInt64
        switch unit {
        case "", "b": mul = 1
        case "k": mul = 1000
        case "kb": mul = 1024
        case "m": mul = 1000 * 1000
        case "mb": mul = 1024 * 1024
        case "g": mul = 1000 * 1000 * 1000
        case "gb": mul = 1024 * 1024 * 1024
        default: return nil
        }
        if i >= 128 { return nil }
        var v: UInt64 = 0
        for d in u[..<i] {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d - 48))
            if o1 || o2 { return nil }   // strtoull: ERANGE
            v = a
        }
        return v &* mul
    }

    static func bounds(_ detail: String) -> (Int, Int)? {
        let parts = detail.split(separator: " and ").map(String.init)
        guard parts.count == 2, let lo = Int(parts[0]), let hi = Int(parts[1]) else { return nil }
        return (lo, hi)
    }

    /// Checks and normalises `value` for the parameter described by `row`, with redis-server 7.0's
    /// rules and error texts; returns the text CONFIG GET will report.
    public static func normalize(_ name: String, _ value: String) -> Result<String, ValueError> {
        do { return .success(try checkedValue(name, value)) } catch let e as ValueError { return .failure(e) } catch { return .success(value) }
    }

    static func checkedValue(_ name: String, _ value: String) throws -> String {
        guard let r = row(name) else { return value }
        switch r.kind {
        case "bool":
            let l = value.lowercased()
            guard l == "yes" || l == "no" else { throw ValueError(reason: "argument must be 'yes' or 'no'") }
            return l
        case "enum":
            let l = value.lowercased()
            guard r.detail.split(separator: ", ").contains(where: { $0 == l }) else {
                throw ValueError(reason: "argument(s) must be one of the following: \(r.detail)")
            }
            return l
        case "integer":
            guard let v = Array(value.utf8).withUnsafeBytes({ parseStrictInt($0) }) else {
                throw ValueError(reason: "argument couldn't be parsed into an integer")
            }
            if let (lo, hi) = bounds(r.detail), Int(v) < lo || Int(v) > hi {
                throw ValueError(reason: "argument must be between \(lo) and \(hi) inclusive")
            }
            return String(v)
        case "memory", "memoryUnsigned", "memoryOrPercent", "memoryOrPercentUnsigned":
            let percent = r.kind.hasPrefix("memoryOrPercent")
            if percent, value.count > 1, value.hasSuffix("%") {
                guard let p = Int(value.dropLast()), p >= 0 else { throw ValueError(reason: "argument must be a memory or percent value") }
                // maxmemory-clients, the only percent parameter, has Redis's lower bound -100 (100%).
                if p > 100 { throw ValueError(reason: "percentage argument must be less or equal to 100") }
                return "\(p)%"
            }
            guard let u = memtoull(value) else {
                throw ValueError(reason: percent ? "argument must be a memory or percent value" : "argument must be a memory value")
            }
            if r.kind.hasSuffix("Unsigned") { return String(u) }
            let v = Int(Int64(bitPattern: u))
            if let (lo, hi) = bounds(r.detail), v < lo || v > hi {
                throw ValueError(reason: "argument must be between \(lo) and \(hi) inclusive")
            }
            return String(v)
        default:
            return value
        }
    }

    /// A parameter backed by an integer field: validated by the redis-server table row, then applied.
    static func integer(_ name: String, get: @escaping @Sendable (Engine) -> Int,
                        _ apply: @escaping @Sendable (Engine, Int) -> Void) -> Parameter {
        Parameter(name: name, aliases: row(name)?.aliases ?? [], get: { String(get($0)) }, set: { e, v in
            switch normalize(name, v) {
            case .success(let normalized):
                apply(e, Int(normalized) ?? Int(clamping: UInt64(normalized) ?? 0))
                return nil
            case .failure(let error):
                return error.reason
            }
        })
    }

    /// A parameter kept as text in `config.extra` (validated by its redis-server table row).
    static func generic(_ name: String, _ def: String, aliases: [String] = [], mutable: Bool = true) -> Parameter {
        let setter: @Sendable (Engine, String) -> String? = { e, v in
            switch normalize(name, v) {
            case .success(let normalized):
                e.config.extra[name] = normalized
                return nil
            case .failure(let error):
                return error.reason
            }
        }
        return Parameter(name: name, aliases: aliases, get: { e in e.config.extra[name] ?? def }, set: mutable ? setter : nil)
    }

    static func extra(_ name: String, _ def: String) -> Parameter { generic(name, def, aliases: row(name)?.aliases ?? []) }

    static func immutable(_ name: String, _ def: String) -> Parameter { generic(name, def, mutable: false) }

    /// A parameter redis-server can change at runtime but infera server fixes at startup: CONFIG SET
    /// to the value it has succeeds (as in Redis); another value is refused with the reason.
    static func fixedAtStartup(_ name: String, _ def: String) -> Parameter {
        Parameter(name: name, aliases: [], get: { e in e.config.extra[name] ?? def }, set: { e, v in
            let current = e.config.extra[name] ?? def
            switch normalize(name, v) {
            case .success(let normalized):
                return normalized == current ? nil : "'\(name)' is fixed at startup in infera server (set it in the config file or on the command line)"
            case .failure(let error):
                return error.reason
            }
        })
    }

    /// Whether a TCP listener could bind 127.0.0.1:`port` now (with SO_REUSEADDR, as Redis binds).
    static func portIsFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if fd < 0 { return false }
        defer { close(fd) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return rc == 0
    }

    /// Parameters with an engine field or an engine-specific value; every other redis-server 7.0
    /// parameter comes from `RedisConfigTable` (see `parameters`).
    static let handled: [Parameter] = [
        Parameter(name: "requirepass", aliases: [], get: { e in
            // After ACL SETUSER default the password lives in the ACL, not in `requirepass` (as in Redis).
            let v = e.config.requirePass?.value ?? ""
            return v == ACLCommands.requirePassFromACL ? "" : v
        }, set: { e, v in
            e.config.requirePass = v.isEmpty ? nil : RedactedSecret(v)
            return nil
        }),
        Parameter(name: "databases", aliases: [], get: { String($0.config.databases) }, set: nil),
        integer("maxclients", get: { $0.config.maxClients }) { $0.config.maxClients = $1 },
        integer("timeout", get: { $0.config.timeout }) { $0.config.timeout = $1 },
        integer("maxmemory", get: { $0.config.maxMemory }) { e, v in
            e.config.maxMemory = v
            // Like Redis's updateMaxmemory: evict right away when already over the new limit.
            if v > 0 { _ = e.evictUntilUnderLimit() }
        },
        Parameter(name: "maxmemory-policy", aliases: [], get: { $0.config.maxMemoryPolicy }, set: { e, v in
            let l = v.lowercased()
            let all = ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"]
            guard all.contains(l) else { return "argument(s) must be one of the following: " + all.joined(separator: ", ") }
            e.config.maxMemoryPolicy = l
            return nil
        }),
        integer("maxmemory-samples", get: { $0.config.maxMemorySamples }) { $0.config.maxMemorySamples = $1 },
        integer("hz", get: { $0.config.hz }) { $0.config.hz = max(1, min(500, $1)) },
        integer("proto-max-bulk-len", get: { $0.config.protoMaxBulkLen }) { $0.config.protoMaxBulkLen = $1 },
        integer("client-query-buffer-limit", get: { $0.config.clientQueryBufferLimit }) { $0.config.clientQueryBufferLimit = $1 },
        integer("hash-max-listpack-entries", get: { $0.config.hashMaxListpackEntries }) { $0.config.hashMaxListpackEntries = $1 },
        integer("hash-max-listpack-value", get: { $0.config.hashMaxListpackValue }) { $0.config.hashMaxListpackValue = $1 },
        integer("slowlog-log-slower-than", get: { $0.config.slowlogLogSlowerThan }) { $0.config.slowlogLogSlowerThan = $1 },
        integer("slowlog-max-len", get: { $0.config.slowlogMaxLen }) { $0.config.slowlogMaxLen = $1 },
        Parameter(name: "notify-keyspace-events", aliases: [], get: { $0.config.notifyKeyspaceEvents.configStringForConfig }, set: { e, v in
            guard let f = KeyspaceEventType(parsing: v) else { return "Invalid event class character. Use 'Ag$lshzxeKEtmd'." }
            e.config.notifyKeyspaceEvents = f
            return nil
        }),
        Parameter(name: "port", aliases: [], get: { $0.config.extra["port"] ?? "6379" }, set: { e, v in
            let current = e.config.extra["port"] ?? "6379"
            guard let port = Int(v), port >= 0, port <= 65535 else { return "argument couldn't be parsed into an integer" }
            if String(port) == current { return nil }
            // Redis's changeListenPort binds the new port before closing the old one.
            if !portIsFree(port) { return "Unable to listen on this port. Check server logs." }
            return "the listening port is fixed at startup in infera server (restart it with --port \(port))"
        }),
        Parameter(name: "tls-port", aliases: [], get: { $0.config.extra["tls-port"] ?? "0" }, set: nil),
        fixedAtStartup("bind", inferaDefaultBind),
        immutable("tls-cert-file", ""), immutable("tls-key-file", ""), immutable("tls-ca-cert-file", ""),
        fixedAtStartup("tls-auth-clients", "yes"), fixedAtStartup("protected-mode", "yes"),
        Parameter(name: "appendonly", aliases: [], get: { $0.aof.status == .off ? "no" : "yes" }, set: { e, v in
            switch v.lowercased() {
            case "yes":
                if let err = e.aofEnable() { return err }
                e.config.extra["appendonly"] = "yes"
            case "no":
                e.aofDisable()
                e.config.extra["appendonly"] = "no"
            default: return "argument must be 'yes' or 'no'"
            }
            return nil
        }),
        extra("logfile", ""), immutable("daemonize", "no"),
        immutable("enable-debug-command", "no"), immutable("enable-module-command", "no"),
        integer("acllog-max-len", get: { $0.config.aclLogMaxLen }) { $0.config.aclLogMaxLen = $1 },
        integer("lfu-log-factor", get: { $0.config.lfuLogFactor }) { $0.config.lfuLogFactor = $1 },
        integer("lfu-decay-time", get: { $0.config.lfuDecayTime }) { $0.config.lfuDecayTime = $1 },
        immutable("tcp-backlog", "511"),
        integer("latency-monitor-threshold", get: { $0.latency.thresholdMs }) { $0.latency.thresholdMs = $1 },
        Parameter(name: "client-output-buffer-limit", aliases: [], get: { $0.config.extra["client-output-buffer-limit"] ?? defaultOutputBufferLimits }, set: { e, v in
            switch mergeOutputBufferLimits(e.config.extra["client-output-buffer-limit"] ?? defaultOutputBufferLimits, v) {
            case .success(let merged):
                e.config.extra["client-output-buffer-limit"] = merged
                return nil
            case .failure(let error):
                return error.reason
            }
        }),
        immutable("io-threads", "1"),
    ] + LatencyCommands.configParameters + PersistenceCommands.configParameters

    /// Every parameter CONFIG knows: the hand-written ones, then every other redis-server 7.0
    /// parameter with its aliases, validation and default.
    public static let parameters: [Parameter] = {
        var out = handled
        let names = Set(handled.map(\.name))
        for r in RedisConfigTable.rows + hiddenRows where !names.contains(r.name) && r.name != "lua-time-limit" {
            // redis-server 7.0 declares lua-time-limit as an alias of busy-reply-threshold.
            let aliases = r.name == "busy-reply-threshold" ? ["lua-time-limit"] : r.aliases
            out.append(generic(r.name, r.defaultValue, aliases: aliases, mutable: r.kind != "immutable"))
        }
        return out
    }()

    /// redis-server's default `client-output-buffer-limit`.
    public static let defaultOutputBufferLimits = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"

    /// Applies `client-output-buffer-limit` groups (`<class> <hard> <soft> <soft-seconds>`, class normal,
    /// replica/slave or pubsub, sizes with units) to `current` (the CONFIG GET form), checked like
    /// redis-server's setConfigClientOutputBufferLimitOption; returns the new CONFIG GET form.
    public static func mergeOutputBufferLimits(_ current: String, _ value: String) -> Result<String, ValueError> {
        let classes = ["normal", "slave", "pubsub"]
        var limits = current.split(separator: " ").map(String.init)
        if limits.count != 12 { limits = defaultOutputBufferLimits.split(separator: " ").map(String.init) }
        let words = value.split(separator: " ").map(String.init)
        if words.isEmpty || words.count % 4 != 0 {
            return .failure(ValueError(reason: "Wrong number of arguments in buffer limit configuration."))
        }
        var i = 0
        while i < words.count {
            var cls = words[i].lowercased()
            if cls == "replica" { cls = "slave" }
            guard let slot = classes.firstIndex(of: cls) else {
                return .failure(ValueError(reason: "Invalid client class specified in buffer limit configuration."))
            }
            guard let hard = memtoull(words[i + 1]), let soft = memtoull(words[i + 2]),
                  let secs = Int(words[i + 3]), secs >= 0 else {
                return .failure(ValueError(reason: "Error in hard, soft or soft_seconds setting in buffer limit configuration."))
            }
            limits[slot * 4 + 1] = String(hard)
            limits[slot * 4 + 2] = String(soft)
            limits[slot * 4 + 3] = String(secs)
            i += 4
        }
        return .success(limits.joined(separator: " "))
    }

    /// infera server's default `bind` (loopback only; redis-server's is `* -::*`).
    public static let inferaDefaultBind = "127.0.0.1 -::1"

    /// The canonical name of a parameter given by its name or an old alias (any case); nil if unknown.
    public static func canonicalName(_ name: String) -> String? {
        byName[name.lowercased()].map { parameters[$0].name }
    }

    /// Names whose value lives in an engine field rather than in `config.extra`.
    static let handledNames = Set(handled.map(\.name))

    /// A config-file directive for a CONFIG parameter (name or alias): the canonical name and the
    /// checked value, and whether it must be applied to the running engine (`deferredSettings`)
    /// rather than stored in `config.extra`. nil: not a CONFIG parameter.
    public static func fileSetting(_ name: String, _ args: [String]) -> Result<(name: String, value: String, deferred: Bool), ValueError>? {
        guard let canonical = canonicalName(name) else { return nil }
        let multiArg = ["save", "client-output-buffer-limit", "oom-score-adj-values", "bind", "shutdown-on-sigint",
                        "shutdown-on-sigterm", "latency-tracking-info-percentiles", "replicaof"].contains(canonical)
        if args.isEmpty || (!multiArg && args.count != 1) { return .failure(ValueError(reason: "wrong number of arguments")) }
        let value = args.count == 1 ? args[0] : args.joined(separator: " ")
        switch normalize(canonical, value) {
        case .success(let v): return .success((canonical, v, handledNames.contains(canonical)))
        case .failure(let e): return .failure(e)
        }
    }

    /// Applies the settings a config file gave for parameters kept in engine fields (at start-up,
    /// before any client): each goes through its CONFIG SET handler; returns the first failure.
    public static func applyDeferredSettings(_ engine: Engine) -> String? {
        engine.lock.withLock {
            for (name, value) in engine.config.deferredSettings {
                if let reason = find(name)?.set?(engine, value) { return "\(name): \(reason)" }
            }
            engine.config.deferredSettings = []
            return nil
        }
    }

    /// CONFIG REWRITE: rewrites the file the server was started with (ConfigRewrite.swift).
    static func rewrite(_ ctx: inout CommandContext) {
        let path = ctx.engine.serverInfo.configFile
        if path.isEmpty {
            ctx.out.error("ERR The server is running without a config file")
            return
        }
        if let reason = ConfigRewrite.run(engine: ctx.engine, path: path) {
            ctx.engine.scriptLog?(3, "CONFIG REWRITE failed: \(reason)")
            ctx.out.error("ERR Rewriting config file: \(reason)")
        } else {
            ctx.engine.scriptLog?(3, "CONFIG REWRITE executed with success.")
            ctx.out.ok()
        }
    }

    static let byName: [String: Int] = {
        var d: [String: Int] = [:]
        for (i, p) in parameters.enumerated() {
            d[p.name] = i
            for a in p.aliases { d[a] = i }
        }
        return d
    }()

    static func find(_ name: String) -> Parameter? { byName[name].map { parameters[$0] } }

    static func get(_ ctx: inout CommandContext) {
        var seen = Set<String>()
        var pairs: [(String, String)] = []
        for j in 2..<ctx.argc {
            let pattern = Array(ctx.args.string(j).lowercased().utf8)
            let isGlob = pattern.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }
            for p in parameters {
                if isGlob && hiddenNames.contains(p.name) { continue }
                let names = [p.name] + p.aliases
                for n in names where !seen.contains(n) && Glob.match(pattern, Array(n.utf8), nocase: true) {
                    seen.insert(n)
                    pairs.append((n, p.get(ctx.engine)))
                }
            }
        }
        ctx.out.mapHeader(pairs.count)
        for (n, v) in pairs {
            ctx.out.bulk(n)
            ctx.out.bulk(v)
        }
    }

    static func set(_ ctx: inout CommandContext) {
        if (ctx.argc - 2) % 2 != 0 {
            ctx.out.error(RedisError.arity("config|set"))
            return
        }
        var updates: [(Parameter, String, String)] = []
        var j = 2
        var names = Set<String>()
        while j < ctx.argc {
            let name = ctx.args.string(j).lowercased()
            guard let p = find(name) else {
                ctx.out.error("ERR Unknown option or number of arguments for CONFIG SET - '\(ctx.args.string(j))'")
                return
            }
            if names.contains(p.name) {
                ctx.out.error("ERR CONFIG SET failed (possibly related to argument '\(ctx.args.string(j))') - duplicate parameter")
                return
            }
            names.insert(p.name)
            guard p.set != nil else {
                ctx.out.error("ERR CONFIG SET failed (possibly related to argument '\(ctx.args.string(j))') - can't set immutable config")
                return
            }
            updates.append((p, ctx.args.string(j), ctx.args.string(j + 1)))
            j += 2
        }
        let saved = ctx.engine.config
        for (p, name, value) in updates {
            if let reason = p.set?(ctx.engine, value) {
                ctx.engine.config = saved
                ctx.out.error("ERR CONFIG SET failed (possibly related to argument '\(name)') - \(reason)")
                return
            }
        }
        ctx.out.ok()
    }
}

extension String {
    func replacingBackslashes() -> String { self }
}

extension KeyspaceEventType {
    /// Parses a `notify-keyspace-events` value; nil on an invalid character.
    public init?(parsing s: String) {
        var f: KeyspaceEventType = []
        let all: KeyspaceEventType = [.generic, .string, .list, .set, .hash, .zset, .expired, .evicted, .stream, .module]
        for c in s {
            switch c {
            case "A": f.formUnion(all)
            case "g": f.insert(.generic)
            case "$": f.insert(.string)
            case "l": f.insert(.list)
            case "s": f.insert(.set)
            case "h": f.insert(.hash)
            case "z": f.insert(.zset)
            case "x": f.insert(.expired)
            case "e": f.insert(.evicted)
            case "K": f.insert(.keyspace)
            case "E": f.insert(.keyevent)
            case "t": f.insert(.stream)
            case "m": f.insert(.keyMiss)
            case "d": f.insert(.module)
            case "n": f.insert(.newKey)
            default: return nil
            }
        }
        self = f
    }

    /// The canonical form CONFIG GET reports (Redis's keyspaceEventsFlagsToString).
    public var configStringForConfig: String {
        var s = ""
        let all: KeyspaceEventType = [.generic, .string, .list, .set, .hash, .zset, .expired, .evicted, .stream, .module]
        if isSuperset(of: all) { s += "A" } else {
            if contains(.generic) { s += "g" }
            if contains(.string) { s += "$" }
            if contains(.list) { s += "l" }
            if contains(.set) { s += "s" }
            if contains(.hash) { s += "h" }
            if contains(.zset) { s += "z" }
            if contains(.expired) { s += "x" }
            if contains(.evicted) { s += "e" }
            if contains(.stream) { s += "t" }
            if contains(.module) { s += "d" }
            if contains(.newKey) { s += "n" }
        }
        if contains(.keyspace) { s += "K" }
        if contains(.keyevent) { s += "E" }
        if contains(.keyMiss) { s += "m" }
        return s
    }
}
