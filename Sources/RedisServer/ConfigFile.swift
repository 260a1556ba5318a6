import RedisEngine
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A redis.conf problem, reported like redis-server does.
public struct ConfigFileError: Error, Sendable, CustomStringConvertible {
    public let line: Int
    public let text: String
    public let reason: String
    public var description: String {
        """

        *** FATAL CONFIG FILE ERROR (Redis \(ConnectionCommands.redisVersion)) ***
        Reading the configuration file, at line \(line)
        >>> '\(text)'
        \(reason)
        """
    }
}

/// Parses redis.conf text and redis-server's `--name value` arguments into a `RedisServerConfig`.
public enum RedisConfigFile {
    /// Builds the configuration from redis-server style arguments: `[config-file] [--name value ...]`.
    /// `readFile` returns a file's text (injectable for tests).
    public static func parseCommandLine(_ args: [String], readFile: (String) throws -> String = readTextFile) throws -> RedisServerConfig {
        var config = RedisServerConfig()
        var rest = args[...]
        var text = ""
        if let first = rest.first, !first.hasPrefix("--"), first != "-" {
            text = try readFile(first)
            // Kept absolute, like redis-server, so CONFIG REWRITE finds it whatever the working directory.
            config.configFile = absolutePath(first)
            rest = rest.dropFirst()
        }
        // Command-line options are appended as config lines, like redis-server.
        var options = ""
        for a in rest {
            if a.hasPrefix("--") && a.count > 2 {
                if !options.isEmpty { options += "\n" }
                options += String(a.dropFirst(2)) + " "
            } else {
                options += quoteArg(a) + " "
            }
        }
        try apply(text + "\n" + options, to: &config)
        return config
    }

    /// `path` made absolute against the current directory.
    static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let cwd = Engine.currentDirectory()
        var rel = Substring(path)
        while rel.hasPrefix("./") { rel = rel.dropFirst(2) }
        return (cwd.hasSuffix("/") ? cwd : cwd + "/") + rel
    }

    private static func quoteArg(_ a: String) -> String {
        if a.isEmpty { return "\"\"" }
        if a.contains(where: { $0 == " " || $0 == "\"" || $0 == "'" || $0 == "\\" }) {
            var s = "\""
            for c in a {
                if c == "\"" || c == "\\" { s.append("\\") }
                s.append(c)
            }
            return s + "\""
        }
        return a
    }

    /// Reads a whole text file.
    public static func readTextFile(_ path: String) throws -> String {
        guard let f = fopen(path, "r") else {
            throw RedisServerError("Fatal error, can't open config file '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            bytes.append(contentsOf: buf[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Applies every directive of `text` to `config`.
    public static func apply(_ text: String, to config: inout RedisServerConfig) throws {
        var lineNo = 0
        // Split at "\n" bytes: "\r\n" is one Character in Swift, so a String split would miss it.
        for rawLine in text.utf8.split(separator: 10, omittingEmptySubsequences: false) {
            lineNo += 1
            let line = Substring(String(decoding: rawLine, as: UTF8.self)).trimmingCharacters()
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let words = splitArgs(line), !words.isEmpty else {
                throw ConfigFileError(line: lineNo, text: line, reason: "Unbalanced quotes in configuration line")
            }
            let name = words[0].lowercased()
            let args = Array(words.dropFirst())
            do {
                try applyDirective(name, args, &config)
            } catch let e as DirectiveError {
                // A password never reaches the terminal: the line of a secret-holding directive is shown
                // without its arguments.
                let secret = ["requirepass", "masterauth", "user", "tls-key-file-pass", "tls-client-key-file-pass"].contains(name)
                throw ConfigFileError(line: lineNo, text: secret ? words[0] + " <redacted>" : line, reason: e.reason)
            }
        }
    }

    struct DirectiveError: Error { let reason: String }

    /// Applies one directive (also used by CONFIG SET for the settings it shares).
    static func applyDirective(_ name: String, _ args: [String], _ c: inout RedisServerConfig) throws {
        func one() throws -> String {
            guard args.count == 1 else { throw DirectiveError(reason: "wrong number of arguments") }
            return args[0]
        }
        func int(_ lo: Int = Int.min, _ hi: Int = Int.max) throws -> Int {
            let s = try one()
            guard let v = parseMemory(s), v >= lo, v <= hi else {
                throw DirectiveError(reason: "argument couldn't be parsed into an integer")
            }
            return v
        }
        func bool() throws -> Bool {
            switch try one().lowercased() {
            case "yes": return true
            case "no": return false
            default: throw DirectiveError(reason: "argument must be 'yes' or 'no'")
            }
        }
        switch name {
        case "port": c.port = try int(0, 65535)
        case "bind":
            guard !args.isEmpty else { throw DirectiveError(reason: "wrong number of arguments") }
            c.bind = args == [""] ? [] : args
            c.engine.extra["bind"] = c.bind.joined(separator: " ")
        case "requirepass":
            let p = try one()
            c.engine.requirePass = p.isEmpty ? nil : RedactedSecret(p)
        case "databases":
            let n = try int(1, Int(Int32.max))
            c.engine.databases = n
        case "maxclients": c.engine.maxClients = try int(1, Int(Int32.max))
        case "timeout": c.engine.timeout = try int(0, Int(Int32.max))
        case "tls-port": c.tlsPort = try int(0, 65535)
        case "tls-cert-file": c.tlsCertFile = try one()
        case "tls-key-file": c.tlsKeyFile = try one()
        case "tls-key-file-pass": c.tlsKeyFilePass = RedactedSecret(try one())
        case "tls-ca-cert-file": c.tlsCACertFile = try one()
        case "tls-auth-clients":
            guard let v = TLSClientAuth(rawValue: try one().lowercased()) else {
                throw DirectiveError(reason: "argument(s) must be one of the following: yes, no, optional")
            }
            c.tlsAuthClients = v
        case "protected-mode": c.protectedMode = try bool()
        case "maxmemory": c.engine.maxMemory = try int(0)
        case "maxmemory-policy":
            let v = try one().lowercased()
            guard maxMemoryPolicies.contains(v) else {
                throw DirectiveError(reason: "argument(s) must be one of the following: " + maxMemoryPolicies.joined(separator: ", "))
            }
            c.engine.maxMemoryPolicy = v
        case "maxmemory-samples": c.engine.maxMemorySamples = try int(1, 64)
        case "hz": c.engine.hz = max(1, min(500, try int(0)))
        case "proto-max-bulk-len": c.engine.protoMaxBulkLen = try int(1024 * 1024)
        case "client-query-buffer-limit": c.engine.clientQueryBufferLimit = try int(1024 * 1024)
        case "hash-max-listpack-entries", "hash-max-ziplist-entries": c.engine.hashMaxListpackEntries = try int(0)
        case "hash-max-listpack-value", "hash-max-ziplist-value": c.engine.hashMaxListpackValue = try int(0)
        case "slowlog-log-slower-than": c.engine.slowlogLogSlowerThan = try int()
        case "slowlog-max-len": c.engine.slowlogMaxLen = try int(0)
        case "notify-keyspace-events":
            guard let flags = KeyspaceEventType(parsing: try one()) else {
                throw DirectiveError(reason: "Invalid event class character. Use 'Ag$lshzxeKEtmd'.")
            }
            c.engine.notifyKeyspaceEvents = flags
        case "enable-debug-command", "enable-module-command", "enable-protected-configs":
            let v = try one().lowercased()
            guard ["yes", "no", "local"].contains(v) else {
                throw DirectiveError(reason: "argument(s) must be one of the following: no, yes, local")
            }
            if name == "enable-debug-command" { c.engine.enableDebugCommand = v }
            c.engine.extra[name] = v
        case "rename-command":
            guard args.count == 2 else { throw DirectiveError(reason: "wrong number of arguments") }
            c.engine.renamedCommands[args[0].lowercased()] = args[1]
        case "infera-disable-command":
            guard !args.isEmpty else { throw DirectiveError(reason: "wrong number of arguments") }
            let message = args.count > 1 ? args[1...].joined(separator: " ") : nil
            c.engine.disabledCommands[args[0].lowercased()] = .some(message)
        case "tcp-backlog": c.tcpBacklog = try int(0)
        case "tcp-keepalive": c.tcpKeepAlive = try int(0)
        case "logfile":
            c.logFile = try one()
            c.engine.extra["logfile"] = c.logFile
        case "loglevel":
            let v = try one().lowercased()
            guard ["debug", "verbose", "notice", "warning", "nothing"].contains(v) else {
                throw DirectiveError(reason: "argument(s) must be one of the following: debug, verbose, notice, warning, nothing")
            }
            c.logLevel = v
        case "pidfile":
            c.pidFile = try one()
            c.engine.extra["pidfile"] = c.pidFile
        case "io-threads", "threads": c.threads = try int(1, 128)
        case "infera-io-backend":
            guard let b = IOBackend(rawValue: try one().lowercased()) else {
                throw DirectiveError(reason: "argument must be 'epoll' or 'nio'")
            }
            #if !os(Linux)
            if b == .epoll { throw DirectiveError(reason: "the epoll backend needs Linux") }
            #endif
            c.ioBackend = b
        case "client-output-buffer-limit":
            // <class> <hard> <soft> <soft seconds>, repeated; classes normal, replica/slave, pubsub.
            guard !args.isEmpty, args.count % 4 == 0 else { throw DirectiveError(reason: "Wrong number of arguments in buffer limit configuration.") }
            var i = 0
            while i < args.count {
                guard let hard = parseMemory(args[i + 1]), let soft = parseMemory(args[i + 2]),
                      let secs = Int(args[i + 3]), hard >= 0, soft >= 0, secs >= 0 else {
                    throw DirectiveError(reason: "Error in hard, soft or soft_seconds setting in buffer limit configuration.")
                }
                let limit = OutputBufferLimit(hard: hard, soft: soft, softSeconds: secs)
                switch args[i].lowercased() {
                case "normal": c.outputBufferLimitNormal = limit
                case "pubsub": c.outputBufferLimitPubSub = limit
                case "replica", "slave": break
                default: throw DirectiveError(reason: "Invalid client class specified in buffer limit configuration.")
                }
                i += 4
            }
            let current = c.engine.extra[name] ?? ConfigCommands.defaultOutputBufferLimits
            if case .success(let merged) = ConfigCommands.mergeOutputBufferLimits(current, args.joined(separator: " ")) {
                c.engine.extra[name] = merged
            }
        case "daemonize":
            c.daemonize = try bool()
            c.engine.extra["daemonize"] = c.daemonize ? "yes" : "no"
        case "appendonly", "appendfsync", "appenddirname", "appendfilename", "aof-use-rdb-preamble", "aof-load-truncated",
             "auto-aof-rewrite-percentage", "auto-aof-rewrite-min-size", "aof-timestamp-enabled",
             "no-appendfsync-on-rewrite", "aof-rewrite-incremental-fsync":
            // AOF persistence (RedisEngine/Persistence/AOF.swift): checked like CONFIG SET checks them.
            let v = try one()
            if case .failure(let e) = ConfigCommands.normalize(name, v) { throw DirectiveError(reason: e.reason) }
            if (name == "appenddirname" || name == "appendfilename") && (v.isEmpty || v.contains("/")) {
                throw DirectiveError(reason: "\(name) can't be a path, just a filename")
            }
            c.engine.extra[name] = (try? ConfigCommands.normalize(name, v).get()) ?? v
        case "save":
            // Like redis-server: the first `save` line of the file replaces the default schedule, the
            // next ones add to it, and `save ""` clears it.
            guard !args.isEmpty else { throw DirectiveError(reason: "wrong number of arguments") }
            // One argument is split at spaces, like redis-server's multi-argument options (`--save "60 1"`).
            let points = args == [""] ? [] : (args.count == 1 ? args[0].split(separator: " ").map(String.init) : args)
            if points.count % 2 != 0 || points.contains(where: { Int($0) == nil || Int($0)! < 0 }) {
                throw DirectiveError(reason: "Invalid save parameters")
            }
            let previous = c.saveDirectiveSeen && args != [""] ? (c.engine.extra["save"] ?? "") : ""
            c.saveDirectiveSeen = true
            c.engine.extra["save"] = ([previous] + points).filter { !$0.isEmpty }.joined(separator: " ")
        case "user":
            guard args.count >= 1 else { throw DirectiveError(reason: "wrong number of arguments") }
            if let reason = ACLCommands.checkUserDirective(args, previous: c.engine.aclUsers) {
                throw DirectiveError(reason: reason)
            }
            c.engine.aclUsers.append(args)
        case "dir", "dbfilename", "supervised",
             "always-show-logo", "set-proc-title", "lazyfree-lazy-eviction", "lazyfree-lazy-expire",
             "lazyfree-lazy-server-del", "lazyfree-lazy-user-del", "lazyfree-lazy-user-flush",
             "activedefrag", "lfu-log-factor", "lfu-decay-time", "stop-writes-on-bgsave-error",
             "rdbcompression", "rdbchecksum", "replica-read-only", "latency-monitor-threshold",
             "list-max-listpack-size", "list-max-ziplist-size", "list-compress-depth",
             "set-max-intset-entries", "set-max-listpack-entries", "set-max-listpack-value",
             "zset-max-listpack-entries", "zset-max-listpack-value",
             "zset-max-ziplist-entries", "zset-max-ziplist-value", "stream-node-max-bytes",
             "stream-node-max-entries", "activerehashing", "dynamic-hz",
             "unixsocket", "unixsocketperm", "syslog-enabled", "syslog-ident", "tls-replication",
             "tls-cluster", "tls-protocols", "tls-ciphers", "tls-ciphersuites", "tls-prefer-server-ciphers",
             "tls-session-caching", "jemalloc-bg-thread", "oom-score-adj", "crash-log-enabled",
             "maxmemory-eviction-tenacity", "acllog-max-len", "lua-time-limit", "busy-reply-threshold",
             "repl-diskless-sync-delay", "slave-serve-stale-data", "replica-serve-stale-data",
             "propagation-error-behavior":
            guard !args.isEmpty else { throw DirectiveError(reason: "wrong number of arguments") }
            if try !applyParameter(name, args, &c) { c.engine.extra[name] = args.joined(separator: " ") }
        case "cluster-enabled":
            c.clusterEnabled = try bool()
        case "cluster-shards":
            guard let n = Int(try one()), n >= 1, n <= 255 else {
                throw DirectiveError(reason: "cluster-shards must be an integer between 1 and 255")
            }
            c.clusterShards = n
        case "cluster-config-file", "cluster-node-timeout", "cluster-port", "cluster-announce-ip", "cluster-require-full-coverage":
            guard !args.isEmpty else { throw DirectiveError(reason: "wrong number of arguments") }
            c.engine.extra[name] = args.joined(separator: " ")
        default:
            // Every other CONFIG parameter (or old alias), checked as CONFIG SET checks it.
            if try !applyParameter(name, args, &c) {
                throw DirectiveError(reason: "Bad directive or wrong number of arguments")
            }
        }
        // Settings the network server keeps: CONFIG GET (and so CONFIG REWRITE) reports them too.
        switch name {
        case "tls-cert-file", "tls-key-file", "tls-key-file-pass", "tls-ca-cert-file":
            c.engine.extra[name] = args[0]
        case "tls-auth-clients", "protected-mode", "loglevel", "cluster-enabled":
            c.engine.extra[name] = args[0].lowercased()
        case "tcp-backlog", "tcp-keepalive", "io-threads", "threads":
            c.engine.extra[name == "threads" ? "io-threads" : name] = parseMemory(args[0]).map(String.init) ?? args[0]
        default: break
        }
    }

    /// Applies a CONFIG parameter (or old alias) given by a directive, checked and normalised like
    /// CONFIG SET (so `8kb` is kept as 8192 under the canonical name); false when `name` is not one.
    static func applyParameter(_ name: String, _ args: [String], _ c: inout RedisServerConfig) throws -> Bool {
        switch ConfigCommands.fileSetting(name, args) {
        case .success(let setting):
            if setting.deferred {
                c.engine.deferredSettings.append((setting.name, setting.value))
            } else {
                c.engine.extra[setting.name] = setting.value
            }
            return true
        case .failure(let e):
            throw DirectiveError(reason: e.reason)
        case nil:
            return false
        }
    }

    /// maxmemory-policy values.
    public static let maxMemoryPolicies = ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
                                           "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"]

    /// Parses `1gb`, `100mb`, `5k`, plain integers (Redis's memtoull).
    public static func parseMemory(_ s: String) -> Int? {
        let lower = s.lowercased()
        let units: [(String, Int)] = [("gb", 1 << 30), ("mb", 1 << 20), ("kb", 1 << 10), ("g", 1_000_000_000),
                                      ("m", 1_000_000), ("k", 1000), ("b", 1)]
        for (suffix, mul) in units where lower.hasSuffix(suffix) {
            guard let n = Int(lower.dropLast(suffix.count)) else { return nil }
            let (v, o) = n.multipliedReportingOverflow(by: mul)
            return o ? nil : v
        }
        return Int(lower)
    }

    /// Splits a config line like sdssplitargs (quotes and escapes); nil on unbalanced quotes.
    public static func splitArgs(_ line: String) -> [String]? { ConfigRewrite.splitArgs(line) }
}

extension Substring {
    func trimmingCharacters() -> String {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
