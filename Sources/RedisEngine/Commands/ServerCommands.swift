import NIOCore
import RESP
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Server commands: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, INFO, CONFIG, SLOWLOG, MEMORY, DEBUG,
/// MONITOR, SHUTDOWN, LASTSAVE, SAVE, BGSAVE.
public enum ServerCommands {
    static func spec(_ name: String, _ arity: Int, _ flags: CommandFlags, _ cats: [String], _ summary: String,
                     _ since: String, _ h: @escaping CommandHandler) -> CommandSpec {
        CommandSpec(name, arity: arity, flags: flags, categories: cats, group: "server", summary: summary, since: since, handler: h)
    }

    public static var all: [CommandSpec] {
        [
            spec("dbsize", 1, [.readonly, .fast], ["keyspace", "read", "fast"], "Return the number of keys in the selected database", "1.0.0") { ctx in
                ctx.out.integer(ctx.db.count)
            },
            spec("flushdb", -1, [.write], ["keyspace", "write", "slow", "dangerous"], "Remove all keys from the current database", "1.0.0") { flush(&$0, all: false) },
            spec("flushall", -1, [.write], ["keyspace", "write", "slow", "dangerous"], "Remove all keys from all databases", "1.0.0") { flush(&$0, all: true) },
            spec("swapdb", 3, [.write, .fast], ["keyspace", "write", "fast", "dangerous"], "Swaps two Redis databases", "4.0.0", swapdb),
            spec("time", 1, [.loading, .stale, .fast], ["fast"], "Return the current server time", "2.6.0") { ctx in
                let us = ctx.engine.clock.nowMicroseconds()
                ctx.out.arrayHeader(2)
                ctx.out.bulk(String(us / 1_000_000))
                ctx.out.bulk(String(us % 1_000_000))
            },
            spec("lastsave", 1, [.loading, .stale, .fast], ["admin", "fast", "dangerous"], "Get the UNIX time stamp of the last successful save to disk", "1.0.0",
                 PersistenceCommands.lastsave),
            spec("save", 1, [.admin, .noscript, .noAsyncLoading, .noMulti], ["admin", "slow", "dangerous"], "Synchronously save the dataset to disk", "1.0.0",
                 PersistenceCommands.save),
            spec("bgsave", -1, [.admin, .noscript, .noAsyncLoading], ["admin", "slow", "dangerous"], "Asynchronously save the dataset to disk", "1.0.0",
                 PersistenceCommands.bgsave),
            spec("bgrewriteaof", 1, [.admin, .noscript, .noAsyncLoading], ["admin", "slow", "dangerous"], "Asynchronously rewrite the append-only file", "1.0.0",
                 AOFCommands.bgrewriteaof),
            spec("info", -1, [.loading, .stale], ["slow", "dangerous"], "Get information and statistics about the server", "1.0.0", info),
            spec("monitor", 1, [.admin, .noscript, .loading, .stale], ["admin", "slow", "dangerous"], "Listen for all requests received by the server in real time", "1.0.0") { ctx in
                let s = ctx.session
                // Inside EXEC the client expects one reply per command (Redis's CLIENT_DENY_BLOCKING).
                if SessionStateExtension.of(ctx.engine)?.executingTransaction == true {
                    ctx.out.error("ERR MONITOR isn't allowed for DENY BLOCKING client")
                    return
                }
                if s.isMonitor { return }   // Redis ignores a second MONITOR (no reply)
                s.isMonitor = true
                s.exemptFromTimeout = true
                ctx.engine.monitors.append(s)
                ctx.out.ok()
            },
            spec("shutdown", -1, [.admin, .noscript, .loading, .stale, .noMulti, .allowBusy], ["admin", "slow", "dangerous"], "Synchronously save the dataset to disk and then shut down the server", "1.0.0", shutdown),
            CommandSpec.container("config", group: "server", summary: "A container for server configuration commands", since: "2.0.0", subcommands: [
                spec("get", -3, [.admin, .noscript, .loading, .stale], ["admin", "slow", "dangerous"], "Get the values of configuration parameters", "2.0.0", ConfigCommands.get),
                spec("set", -4, [.admin, .noscript, .loading, .stale], ["admin", "slow", "dangerous"], "Set configuration parameters to the given values", "2.0.0", ConfigCommands.set),
                spec("resetstat", 2, [.admin, .noscript, .loading, .stale], ["admin", "slow", "dangerous"], "Reset the stats returned by INFO", "2.0.0") { ctx in
                    ctx.engine.stats = EngineStats()
                    ctx.engine.commandStats = []
                    ctx.engine.latency.resetStats()
                    ctx.out.ok()
                },
                spec("rewrite", 2, [.admin, .noscript, .loading, .stale], ["admin", "slow", "dangerous"], "Rewrite the configuration file with the in memory configuration", "2.8.0", ConfigCommands.rewrite),
                spec("help", 2, [.loading, .stale], ["slow"], "Show helpful text about the different subcommands", "5.0.0") { ctx in
                    KeyCommands.replyHelp(&ctx, "CONFIG", [
                        "GET <pattern>",
                        "    Return parameters matching the glob-like <pattern> and their values.",
                        "SET <directive> <value>",
                        "    Set the configuration <directive> to <value>.",
                        "RESETSTAT",
                        "    Reset statistics reported by the INFO command.",
                        "REWRITE",
                        "    Rewrite the configuration file.",
                    ])
                },
            ]),
            CommandSpec.container("slowlog", group: "server", summary: "A container for slow log commands", since: "2.2.12", subcommands: [
                spec("get", -2, [.admin, .loading, .stale], ["admin", "slow", "dangerous"], "Get the slow log's entries", "2.2.12", slowlogGet),
                spec("len", 2, [.admin, .loading, .stale], ["admin", "slow", "dangerous"], "Get the slow log's length", "2.2.12") { ctx in
                    ctx.out.integer(ctx.engine.slowlog.entries.count)
                },
                spec("reset", 2, [.admin, .loading, .stale], ["admin", "slow", "dangerous"], "Clear all entries from the slow log", "2.2.12") { ctx in
                    ctx.engine.slowlog.entries.removeAll()
                    ctx.out.ok()
                },
                spec("help", 2, [.loading, .stale], ["slow"], "Show helpful text about the different subcommands", "6.2.0") { ctx in
                    KeyCommands.replyHelp(&ctx, "SLOWLOG", [
                        "GET [<count>]",
                        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                        "    Entries are made of:",
                        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                        "    client name",
                        "LEN",
                        "    Return the length of the slowlog.",
                        "RESET",
                        "    Reset the slowlog.",
                    ])
                },
            ]),
            CommandSpec.container("memory", group: "server", summary: "A container for memory diagnostics commands", since: "4.0.0", subcommands: [
                CommandSpec("usage", arity: -3, flags: [.readonly], keys: (2, 2, 1), categories: ["read", "slow"], group: "server",
                            summary: "Estimate the memory usage of a key", since: "4.0.0", handler: memoryUsage),
                spec("stats", 2, [], ["slow"], "Show memory usage details", "4.0.0", memoryStats),
                spec("doctor", 2, [], ["slow"], "Outputs memory problems report", "4.0.0") { ctx in
                    ctx.out.verbatim("Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.")
                },
                spec("help", 2, [.loading, .stale], ["slow"], "Show helpful text about the different subcommands", "4.0.0") { ctx in
                    KeyCommands.replyHelp(&ctx, "MEMORY", [
                        "DOCTOR",
                        "    Return memory problems reports.",
                        "MALLOC-STATS",
                        "    Return internal statistics report from the memory allocator.",
                        "PURGE",
                        "    Attempt to purge dirty pages for reclamation by the allocator.",
                        "STATS",
                        "    Return information about the memory usage of the server.",
                        "USAGE <key> [SAMPLES <count>]",
                        "    Return memory in bytes used by <key> and its value. Nested values are",
                        "    sampled up to <count> times (default: 5, 0 means sample all).",
                    ])
                },
            ]),
            spec("debug", -2, [.admin, .noscript, .loading, .stale], ["admin", "slow", "dangerous"], "A container for debugging commands", "1.0.0", debug),
        ]
    }

    static func debug(_ ctx: inout CommandContext) {
        if ctx.argIs(1, "SLEEP") && ctx.argc == 3 {
            guard let secs = ctx.double(2) else {
                ctx.out.error(RedisError.notFloat)
                return
            }
            if secs > 0 { usleep(UInt32(min(secs, 3600) * 1_000_000)) }
            ctx.out.ok()
        } else if ctx.argIs(1, "SET-ACTIVE-EXPIRE") && ctx.argc == 3 {
            ctx.engine.config.activeExpireEnabled = ctx.int(2) != 0
            ctx.out.ok()
        } else if ctx.argIs(1, "CONFIG-REWRITE-FORCE-ALL") && ctx.argc == 2 {
            // Every option written, defaults included (Redis's test of CONFIG REWRITE).
            let path = ctx.engine.serverInfo.configFile
            if path.isEmpty {
                ctx.out.error("ERR CONFIG-REWRITE-FORCE-ALL failed: The server is running without a config file")
            } else if let reason = ConfigRewrite.run(engine: ctx.engine, path: path, forceAll: true) {
                ctx.out.error("ERR CONFIG-REWRITE-FORCE-ALL failed: \(reason)")
            } else {
                ctx.out.ok()
            }
        } else if ctx.argIs(1, "RELOAD") && ctx.argc == 2 {
            PersistenceCommands.debugReload(&ctx)
        } else if ctx.argIs(1, "DIGEST") && ctx.argc == 2 {
            ctx.out.simple(DatasetDigest.dataset(ctx.engine))
        } else if ctx.argIs(1, "DIGEST-VALUE") {
            ctx.out.arrayHeader(ctx.argc - 2)
            for j in 2..<max(2, ctx.argc) {
                let db = ctx.db
                let v = db.main.find(ctx.key(j)).map { db.main.value(at: $0) }
                ctx.out.simple(DatasetDigest.value(v))
            }
        } else if ctx.argIs(1, "LOADAOF") && ctx.argc == 2 {
            AOFCommands.debugLoadAOF(&ctx)
        } else if ctx.argIs(1, "OBJECT") && ctx.argc == 3 {
            PersistenceCommands.debugObject(&ctx)
        } else if ctx.argIs(1, "HELP") {
            KeyCommands.replyHelp(&ctx, "DEBUG", [
                "OBJECT <key>",
                "    Show low level info about the `key` and associated value.",
                "DIGEST",
                "    Output a hex signature representing the current DB content.",
                "DIGEST-VALUE <key> [<key> ...]",
                "    Output a hex signature of the values of all the specified keys.",
                "LOADAOF",
                "    Flush the AOF buffers on disk and reload the AOF in memory.",
                "RELOAD",
                "    Save the RDB on disk and reload it back to memory.",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    Setting it to 0 disables expiring keys in background when they are not",
                "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
                "    default.",
                "SLEEP <seconds>",
                "    Stop the server for <seconds>. Decimals allowed.",
            ])
        } else {
            ctx.out.error("ERR unknown subcommand '\(ctx.args.string(1))'. Try DEBUG HELP.")
        }
    }

    static func flush(_ ctx: inout CommandContext, all: Bool) {
        if ctx.argc > 2 || (ctx.argc == 2 && !ctx.argIs(1, "SYNC") && !ctx.argIs(1, "ASYNC")) {
            ctx.out.error(RedisError.syntax)
            return
        }
        let ext = SessionStateExtension.of(ctx.engine)
        defer { ctx.engine.tracking?.flushed() }
        // emptyDbAsync: every key of the flushed databases is counted as lazily freed.
        if ctx.argc == 2 && ctx.argIs(1, "ASYNC") {
            for d in all ? ctx.engine.databases : [ctx.db] { ctx.engine.stats.lazyfreedObjects += d.count }
        }
        if all {
            if let ext { for i in ctx.engine.databases.indices { ext.touchWatchedKeys(ctx.engine, in: i, replacedWith: nil) } }
            var n = 0
            for d in ctx.engine.databases { n += d.count }
            ctx.engine.flushAll()
            ctx.engine.dirty += n + 1
            ctx.engine.signalDatabaseChanged(db: nil)
        } else {
            ext?.touchWatchedKeys(ctx.engine, in: ctx.session.db, replacedWith: nil)
            ctx.engine.dirty += ctx.db.count
            ctx.db.clear()
            ctx.engine.signalDatabaseChanged(db: ctx.session.db)
        }
        ctx.out.ok()
    }

    static func swapdb(_ ctx: inout CommandContext) {
        if ctx.engine.clusterNode != nil { ctx.out.error("ERR SWAPDB is not allowed in cluster mode"); return }
        guard let a = ctx.int(1), Int32(exactly: a) != nil else {
            ctx.out.error("ERR invalid first DB index")
            return
        }
        guard let b = ctx.int(2), Int32(exactly: b) != nil else {
            ctx.out.error("ERR invalid second DB index")
            return
        }
        let n = ctx.engine.databases.count
        if a < 0 || a >= n || b < 0 || b >= n {
            ctx.out.error(RedisError.dbIndexOutOfRange)
            return
        }
        if a != b {
            if let ext = SessionStateExtension.of(ctx.engine) {
                ext.touchWatchedKeys(ctx.engine, in: a, replacedWith: b)
                ext.touchWatchedKeys(ctx.engine, in: b, replacedWith: a)
            }
            ctx.engine.databases[a].swapContents(with: ctx.engine.databases[b])
            ctx.engine.dirty += 1
            ctx.engine.signalDatabaseChanged(db: a)
            SessionStateExtension.of(ctx.engine)?.watchTouchedBeforeChange = true
            ctx.engine.signalDatabaseChanged(db: b)
        }
        ctx.out.ok()
    }

    static func shutdown(_ ctx: inout CommandContext) {
        var abort = false, save = false, nosave = false, force = false
        for j in 1..<max(1, ctx.argc) {
            if ctx.argIs(j, "NOSAVE") || ctx.argIs(j, "SAVE") || ctx.argIs(j, "NOW") || ctx.argIs(j, "FORCE") {
                if ctx.argIs(j, "NOSAVE") { nosave = true }
                if ctx.argIs(j, "SAVE") { save = true }
                if ctx.argIs(j, "FORCE") { force = true }
                continue
            } else if ctx.argIs(j, "ABORT") {
                abort = true
            } else {
                ctx.out.error(RedisError.syntax)
                return
            }
        }
        if abort {
            ctx.out.error(ctx.argc == 2 ? "ERR No shutdown in progress." : RedisError.syntax.description)
            return
        }
        if save && nosave {
            ctx.out.error(RedisError.syntax)
            return
        }
        if !PersistenceCommands.saveForShutdown(ctx.engine, save: save, nosave: nosave) && !force {
            ctx.out.error("ERR Errors trying to SHUTDOWN. Check logs.")
            return
        }
        let words = (1..<max(1, ctx.argc)).map { ctx.args.string($0) }
        if let h = ctx.engine.shutdownHandler, h(words) {
            ctx.session.closeAfterReply = true
            return
        }
        ctx.out.error("ERR Errors trying to SHUTDOWN. Check logs.")
    }

    static func slowlogGet(_ ctx: inout CommandContext) {
        var count = 10
        if ctx.argc == 3 {
            guard let c = ctx.int(2), c >= -1 else {
                ctx.out.error("ERR count should be greater than or equal to -1")
                return
            }
            count = c == -1 ? Int.max : c
        } else if ctx.argc > 3 {
            ctx.replyArity()
            return
        }
        let entries = ctx.engine.slowlog.entries.prefix(count)
        ctx.out.arrayHeader(entries.count)
        for e in entries {
            ctx.out.arrayHeader(6)
            ctx.out.integer(e.id)
            ctx.out.integer(Int(e.timestamp))
            ctx.out.integer(Int(e.durationMicros))
            ctx.out.arrayHeader(e.args.count)
            for a in e.args { ctx.out.bulk(a) }
            ctx.out.bulk(e.peer)
            ctx.out.bulk(e.clientName)
        }
    }

    static func memoryUsage(_ ctx: inout CommandContext) {
        var j = 3
        while j < ctx.argc {
            if ctx.argIs(j, "SAMPLES") && j + 1 < ctx.argc {
                guard let s = ctx.intOrReply(j + 1) else { return }
                if s < 0 {
                    ctx.out.error(RedisError.syntax)
                    return
                }
                j += 2
            } else {
                ctx.out.error(RedisError.syntax)
                return
            }
        }
        let key = ctx.key(2)
        guard let i = ctx.lookupWrite(key) else {
            ctx.out.null()
            return
        }
        // What the key is charged in the engine's accounting (`MemoryModel.keyEntry`): dictEntry, key, value.
        ctx.out.integer(MemoryModel.keyEntry(keyLength: key.count, value: ctx.value(at: i)))
    }

    /// MEMORY STATS: the accounting's figures under Redis 7.0's field names.
    static func memoryStats(_ ctx: inout CommandContext) {
        let e = ctx.engine
        e.measureClientBuffers()
        let used = e.notePeakMemory()
        let dataset = e.datasetMemory
        let overhead = e.overheadMemory
        let keys = e.totalKeys
        var clientsNormal = 0
        for s in e.sessions.values { clientsNormal += s.queryBufferLength + s.outputBufferLength }
        var pairs: [(String, RESPNumberOrDBs)] = [
            ("peak.allocated", .int(e.usedMemoryPeak)), ("total.allocated", .int(used)), ("startup.allocated", .int(0)),
            ("replication.backlog", .int(0)), ("clients.slaves", .int(0)), ("clients.normal", .int(clientsNormal)),
            ("cluster.links", .int(0)), ("aof.buffer", .int(0)), ("lua.caches", .int(0)), ("functions.caches", .int(0)),
        ]
        for db in e.databases where db.count > 0 {
            pairs.append(("db.\(db.index)", .db(main: MemoryModel.dictHeader + db.main.bucketCount * MemoryModel.bucket,
                                             expires: MemoryModel.dictHeader + db.expires.bucketCount * MemoryModel.bucket + db.expires.count * MemoryModel.expireEntry)))
        }
        pairs += [
            ("overhead.total", .int(overhead)), ("keys.count", .int(keys)),
            ("keys.bytes-per-key", .int(keys > 0 ? dataset / keys : 0)), ("dataset.bytes", .int(dataset)),
            ("dataset.percentage", .double(used > 0 ? Double(dataset) * 100 / Double(used) : 0)),
            ("peak.percentage", .double(e.usedMemoryPeak > 0 ? Double(used) * 100 / Double(e.usedMemoryPeak) : 0)),
            ("allocator.allocated", .int(used)), ("allocator.active", .int(used)), ("allocator.resident", .int(MemoryInfo.residentBytes())),
            ("rss-overhead.bytes", .int(MemoryInfo.residentBytes() - used)),
            ("fragmentation", .double(used > 0 ? Double(MemoryInfo.residentBytes()) / Double(used) : 0)),
            ("fragmentation.bytes", .int(MemoryInfo.residentBytes() - used)),
        ]
        ctx.out.mapHeader(pairs.count)
        for (name, v) in pairs {
            ctx.out.bulk(name)
            switch v {
            case .int(let n): ctx.out.integer(n)
            case .double(let d): ctx.out.double(d)
            case .db(let main, let expires):
                ctx.out.mapHeader(2)
                ctx.out.bulk("overhead.hashtable.main")
                ctx.out.integer(main)
                ctx.out.bulk("overhead.hashtable.expires")
                ctx.out.integer(expires)
            }
        }
    }

    enum RESPNumberOrDBs { case int(Int), double(Double), db(main: Int, expires: Int) }

    // MARK: INFO

    static func info(_ ctx: inout CommandContext) {
        var sections = Set<String>()
        for j in 1..<max(1, ctx.argc) { sections.insert(ctx.args.string(j).lowercased()) }
        let text = InfoBuilder.build(ctx.engine, session: ctx.session, sections: sections)
        ctx.out.verbatim(text)
    }
}

/// Builds INFO text.
public enum InfoBuilder {
    static let allSections = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace"]
    static let defaultSections = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "errorstats", "cluster", "keyspace"]

    /// INFO text for `sections` (empty = default).
    public static func build(_ e: Engine, session: ClientSession?, sections requested: Set<String>) -> String {
        var wanted: [String]
        let everything = requested.contains("everything") || requested.contains("all")
        if requested.isEmpty || requested.contains("default") {
            wanted = defaultSections
        } else if everything {
            wanted = allSections
        } else {
            wanted = allSections.filter { requested.contains($0) }
        }
        var parts: [String] = []
        for s in wanted {
            var lines = section(e, s)
            for ext in e.extensions { if let extra = ext.infoLines(section: s) { lines += extra } }
            if s == "commandstats" || s == "errorstats" || s == "latencystats" || s == "keyspace" || !lines.isEmpty || s == "modules" {
                parts.append("# " + title(s) + "\r\n" + lines.map { $0 + "\r\n" }.joined())
            }
        }
        return parts.joined(separator: "\r\n")
    }

    static func title(_ s: String) -> String {
        switch s {
        case "cpu": return "CPU"
        case "commandstats": return "Commandstats"
        case "errorstats": return "Errorstats"
        case "latencystats": return "Latencystats"
        default: return s.prefix(1).uppercased() + s.dropFirst()
        }
    }

    static func human(_ bytes: Int) -> String {
        let d = Double(bytes)
        if bytes < 1024 { return "\(bytes)B" }
        if d < 1024 * 1024 { return RedisNumberFormat.fixed(d / 1024, 2) + "K" }
        if d < 1024 * 1024 * 1024 { return RedisNumberFormat.fixed(d / 1024 / 1024, 2) + "M" }
        return RedisNumberFormat.fixed(d / 1024 / 1024 / 1024, 2) + "G"
    }

    static func section(_ e: Engine, _ s: String) -> [String] {
        let now = e.clock.nowMilliseconds()
        let info = e.serverInfo
        switch s {
        case "server":
            var u = utsname()
            uname(&u)
            let sys = withUnsafeBytes(of: &u.sysname) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            let rel = withUnsafeBytes(of: &u.release) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            let mach = withUnsafeBytes(of: &u.machine) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            let uptime = (now - e.startTime) / 1000
            return [
                "redis_version:\(ConnectionCommands.redisVersion)", "redis_git_sha1:00000000", "redis_git_dirty:0",
                "redis_build_id:0", "redis_mode:\(e.clusterNode != nil ? "cluster" : "standalone")", "os:\(sys) \(rel) \(mach)", "arch_bits:64",
                "monotonic_clock:POSIX clock_gettime", "multiplexing_api:\(info.multiplexingAPI)",
                "atomicvar_api:c11-builtin", "gcc_version:0.0.0", "process_id:\(info.processID)",
                "process_supervised:no", "run_id:\(runID(e))", "tcp_port:\(info.port)",
                "server_time_usec:\(e.clock.nowMicroseconds())", "uptime_in_seconds:\(uptime)",
                "uptime_in_days:\(uptime / 86400)", "hz:\(e.config.hz)", "configured_hz:\(e.config.hz)",
                "lru_clock:\((now / 1000) & 0xFFFFFF)", "executable:\(info.executable)",
                "config_file:\(info.configFile)", "io_threads_active:0",
                "infera_engine:1", "infera_event_loop_threads:\(info.ioThreads)",
            ]
        case "clients":
            var blocked = 0, pubsub = 0
            for c in e.sessions.values {
                if c.isBlocked || c.isPostponed { blocked += 1 }
                if c.subscriptionCount > 0 { pubsub += 1 }
            }
            return [
                "connected_clients:\(e.sessions.count)", "cluster_connections:0", "maxclients:\(e.config.maxClients)",
                "client_recent_max_input_buffer:0", "client_recent_max_output_buffer:0",
                "blocked_clients:\(blocked)", "tracking_clients:\(e.tracking?.clients ?? 0)", "clients_in_timeout_table:\(blocked)",
            ]
        case "memory":
            let rss = MemoryInfo.residentBytes()
            e.measureClientBuffers()
            let used = e.notePeakMemory()
            let peak = e.usedMemoryPeak
            let dataset = e.datasetMemory
            return [
                "used_memory:\(used)", "used_memory_human:\(human(used))", "used_memory_rss:\(rss)",
                "used_memory_rss_human:\(human(rss))", "used_memory_peak:\(peak)", "used_memory_peak_human:\(human(peak))",
                "used_memory_peak_perc:\(RedisNumberFormat.fixed(peak > 0 ? Double(used) * 100 / Double(peak) : 0, 2))%",
                "used_memory_overhead:\(e.overheadMemory)", "used_memory_startup:0",
                "used_memory_dataset:\(dataset)",
                "used_memory_dataset_perc:\(RedisNumberFormat.fixed(used > 0 ? Double(dataset) * 100 / Double(used) : 0, 2))%",
                "mem_fragmentation_ratio:\(RedisNumberFormat.fixed(used > 0 ? Double(rss) / Double(used) : 0, 2))",
                "mem_clients_normal:\(e.clientBufferMemory)", "mem_clients_slaves:0", "mem_not_counted_for_evict:0",
                "peak_process_rss:\(MemoryInfo.peakResidentBytes())",
                "total_system_memory:\(Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE))))",
                "maxmemory:\(e.config.maxMemory)", "maxmemory_human:\(human(e.config.maxMemory))",
                "maxmemory_policy:\(e.config.maxMemoryPolicy)", "mem_allocator:libc",
                "lazyfree_pending_objects:0", "lazyfreed_objects:\(e.stats.lazyfreedObjects)",
            ]
        case "persistence":
            return PersistenceCommands.infoLines(e) + AOFCommands.infoLines(e)
        case "stats":
            let st = e.stats
            return [
                "total_connections_received:\(st.totalConnections)", "total_commands_processed:\(st.commandsProcessed)",
                "instantaneous_ops_per_sec:0", "total_net_input_bytes:\(st.netInputBytes)",
                "total_net_output_bytes:\(st.netOutputBytes)", "rejected_connections:\(st.rejectedConnections)",
                "expired_keys:\(st.expiredKeys)", "evicted_keys:\(st.evictedKeys)", "evicted_clients:0", "keyspace_hits:\(st.keyspaceHits)",
                "keyspace_misses:\(st.keyspaceMisses)", "total_error_replies:\(st.errorReplies)",
                "tracking_total_keys:\(e.tracking?.table.count ?? 0)", "tracking_total_items:\(e.tracking?.totalItems ?? 0)",
                "tracking_total_prefixes:\(e.tracking?.prefixTable.count ?? 0)",
                "unexpected_error_replies:0", "total_reads_processed:\(st.totalReadsProcessed)",
                "total_writes_processed:\(st.totalReadsProcessed)",
            ]
        case "replication":
            return ["role:master", "connected_slaves:0", "master_failover_state:no-failover",
                    "master_replid:\(runID(e))", "master_replid2:0000000000000000000000000000000000000000",
                    "master_repl_offset:0", "second_repl_offset:-1", "repl_backlog_active:0"]
        case "cpu":
            var ru = rusage()
            getrusage(0, &ru)
            let sys = Double(ru.ru_stime.tv_sec) + Double(ru.ru_stime.tv_usec) / 1e6
            let user = Double(ru.ru_utime.tv_sec) + Double(ru.ru_utime.tv_usec) / 1e6
            return ["used_cpu_sys:\(RedisNumberFormat.fixed(sys, 6))", "used_cpu_user:\(RedisNumberFormat.fixed(user, 6))"]
        case "modules":
            return []
        case "cluster":
            return [e.clusterNode != nil ? "cluster_enabled:1" : "cluster_enabled:0"]
        case "keyspace":
            var lines: [String] = []
            for db in e.databases where db.count > 0 {
                lines.append("db\(db.index):keys=\(db.count),expires=\(db.expires.count),avg_ttl=\(db.avgTTL)")
            }
            return lines
        case "commandstats":
            var lines: [String] = []
            let names = e.commandTable.statNames
            for (i, st) in e.commandStats.enumerated() where (st.calls > 0 || st.rejectedCalls > 0 || st.failedCalls > 0) && i < names.count {
                let per = RedisNumberFormat.fixed(st.calls > 0 ? Double(st.usec) / Double(st.calls) : 0, 2)
                lines.append("cmdstat_\(names[i]):calls=\(st.calls),usec=\(st.usec),usec_per_call=\(per),rejected_calls=\(st.rejectedCalls),failed_calls=\(st.failedCalls)")
            }
            return lines.sorted()
        case "errorstats":
            return LatencyCommands.infoErrorStats(e)
        case "latencystats":
            return LatencyCommands.infoLatencyStats(e)
        default:
            return []
        }
    }

    static func runID(_ e: Engine) -> String {
        if !e.serverInfo.runID.isEmpty { return e.serverInfo.runID }
        var g = XorShiftRandom(seed: UInt64(bitPattern: e.startTime) ^ HashTableSeed.value)
        var s = ""
        for _ in 0..<40 { s += String(g.next() % 16, radix: 16) }
        e.serverInfo.runID = s
        return s
    }
}

extension RedisNumberFormat {
    /// `%.<digits>f`
    static func fixed(_ d: Double, _ digits: Int) -> String {
        var buf = [CChar](repeating: 0, count: 64)
        let n = withVaList([d]) { vsnprintf(&buf, 64, "%.\(digits)f", $0) }
        return String(decoding: buf[0..<Int(n)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
