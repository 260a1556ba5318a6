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

    static func intSetter(_ lo: Int, _ hi: Int, _ apply: @escaping @Sendable (Engine, Int) -> Void) -> @Sendable (Engine, String) -> String? {
        { e, v in
            guard let n = parseMemoryValue(v) else { return "argument couldn't be parsed into an integer" }
            if n < lo || n > hi { return "argument must be between \(lo) and \(hi) inclusive" }
            apply(e, n)
            return nil
        }
    }

    static func memorySetter(min: Int = 0, _ apply: @escaping @Sendable (Engine, Int) -> Void) -> @Sendable (Engine, String) -> String? {
        { e, v in
            guard let n = parseMemoryValue(v), n >= 0 else { return "argument must be a memory value" }
            if n < min { return "argument must be between \(min) and \(Int.max) inclusive" }
            apply(e, n)
            return nil
        }
    }

    static func parseMemoryValue(_ s: String) -> Int? {
        let lower = s.lowercased()
        let units: [(String, Int)] = [("gb", 1 << 30), ("mb", 1 << 20), ("kb", 1 << 10), ("g", 1_000_000_000), ("m", 1_000_000), ("k", 1000), ("b", 1)]
        for (suffix, mul) in units where lower.hasSuffix(suffix) && lower.count > suffix.count {
            guard let n = Int(lower.dropLast(suffix.count)) else { return nil }
            let (v, o) = n.multipliedReportingOverflow(by: mul)
            return o ? nil : v
        }
        return Int(lower)
    }

    static func extra(_ name: String, _ def: String) -> Parameter {
        Parameter(name: name, aliases: [], get: { e in e.config.extra[name] ?? def }, set: { e, v in
            e.config.extra[name] = v
            return nil
        })
    }

    static func immutable(_ name: String, _ def: String) -> Parameter {
        Parameter(name: name, aliases: [], get: { e in e.config.extra[name] ?? def }, set: nil)
    }

    /// Every parameter CONFIG knows.
    public static let parameters: [Parameter] = [
        Parameter(name: "requirepass", aliases: [], get: { $0.config.requirePass?.value ?? "" }, set: { e, v in
            e.config.requirePass = v.isEmpty ? nil : RedactedSecret(v)
            return nil
        }),
        Parameter(name: "databases", aliases: [], get: { String($0.config.databases) }, set: nil),
        Parameter(name: "maxclients", aliases: [], get: { String($0.config.maxClients) }, set: intSetter(1, Int(Int32.max)) { $0.config.maxClients = $1 }),
        Parameter(name: "timeout", aliases: [], get: { String($0.config.timeout) }, set: intSetter(0, Int(Int32.max)) { $0.config.timeout = $1 }),
        Parameter(name: "maxmemory", aliases: [], get: { String($0.config.maxMemory) }, set: memorySetter { e, v in
            e.config.maxMemory = v
            // Like Redis's updateMaxmemory: evict right away when already over the new limit.
            if v > 0 { _ = e.evictUntilUnderLimit() }
        }),
        extra("maxmemory-clients", "0"),
        Parameter(name: "maxmemory-policy", aliases: [], get: { $0.config.maxMemoryPolicy }, set: { e, v in
            let l = v.lowercased()
            let all = ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"]
            guard all.contains(l) else { return "argument(s) must be one of the following: " + all.joined(separator: ", ") }
            e.config.maxMemoryPolicy = l
            return nil
        }),
        Parameter(name: "maxmemory-samples", aliases: [], get: { String($0.config.maxMemorySamples) }, set: intSetter(1, 64) { $0.config.maxMemorySamples = $1 }),
        Parameter(name: "hz", aliases: [], get: { String($0.config.hz) }, set: intSetter(0, Int(Int32.max)) { $0.config.hz = max(1, min(500, $1)) }),
        Parameter(name: "proto-max-bulk-len", aliases: [], get: { String($0.config.protoMaxBulkLen) }, set: memorySetter(min: 1024 * 1024) { $0.config.protoMaxBulkLen = $1 }),
        Parameter(name: "client-query-buffer-limit", aliases: [], get: { String($0.config.clientQueryBufferLimit) }, set: memorySetter(min: 1024 * 1024) { $0.config.clientQueryBufferLimit = $1 }),
        Parameter(name: "hash-max-listpack-entries", aliases: ["hash-max-ziplist-entries"], get: { String($0.config.hashMaxListpackEntries) }, set: intSetter(0, Int.max) { $0.config.hashMaxListpackEntries = $1 }),
        Parameter(name: "hash-max-listpack-value", aliases: ["hash-max-ziplist-value"], get: { String($0.config.hashMaxListpackValue) }, set: intSetter(0, Int.max) { $0.config.hashMaxListpackValue = $1 }),
        Parameter(name: "slowlog-log-slower-than", aliases: [], get: { String($0.config.slowlogLogSlowerThan) }, set: intSetter(-1, Int.max) { $0.config.slowlogLogSlowerThan = $1 }),
        Parameter(name: "slowlog-max-len", aliases: [], get: { String($0.config.slowlogMaxLen) }, set: intSetter(0, Int.max) { $0.config.slowlogMaxLen = $1 }),
        Parameter(name: "notify-keyspace-events", aliases: [], get: { $0.config.notifyKeyspaceEvents.configStringForConfig }, set: { e, v in
            guard let f = KeyspaceEventType(parsing: v) else { return "Invalid event class character. Use 'Ag$lshzxeKEtmd'." }
            e.config.notifyKeyspaceEvents = f
            return nil
        }),
        Parameter(name: "port", aliases: [], get: { $0.config.extra["port"] ?? "6379" }, set: nil),
        Parameter(name: "tls-port", aliases: [], get: { $0.config.extra["tls-port"] ?? "0" }, set: nil),
        immutable("bind", "127.0.0.1 -::1"),
        immutable("tls-cert-file", ""), immutable("tls-key-file", ""), immutable("tls-ca-cert-file", ""),
        immutable("tls-auth-clients", "yes"), immutable("protected-mode", "yes"),
        extra("save", ""), extra("appendonly", "no"), extra("dbfilename", "dump.rdb"), extra("dir", "/"),
        extra("loglevel", "notice"), extra("logfile", ""), immutable("daemonize", "no"),
        immutable("enable-debug-command", "no"), immutable("enable-module-command", "no"),
        extra("lazyfree-lazy-eviction", "no"), extra("lazyfree-lazy-expire", "no"),
        extra("lazyfree-lazy-server-del", "no"), extra("lazyfree-lazy-user-del", "no"), extra("lazyfree-lazy-user-flush", "no"),
        extra("activedefrag", "no"),
        Parameter(name: "acllog-max-len", aliases: [], get: { String($0.config.aclLogMaxLen) }, set: intSetter(0, Int(Int32.max)) { $0.config.aclLogMaxLen = $1 }),
        Parameter(name: "lfu-log-factor", aliases: [], get: { String($0.config.lfuLogFactor) }, set: intSetter(0, Int(Int32.max)) { $0.config.lfuLogFactor = $1 }),
        Parameter(name: "lfu-decay-time", aliases: [], get: { String($0.config.lfuDecayTime) }, set: intSetter(0, Int(Int32.max)) { $0.config.lfuDecayTime = $1 }),
        extra("tcp-keepalive", "300"), immutable("tcp-backlog", "511"), Parameter(name: "latency-monitor-threshold", aliases: [], get: { String($0.latency.thresholdMs) }, set: intSetter(0, Int.max) { $0.latency.thresholdMs = $1 }),
        extra("client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"),
        extra("list-max-listpack-size", "-2"), extra("list-compress-depth", "0"),
        extra("set-max-intset-entries", "512"), extra("zset-max-listpack-entries", "128"), extra("zset-max-listpack-value", "64"),
        extra("stream-node-max-bytes", "4096"), extra("stream-node-max-entries", "100"),
        extra("lua-time-limit", "5000"), extra("busy-reply-threshold", "5000"), extra("maxmemory-eviction-tenacity", "10"),
        immutable("io-threads", "1"),
        extra("hll-sparse-max-bytes", "3000"),
    ] + LatencyCommands.configParameters

    static func find(_ name: String) -> Parameter? {
        parameters.first { $0.name == name || $0.aliases.contains(name) }
    }

    static func get(_ ctx: inout CommandContext) {
        var seen = Set<String>()
        var pairs: [(String, String)] = []
        for j in 2..<ctx.argc {
            let pattern = Array(ctx.args.string(j).lowercased().utf8)
            for p in parameters {
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
                ctx.out.error("ERR CONFIG SET failed (possibly related to argument '\(name)') - duplicate parameter")
                return
            }
            names.insert(p.name)
            guard p.set != nil else {
                ctx.out.error("ERR CONFIG SET failed (possibly related to argument '\(name)') - can't set immutable config")
                return
            }
            updates.append((p, name, ctx.args.string(j + 1)))
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
