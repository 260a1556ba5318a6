import NIOCore
import RESP
import RedisEngine

/// The result of one check.
public enum CheckStatus: String, Sendable, Codable {
    case pass, fail, skip
}

/// One check's outcome: a status, a one-line reason and, when it failed, a fix.
public struct VerifyCheckResult: Sendable, Codable, Equatable {
    public var id: String
    public var title: String
    public var status: CheckStatus
    public var reason: String
    public var fix: String?
    public var milliseconds: Double
}

/// A named, documented verify check.
public struct VerifyCheck: Sendable {
    public let id: String
    public let title: String
    /// What it does, for `--list-checks` and docs/verify.md.
    public let summary: String
    /// The fix printed when it fails.
    public let fix: String
    let run: @Sendable (VerifyEngine) throws -> Outcome

    enum Outcome {
        case pass(String)
        case fail(String)
        case skip(String)
    }
}

extension RESPValue {
    var isError: Bool { if case .error = self { return true } else { return false } }
    var errorText: String? { if case .error(let e) = self { return e } else { return nil } }
    var int: Int? { if case .integer(let i) = self { return i } else { return nil } }
}

private func expect(_ v: RESPValue, _ want: String, _ what: String) throws {
    if v.description != want { throw CheckFailure("\(what) answered \(v.description.prefix(120)), expected \(want)") }
}

/// A check failing with a reason (thrown from inside a check body).
struct CheckFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

extension VerifyCheck {
    /// Every check, in the order they run.
    public static let all: [VerifyCheck] = [
        connect, auth, tls, roundtrip, cacheAside, session, rateLimit, lock, pubsub, keyspaceEvents, memory,
        persistence, blocked, limits,
    ]

    /// Runs `checks` against `engine` and returns one result each.
    public static func runAll(_ checks: [VerifyCheck], on engine: VerifyEngine,
                              progress: ((VerifyCheckResult) -> Void)? = nil) -> [VerifyCheckResult] {
        checks.map { check in
            let t0 = monotonicMicrosNow()
            let outcome: Outcome
            do { outcome = try check.run(engine) } catch { outcome = .fail("\(error)") }
            let ms = Double(monotonicMicrosNow() - t0) / 1000
            let r: VerifyCheckResult
            switch outcome {
            case .pass(let why): r = VerifyCheckResult(id: check.id, title: check.title, status: .pass, reason: why, fix: nil, milliseconds: ms)
            case .skip(let why): r = VerifyCheckResult(id: check.id, title: check.title, status: .skip, reason: why, fix: nil, milliseconds: ms)
            case .fail(let why): r = VerifyCheckResult(id: check.id, title: check.title, status: .fail, reason: why, fix: check.fix, milliseconds: ms)
            }
            progress?(r)
            return r
        }
    }

    /// Runs `body` with a connected, authenticated client; closes it afterwards.
    static func withClient(_ e: VerifyEngine, _ body: (CheckClient) throws -> Outcome) throws -> Outcome {
        let c = try e.connect()
        defer { c.close() }
        return try body(c)
    }

    static func guarded(_ body: () throws -> Outcome) throws -> Outcome {
        do { return try body() } catch let f as CheckFailure { return .fail(f.description) }
    }

    // MARK: connection

    static let connect = VerifyCheck(
        id: "connect", title: "The application's URL connects",
        summary: "Connects with REDIS_URL exactly as the application will (TLS verified against REDIS_CA_CERT, then AUTH) and sends PING.",
        fix: "Check that the application reads REDIS_URL (and REDIS_CA_CERT with TLS) and that the URL scheme matches the deployment (rediss:// with TLS)."
    ) { e in
        let c: CheckClient
        do { c = try e.connect() } catch {
            return .fail("\(e.redactedURL) did not answer\(e.settings.tls ? " over TLS" : ""): \(error)")
        }
        defer { c.close() }
        do {
            let r = try c.call("PING")
            guard r.description == "+PONG" else { return .fail("PING answered \(r.description.prefix(100))") }
            return .pass("\(e.redactedURL) answered PONG\(e.settings.tls ? " over TLS" : "")\(e.password != nil ? " after AUTH" : "")")
        } catch {
            return .fail("\(e.redactedURL) did not answer PING\(e.settings.tls ? " over TLS" : ""): \(error)")
        }
    }

    static let auth = VerifyCheck(
        id: "auth", title: "AUTH is enforced",
        summary: "When the deployment has AUTH, a client without the password must get NOAUTH and a wrong password must be refused.",
        fix: "Turn on AUTH (auth_enabled / auth_token) or keep the password out of reach: without it anyone on the network can read and write."
    ) { e in
        guard e.settings.auth else { return .skip("no AUTH planned for this deployment") }
        let c = try e.connect(authenticate: false)
        defer { c.close() }
        let r = try c.call("GET", "infera:verify:auth")
        guard let err = r.errorText, err.hasPrefix("NOAUTH") else {
            return .fail("a client without the password was served (GET answered \(r.description.prefix(60))): AUTH is not enforced")
        }
        let wrong = try e.settings.username.map { try c.call("AUTH", $0, "not-the-password") } ?? c.call("AUTH", "not-the-password")
        guard wrong.isError else { return .fail("a wrong password was accepted") }
        return .pass("no password → NOAUTH; a wrong password is refused")
    }

    static let tls = VerifyCheck(
        id: "tls", title: "Plaintext is refused and the certificate verifies",
        summary: "With transit encryption, a plaintext client must not be served and the server certificate must verify against REDIS_CA_CERT for localhost.",
        fix: "Serve TLS with a certificate signed by the CA handed to the application (REDIS_CA_CERT); never fall back to plaintext."
    ) { e in
        guard e.settings.tls else { return .skip("no transit encryption planned for this deployment") }
        // Plaintext on the same port.
        do {
            let plain = try CheckClient.connect(group: e.clientGroup, port: e.port, tls: false, caFile: nil, timeout: .milliseconds(500))
            defer { plain.close() }
            let r = try? plain.call("PING")
            if let r, !r.isError || r.errorText?.hasPrefix("NOAUTH") == true {
                return .fail("a plaintext client was served on port \(e.port) (PING answered \(r.description.prefix(40)))")
            }
        } catch {
            // Refused outright: fine.
        }
        // Certificate against REDIS_CA_CERT.
        do {
            let c = try CheckClient.connect(group: e.clientGroup, port: e.port, tls: true, caFile: e.tls?.caCertPath)
            defer { c.close() }
            _ = try c.call("PING")
        } catch {
            return .fail("the server certificate did not verify against REDIS_CA_CERT: \(error)")
        }
        return .pass("plaintext is not served; the certificate verifies against REDIS_CA_CERT for localhost")
    }

    // MARK: data patterns (shared/seed/redis-cache.md)

    static let roundtrip = VerifyCheck(
        id: "roundtrip", title: "Read, write and expire round trip",
        summary: "SET, GET, EXPIRE, TTL, PEXPIRE to a past time, EXISTS and DEL behave as Redis does.",
        fix: "The engine's basic commands do not behave like Redis for this configuration; check that the string and key commands are not disabled."
    ) { e in
        try withClient(e) { c in try guarded {
            let k = "infera:verify:rt"
            try expect(try c.call("SET", k, "v1"), "+OK", "SET")
            try expect(try c.call("GET", k), "\"v1\"", "GET")
            try expect(try c.call("EXPIRE", k, "100"), ":1", "EXPIRE")
            let ttl = try c.call("TTL", k).int ?? -9
            guard ttl > 0 && ttl <= 100 else { throw CheckFailure("TTL answered \(ttl) after EXPIRE 100") }
            try expect(try c.call("PEXPIREAT", k, "1"), ":1", "PEXPIREAT")
            try expect(try c.call("EXISTS", k), ":0", "EXISTS after expiry")
            try expect(try c.call("DEL", k), ":0", "DEL")
            return .pass("SET/GET/EXPIRE/TTL/expiry/DEL behave as in Redis")
        } }
    }

    static let cacheAside = VerifyCheck(
        id: "cache-aside", title: "Cache-aside with TTL",
        summary: "The seed's cache-aside pattern: GET misses, SET with EX stores the loaded value, the next GET hits and the key carries its TTL.",
        fix: "Cache-aside needs GET and SET with EX; make sure neither is blocked and that the eviction policy does not refuse writes."
    ) { e in
        try withClient(e) { c in try guarded {
            let k = "infera:verify:cache:product:42"
            _ = try c.call("DEL", k)
            try expect(try c.call("GET", k), "(nil)", "GET (miss)")
            try expect(try c.call("SET", k, "{\"id\":42,\"name\":\"Widget\"}", "EX", "300"), "+OK", "SET EX")
            try expect(try c.call("GET", k), "\"{\"id\":42,\"name\":\"Widget\"}\"", "GET (hit)")
            let ttl = try c.call("TTL", k).int ?? -9
            guard ttl > 290 else { throw CheckFailure("the cached key has TTL \(ttl), expected about 300") }
            _ = try c.call("DEL", k)
            return .pass("miss → SET EX 300 → hit, TTL \(ttl) s")
        } }
    }

    static let session = VerifyCheck(
        id: "session", title: "Session store",
        summary: "A session hash written with HSET and EXPIRE, read with HGETALL, refreshed (sliding expiry) and destroyed.",
        fix: "Session stores need hash commands and EXPIRE; with eviction, keep sessions out of reach of allkeys-* policies or use a separate instance."
    ) { e in
        try withClient(e) { c in try guarded {
            let k = "infera:verify:session:abc123"
            let replies = try c.pipeline([["HSET", k, "user_id", "7", "role", "admin"], ["EXPIRE", k, "1800"], ["HGETALL", k]])
            try expect(replies[0], ":2", "HSET")
            try expect(replies[1], ":1", "EXPIRE")
            guard case .array(let fields) = replies[2], fields.count == 4 else { throw CheckFailure("HGETALL answered \(replies[2].description.prefix(80))") }
            try expect(try c.call("EXPIRE", k, "3600"), ":1", "EXPIRE (refresh)")
            let ttl = try c.call("TTL", k).int ?? -9
            guard ttl > 3500 else { throw CheckFailure("the refreshed session has TTL \(ttl)") }
            try expect(try c.call("DEL", k), ":1", "DEL")
            return .pass("HSET + EXPIRE, HGETALL, sliding refresh and DEL behave as expected")
        } }
    }

    static let rateLimit = VerifyCheck(
        id: "rate-limit", title: "Sliding-window rate limiter (ZSET + pipeline)",
        summary: "The seed's sliding-window limiter: a MULTI pipeline of ZREMRANGEBYSCORE, ZADD, ZCARD and EXPIRE; 5 requests pass a limit of 5, the 6th is refused.",
        fix: "The rate limiter needs MULTI/EXEC and the sorted-set commands; make sure none of them is blocked by the provider or the engine."
    ) { e in
        try withClient(e) { c in try guarded {
            let k = "infera:verify:ratelimit:1.2.3.4"
            _ = try c.call("DEL", k)
            let now = 1_700_000_000_000
            var allowed = 0
            for i in 0..<6 {
                let t = now + i * 10
                let r = try c.pipeline([["MULTI"], ["ZREMRANGEBYSCORE", k, "0", String(t - 60_000)],
                                        ["ZADD", k, String(t), "req-\(i)"], ["ZCARD", k], ["EXPIRE", k, "60"], ["EXEC"]])
                guard case .array(let results) = r[5], results.count == 4, let count = results[2].int else {
                    throw CheckFailure("the MULTI pipeline answered \(r.map(\.description).joined(separator: " ").prefix(160))")
                }
                if count <= 5 { allowed += 1 }
            }
            guard allowed == 5 else { throw CheckFailure("\(allowed) of 6 requests passed a limit of 5") }
            _ = try c.call("DEL", k)
            return .pass("5 of 6 requests passed a limit of 5 in one window (MULTI/ZSET pipeline)")
        } }
    }

    static let lock = VerifyCheck(
        id: "lock", title: "SET NX PX lock with its Lua release",
        summary: "A lock taken with SET NX PX, refused to a second owner, released by the compare-and-delete Lua script (EVAL).",
        fix: "Locks need SET NX PX and EVAL for a safe release; if the provider blocks EVAL, release with WATCH/MULTI instead."
    ) { e in
        let hasEval = e.withEngine { $0.commandTable.lookup(ArraySlice("eval".utf8)) != nil }
        guard hasEval else { return .skip("skipped: scripting (the engine has no EVAL yet; SET NX PX is exercised by the other checks)") }
        return try withClient(e) { c in try guarded {
            let k = "infera:verify:lock:order-7"
            _ = try c.call("DEL", k)
            try expect(try c.call("SET", k, "owner-a", "NX", "PX", "30000"), "+OK", "SET NX PX (first owner)")
            try expect(try c.call("SET", k, "owner-b", "NX", "PX", "30000"), "(nil)", "SET NX PX (second owner)")
            let release = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
            try expect(try c.call("EVAL", release, "1", k, "owner-b"), ":0", "release by the wrong owner")
            try expect(try c.call("EVAL", release, "1", k, "owner-a"), ":1", "release by the owner")
            return .pass("SET NX PX excludes a second owner; the Lua release deletes only the owner's lock")
        } }
    }

    static let pubsub = VerifyCheck(
        id: "pubsub", title: "Pub/sub",
        summary: "A subscriber on one connection receives a message PUBLISHed on another.",
        fix: "Pub/sub needs SUBSCRIBE and PUBLISH on the plain (non-REST) protocol; make sure neither is blocked."
    ) { e in
        let sub = try e.connect()
        defer { sub.close() }
        return try withClient(e) { pub in try guarded {
            let ch = "infera:verify:events"
            let r = try sub.call("SUBSCRIBE", ch)
            guard case .array(let a) = r, a.count == 3 else { throw CheckFailure("SUBSCRIBE answered \(r.description.prefix(80))") }
            let n = try pub.call("PUBLISH", ch, "hello").int ?? -1
            guard n == 1 else { throw CheckFailure("PUBLISH reached \(n) subscribers, expected 1") }
            let m = try sub.next(timeout: .seconds(1))
            guard m.description == "[\"message\", \"\(ch)\", \"hello\"]" else { throw CheckFailure("the subscriber got \(m.description.prefix(80))") }
            return .pass("the subscriber received the published message")
        } }
    }

    static let keyspaceEvents = VerifyCheck(
        id: "keyspace-events", title: "Keyspace notifications as configured",
        summary: "When redisConfigs/parameters set notify-keyspace-events with expiry events (E or K with x, or A), a subscriber receives the expired event of a key.",
        fix: "Set notify-keyspace-events in redisConfigs (Memorystore) / parameters (ElastiCache); the application cannot CONFIG SET it on a managed service."
    ) { e in
        guard let flags = e.settings.configs["notify-keyspace-events"], !flags.isEmpty else {
            return .skip("notify-keyspace-events is not configured")
        }
        let hasClass = flags.contains("E") || flags.contains("K")
        let hasExpired = flags.contains("x") || flags.contains("A")
        guard hasClass && hasExpired else { return .skip("notify-keyspace-events \(flags) has no expiry events to check") }
        let sub = try e.connect()
        defer { sub.close() }
        return try withClient(e) { c in try guarded {
            let useEvent = flags.contains("E")
            let channel = useEvent ? "__keyevent@0__:expired" : "__keyspace@0__:infera:verify:kse"
            _ = try sub.call("SUBSCRIBE", channel)
            try expect(try c.call("SET", "infera:verify:kse", "1", "PX", "1"), "+OK", "SET PX 1")
            // Lazy expiry: reading the key after its millisecond has passed expires it and fires the event.
            var message: RESPValue?
            for _ in 0..<20 where message == nil {
                _ = try c.call("GET", "infera:verify:kse")
                message = try? sub.next(timeout: .milliseconds(50))
            }
            guard let m = message else { throw CheckFailure("no expired event arrived on \(channel) within 1 s") }
            guard m.description.contains("expired") || m.description.contains("infera:verify:kse") else {
                throw CheckFailure("unexpected message \(m.description.prefix(80))")
            }
            return .pass("notify-keyspace-events \(flags): the expired event arrived on \(channel)")
        } }
    }

    // MARK: memory

    /// Bytes written per value while filling memory.
    static let fillValueBytes = 64 * 1024

    static let memory = VerifyCheck(
        id: "memory", title: "Memory pressure behaves as configured",
        summary: "Reads used_memory and maxmemory from INFO memory, sets maxmemory 4 MB above that use and fills it with 64 KB values carrying a TTL (evictions counted from INFO stats): under noeviction writes must fail with the provider's OOM error, under any other policy keys must be evicted and writes keep succeeding. The planned maxmemory is restored afterwards.",
        fix: "Set the eviction policy the use needs: allkeys-lru/lfu for a pure cache, noeviction (and enough memory) for sessions, queues and locks."
    ) { e in
        let planned = e.settings.evictionPolicy
        let budget = 4 << 20
        return try withClient(e) { c in try guarded {
            // The engine's own figures, as a client sees them: INFO memory's used_memory (the engine's dataset
            // accounting, not the process's resident size) and maxmemory.
            let before = try memoryInfo(c)
            guard let used0 = before.usedMemory else { throw CheckFailure("INFO memory has no used_memory") }
            // The budget sits 4 MB above what INFO reports now; used_memory is compared with maxmemory as is.
            let saved: Int = e.withEngine { eng in
                let s = eng.config.maxMemory
                eng.config.maxMemory = used0 + budget
                return s
            }
            defer { e.withEngine { $0.config.maxMemory = saved } }
            let limit = try memoryInfo(c).maxMemory ?? -1
            guard limit == used0 + budget else { throw CheckFailure("INFO memory reports maxmemory \(limit), expected \(used0 + budget)") }
            let evictedBefore = try evictedKeys(c)
            let value = [UInt8](repeating: UInt8(ascii: "x"), count: fillValueBytes)
            var written = 0
            var oom: String?
            var keys: [String] = []
            for batch in 0..<32 where oom == nil {
                var cmds: [[[UInt8]]] = []
                for i in 0..<8 {
                    let k = "infera:verify:fill:\(batch):\(i)"
                    keys.append(k)
                    cmds.append([Array("SET".utf8), Array(k.utf8), value, Array("EX".utf8), Array("600".utf8)])
                }
                for r in try c.pipelineBytes(cmds) {
                    if let err = r.errorText { oom = err; break }
                    written += fillValueBytes
                }
            }
            let evicted = try evictedKeys(c) - evictedBefore
            for chunk in stride(from: 0, to: keys.count, by: 64) {
                _ = try c.call(["DEL"] + keys[chunk..<min(keys.count, chunk + 64)])
            }
            let expectedOOM = e.settings.profile.oomErrorText ?? "OOM command not allowed when used memory > 'maxmemory'."
            if planned == "noeviction" {
                guard let oom else {
                    return .fail("\(formatBytes(written)) written into a \(formatBytes(budget)) budget without an error under planned noeviction (\(evicted) keys evicted)")
                }
                guard oom == expectedOOM else { return .fail("writes failed with \"\(oom)\", expected \"\(expectedOOM)\"") }
                return .pass("noeviction: writes refused with \"\(oom)\" after \(formatBytes(written))")
            }
            if let oom { return .fail("writes failed with \"\(oom)\" after \(formatBytes(written)) under planned \(e.settings.providerEvictionName): keys should have been evicted") }
            guard evicted > 0 else { return .fail("\(formatBytes(written)) written into a \(formatBytes(budget)) budget and nothing was evicted under \(planned)") }
            return .pass("\(e.settings.providerEvictionName): \(evicted) keys evicted, every write accepted (\(formatBytes(written)) into \(formatBytes(budget)))")
        } }
    }

    /// `used_memory` and `maxmemory` from INFO memory.
    static func memoryInfo(_ c: CheckClient) throws -> (usedMemory: Int?, maxMemory: Int?) {
        let fields = try infoFields(c, section: "memory")
        return (fields["used_memory"].flatMap { Int($0) }, fields["maxmemory"].flatMap { Int($0) })
    }

    /// `evicted_keys` from INFO stats.
    static func evictedKeys(_ c: CheckClient) throws -> Int {
        guard let n = try infoFields(c, section: "stats")["evicted_keys"].flatMap({ Int($0) }) else {
            throw CheckFailure("INFO stats has no evicted_keys")
        }
        return n
    }

    /// The `name:value` lines of one INFO section.
    static func infoFields(_ c: CheckClient, section: String) throws -> [String: String] {
        let reply = try c.call("INFO", section)
        let text: String
        switch reply {
        case .bulkString(let b): text = String(decoding: b, as: UTF8.self)
        case .verbatim(_, let t): text = t
        default: throw CheckFailure("INFO \(section) answered \(reply.description.prefix(80))")
        }
        var out: [String: String] = [:]
        for line in text.split(whereSeparator: { $0.isNewline }) {
            guard let colon = line.firstIndex(of: ":"), !line.hasPrefix("#") else { continue }
            out[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        return out
    }

    /// While used_memory is the process's resident size (issue #15), the engine samples it in its cron
    /// (every 100 ms); sample it now so a batch of writes is compared with maxmemory at once. Harmless
    /// once used_memory is the engine's own accounting.
    static let persistence = VerifyCheck(
        id: "persistence", title: "Data survives a restart",
        summary: "When persistence is planned, the engine runs with it on a fresh data directory: keys of every type written before a restart must come back after it, TTLs included. RDB plans (`save` from the snapshot period): the scheduled snapshot, then a crash. Upstash (every write persisted): the last write must come back too; until the engine has an AOF it runs on RDB (`save \"1 1\"` and a save on shutdown) and the restart is a graceful one.",
        fix: "Plan persistence (RDB snapshots / snapshot retention) for sessions, queues and other data that must survive a restart."
    ) { e in try PersistenceRehearsal.run(e) }

    // MARK: provider restrictions

    /// Safe probes for blocked commands (never SHUTDOWN, FAILOVER or anything that changes the server).
    static let probes: [String: [String]] = [
        "CONFIG": ["CONFIG", "GET", "maxmemory"], "CONFIG GET": ["CONFIG", "GET", "maxmemory"], "CONFIG HELP": ["CONFIG", "HELP"],
        "OBJECT": ["OBJECT", "ENCODING", "infera:verify:probe"], "COMMAND": ["COMMAND", "COUNT"], "COMMAND COUNT": ["COMMAND", "COUNT"],
        "COMMAND DOCS": ["COMMAND", "DOCS", "get"], "COMMAND INFO": ["COMMAND", "INFO", "get"],
        "ACL": ["ACL", "WHOAMI"], "ACL SETUSER": ["ACL", "SETUSER", "infera-verify-probe"], "ACL DELUSER": ["ACL", "DELUSER", "infera-verify-probe"],
        "LASTSAVE": ["LASTSAVE"], "SORT": ["SORT", "infera:verify:probe"], "SORT_RO": ["SORT_RO", "infera:verify:probe"],
        "LCS": ["LCS", "infera:verify:a", "infera:verify:b"], "MOVE": ["MOVE", "infera:verify:probe", "0"],
        "SLOWLOG": ["SLOWLOG", "LEN"], "MEMORY STATS": ["MEMORY", "STATS"], "MEMORY DOCTOR": ["MEMORY", "DOCTOR"],
        "LATENCY": ["LATENCY", "LATEST"], "ROLE": ["ROLE"], "CLIENT KILL": ["CLIENT", "KILL", "ID", "999999999"],
        "CLIENT PAUSE": ["CLIENT", "PAUSE", "0"], "CLIENT UNPAUSE": ["CLIENT", "UNPAUSE"],
        "CLIENT TRACKINGINFO": ["CLIENT", "TRACKINGINFO"], "LOLWUT": ["LOLWUT"], "XINFO HELP": ["XINFO", "HELP"],
        "SWAPDB": ["SWAPDB", "0", "0"], "READONLY": ["READONLY"],
    ]

    static let blocked = VerifyCheck(
        id: "blocked-commands", title: "The provider's blocked commands are blocked",
        summary: "Sends a safe probe for each blocked command of the provider profile (CONFIG GET, OBJECT ENCODING, COMMAND COUNT, ...) and expects the provider's own error.",
        fix: "The local engine must carry the provider's restriction profile; without it the application's tests pass here and fail in production."
    ) { e in
        let profile = e.settings.profile
        let targets = profile.rules.filter { $0.kind != .restricted && probes[$0.command] != nil }
        guard !targets.isEmpty else { return .skip("\(profile.displayName) has no safely probed blocked commands") }
        return try withClient(e) { c in
            var wrong: [String] = []
            for rule in targets {
                let args = probes[rule.command]!
                let r = try c.call(args)
                let want: String
                if let t = profile.errorText(for: rule.command) { want = t } else {
                    want = rule.command.contains(" ")
                        ? "ERR unknown subcommand '\(args[1].lowercased() == args[1] ? args[1] : args[1])'"
                        : "ERR unknown command '\(args[0])'"
                }
                guard let err = r.errorText else { wrong.append("\(args.joined(separator: " ")) ran (\(r.description.prefix(30)))"); continue }
                if profile.blockedErrorTemplate != nil ? err != want : !(err.hasPrefix("ERR unknown command") || err.hasPrefix("ERR unknown subcommand")) {
                    wrong.append("\(rule.command) answered \"\(err.prefix(60))\"")
                }
            }
            if !wrong.isEmpty {
                return .fail("\(wrong.count) of \(targets.count) blocked commands behave unlike \(profile.displayName): \(wrong.prefix(3).joined(separator: "; "))")
            }
            let sample = profile.errorText(for: targets[0].command) ?? "unknown command"
            return .pass("\(targets.count) blocked commands answer as on \(profile.displayName) (e.g. \(targets[0].command): \(sample))")
        }
    }

    static let limits = VerifyCheck(
        id: "limits", title: "Database count and request limits",
        summary: "SELECT accepts exactly the provider's databases (Memorystore/ElastiCache 16 by default, Upstash 1); on Upstash a key over 32 KB is refused with Upstash's error and CONFIG SET accepts only notify-keyspace-events.",
        fix: "Use database 0 only (portable across providers) and keep keys small; set the `databases` config when more are needed."
    ) { e in
        let profile = e.settings.profile
        return try withClient(e) { c in try guarded {
            let n = e.settings.databases
            try expect(try c.call("SELECT", String(n - 1)), "+OK", "SELECT \(n - 1)")
            let over = try c.call("SELECT", String(n))
            guard over.isError else { throw CheckFailure("SELECT \(n) succeeded: \(profile.displayName) has \(n) database(s)") }
            _ = try c.call("SELECT", "0")
            var extra = ""
            if let maxKey = profile.maxKeyBytes {
                let big = String(repeating: "k", count: maxKey + 1)
                let r = try c.call("SET", big, "1")
                let want = ProviderProfile.UpstashErrors.keyTooBig(limit: maxKey, actual: maxKey + 1)
                guard r.errorText == want else { throw CheckFailure("a \(maxKey + 1)-byte key answered \(r.description.prefix(60)), expected \"\(want)\"") }
                extra += "; a \(formatBytes(maxKey + 1)) key is refused"
            }
            if let params = profile.configParameters {
                let r = try c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
                guard r.isError else { throw CheckFailure("CONFIG SET maxmemory-policy was accepted; \(profile.displayName) allows only \(params.sorted().joined(separator: ", "))") }
                extra += "; CONFIG SET limited to \(params.sorted().joined(separator: ", "))"
            }
            return .pass("SELECT 0–\(n - 1) accepted, SELECT \(n) refused\(extra)")
        } }
    }
}
