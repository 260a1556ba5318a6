#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Redis command call found in code: `redis.setex(key, 60, v)` → `SETEX`.
struct CallSite: Sendable {
    var command: String
    /// Offset of the method name.
    var offset: Int
    /// Contents between the call's parentheses (exclusive), if they were found.
    var args: Range<Int>?
    /// The receiver expression text, e.g. `self.redis` or `redisTemplate.opsForValue()`.
    var receiver: String
}

/// A client construction such as `new Redis(` or `redis.from_url(`.
struct Construction: Sendable {
    var pattern: String
    var offset: Int
    var args: Range<Int>?
    /// The variable it is assigned to, e.g. `redis`, `self.client`, `rdb`; empty when not assigned.
    var assignedTo: String
    /// The assignment operator text before the constructor (`=`, `:=`, `return`, ``).
    var binding: String
}

/// Everything the rules need about one lexed file, computed once.
struct FileAnalysis: Sendable {
    let src: LexedSource
    var constructions: [Construction] = []
    var calls: [CallSite] = []
    /// Offsets (in `src.bytes`) of string literals that are Redis URLs, with the literal's range.
    var urls: [(offset: Int, range: Range<Int>)] = []
    var imports: [(library: String, offset: Int)] = []
    var envVars: [(name: String, offset: Int)] = []
    /// Byte ranges of loop bodies.
    var loops: [Range<Int>] = []
    var clientNames: Set<String> = []
    /// Names declared with a client type (fields, parameters, variables), with the type's offset.
    var typedClientNames: [(String, Int)] = []
    var pipelineNames: Set<String> = []
    var usesUpstash = false
    /// Lines (1-based) whose code starts at brace depth > 0, per line.
    var lineDepth: [Int32] = []

    init(_ src: LexedSource, importedClients: Set<String> = []) {
        self.src = src
        guard src.language.isCode else {
            if src.language == .config { findConfigURLs() }
            return
        }
        computeDepth()
        findImports()
        findConstructions()
        clientNames.formUnion(importedClients)
        findTypedClients()
        findClientAliases()
        findCalls()
        findURLs()
        findEnvVars()
        findLoops()
    }

    // MARK: byte helpers

    static func isIdent(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 || b == 36
    }

    /// Offsets in `code` where `pattern` occurs, with an identifier boundary before it.
    func occurrences(_ pattern: String, in buffer: [UInt8]? = nil, limit: Int = 400) -> [Int] {
        let hay = buffer ?? src.code
        let p = Array(pattern.utf8)
        guard let f = p.first, hay.count >= p.count else { return [] }
        let boundary = FileAnalysis.isIdent(f)
        var out: [Int] = []
        hay.withUnsafeBufferPointer { h in
            guard let base = h.baseAddress else { return }
            var i = 0
            let end = h.count - p.count
            while i <= end {
                // Jump to the next occurrence of the first byte (memchr is vectorised).
                guard let hit = memchr(base + i, Int32(f), end - i + 1) else { return }
                i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                var ok = true
                for k in 1..<p.count where h[i + k] != p[k] { ok = false; break }
                if ok && (!boundary || i == 0 || !FileAnalysis.isIdent(h[i - 1])) {
                    out.append(i)
                    if out.count >= limit { return }
                }
                i += 1
            }
        }
        return out
    }

    /// Offset of the `)` (or other closer) matching the opener at `open`, in code; bounded.
    func matching(_ open: Int, maxLength: Int = 20_000) -> Int? {
        let code = src.code
        guard open < code.count else { return nil }
        let o = code[open]
        let c: UInt8 = o == 40 ? 41 : o == 123 ? 125 : o == 91 ? 93 : 0
        guard c != 0 else { return nil }
        var depth = 0
        var i = open
        let end = min(code.count, open + maxLength)
        while i < end {
            let b = code[i]
            if b == o { depth += 1 } else if b == c { depth -= 1; if depth == 0 { return i } }
            i += 1
        }
        return nil
    }

    /// The receiver chain before a `.` or `->` ending just before `dot`.
    func receiver(before dot: Int) -> String {
        let code = src.code
        var i = dot - 1
        var depth = 0
        let stop = max(0, dot - 120)
        while i >= stop {
            let b = code[i]
            if b == 41 || b == 93 { depth += 1; i -= 1; continue }
            if b == 40 || b == 91 {
                if depth == 0 { break }
                depth -= 1; i -= 1; continue
            }
            if depth > 0 { if b == 10 { break }; i -= 1; continue }
            if FileAnalysis.isIdent(b) || b == 46 || b == 64 || b == 58 { i -= 1; continue }
            if b == 62 && i > 0 && code[i - 1] == 45 { i -= 2; continue }
            break
        }
        return String(decoding: code[(i + 1)..<dot], as: UTF8.self)
    }

    /// Splits a range of arguments at top-level commas (in code, so strings do not confuse it).
    func splitArgs(_ r: Range<Int>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var depth = 0
        var s = r.lowerBound
        let code = src.code
        for i in r {
            let b = code[i]
            if b == 40 || b == 91 || b == 123 { depth += 1 }
            else if b == 41 || b == 93 || b == 125 { depth -= 1 }
            else if b == 44 && depth == 0 { out.append(s..<i); s = i + 1 }
        }
        if s < r.upperBound || !out.isEmpty { out.append(s..<r.upperBound) }
        return out.filter { rr in rr.contains { !(code[$0] == 32 || code[$0] == 10 || code[$0] == 9 || code[$0] == 13) } || true }
    }

    func text(_ r: Range<Int>) -> String { String(decoding: src.bytes[r], as: UTF8.self) }
    func codeText(_ r: Range<Int>) -> String { String(decoding: src.code[r], as: UTF8.self) }

    func line(_ offset: Int) -> Int { src.position(offset).line }

    // MARK: structure

    mutating func computeDepth() {
        var depths: [Int32] = []
        depths.reserveCapacity(src.lineStarts.count)
        var d: Int32 = 0
        var li = 0
        let code = src.code
        for (i, b) in code.enumerated() {
            if li < src.lineStarts.count && src.lineStarts[li] == i { depths.append(d); li += 1 }
            if b == 123 { d += 1 } else if b == 125 { d = max(0, d - 1) }
        }
        while depths.count < src.lineStarts.count { depths.append(d) }
        lineDepth = depths
    }

    /// Brace depth at an offset.
    func depth(at offset: Int) -> Int {
        let (l, _) = src.position(offset)
        var d = Int(lineDepth[l - 1])
        var i = src.lineStarts[l - 1]
        while i < offset { if src.code[i] == 123 { d += 1 } else if src.code[i] == 125 { d -= 1 }; i += 1 }
        return d
    }

    /// Leading spaces of a line (tabs count 4).
    func indent(line: Int) -> Int {
        var n = 0
        for b in src.bytes[src.lineRange(line)] { if b == 32 { n += 1 } else if b == 9 { n += 4 } else { break } }
        return n
    }

    func isBlank(line: Int) -> Bool { src.code[src.lineRange(line)].allSatisfy { $0 == 32 || $0 == 9 || $0 == 13 } }

    /// For indentation languages: the nearest enclosing line (smaller indent) matching `predicate`.
    func enclosingLine(of line: Int, where predicate: (String) -> Bool) -> (line: Int, indent: Int)? {
        var ind = indent(line: line)
        var l = line - 1
        while l >= 1 && ind > 0 {
            if !isBlank(line: l) {
                let i = indent(line: l)
                if i < ind {
                    let t = codeText(src.lineRange(l)).trimmedSpaces()
                    if predicate(t) { return (l, i) }
                    ind = i
                }
            }
            l -= 1
        }
        return nil
    }

    /// True when the offset is inside a function or method body.
    func insideFunction(_ offset: Int) -> Bool {
        switch src.language {
        case .python, .ruby, .elixir:
            return enclosingLine(of: line(offset)) { $0.hasPrefix("def ") || $0.hasPrefix("async def ") || $0.hasPrefix("defp ") } != nil
        case .java, .csharp, .scala:
            return depth(at: offset) >= 2
        case .kotlin:
            return depth(at: offset) >= 1 && codeText(0..<offset).contains("fun ")
        default:
            return depth(at: offset) >= 1
        }
    }

    // MARK: finders

    static let importNames: [(Language, String, String)] = [
        (.javascript, "ioredis", "ioredis"), (.javascript, "redis", "redis"), (.javascript, "@redis/client", "redis"),
        (.javascript, "@upstash/redis", "@upstash/redis"), (.javascript, "bullmq", "bullmq"), (.javascript, "bull", "bull"),
        (.javascript, "connect-redis", "connect-redis"), (.javascript, "rate-limit-redis", "rate-limit-redis"),
        (.javascript, "@socket.io/redis-adapter", "@socket.io/redis-adapter"), (.javascript, "redlock", "redlock"),
        (.go, "github.com/redis/go-redis/v9", "go-redis"), (.go, "github.com/go-redis/redis/v8", "go-redis"),
        (.go, "github.com/go-redis/redis", "go-redis"), (.go, "github.com/redis/go-redis", "go-redis"),
        (.go, "github.com/gomodule/redigo/redis", "redigo"), (.go, "github.com/redis/rueidis", "rueidis"),
        (.ruby, "redis", "redis"), (.ruby, "sidekiq", "sidekiq"), (.ruby, "resque", "resque"), (.ruby, "kredis", "kredis"),
        (.ruby, "sidekiq-cron", "sidekiq-cron"), (.ruby, "sidekiq/cron", "sidekiq-cron"), (.ruby, "redis-namespace", "redis-namespace"), (.ruby, "redlock", "redlock"),
        (.javascript, "@nestjs/bullmq", "bullmq"), (.javascript, "@nestjs/bull", "bull"), (.javascript, "@nest-lab/throttler-storage-redis", "throttler-storage-redis"),
        (.javascript, "nestjs-throttler-storage-redis", "throttler-storage-redis"), (.javascript, "@nestjs-redis/throttler-storage", "throttler-storage-redis"),
        (.javascript, "cache-manager-redis-yet", "cache-manager-redis"), (.javascript, "@keyv/redis", "cache-manager-redis"),
        (.go, "github.com/go-redsync/redsync", "redsync"), (.go, "github.com/bsm/redislock", "redsync"), (.go, "github.com/hibiken/asynq", "asynq"),
        (.go, "github.com/zeromicro/go-zero/core/stores/redis", "go-zero redis"), (.go, "github.com/gofiber/storage/redis", "go-zero redis"),
        (.go, "github.com/eko/gocache/store/redis", "go-redis/cache"), (.go, "github.com/go-redis/cache", "go-redis/cache"), (.go, "github.com/go-redis/redis_rate", "redis_rate"),
    ]

    mutating func findImports() {
        let lang = src.language
        switch lang {
        case .javascript, .go, .ruby:
            for r in src.strings {
                let s = src.text(r)
                guard s.count < 64 else { continue }
                for (l, name, lib) in FileAnalysis.importNames where l == lang && (s == name || (lang == .go && s.hasPrefix(name + "/"))) {
                    // require('x') / from 'x' / import 'x' / Go import block.
                    let before = codeText(max(0, r.lowerBound - 30)..<max(0, r.lowerBound - 1))
                    if lang == .go || before.hasSuffix("require(") || before.hasSuffix("require (") || before.hasSuffix("from ") || before.hasSuffix("import ") || before.hasSuffix("import(") || before.hasSuffix("require ") {
                        imports.append((lib, r.lowerBound))
                        if lib == "@upstash/redis" { usesUpstash = true }
                        break
                    }
                }
            }
        case .python:
            for (word, lib) in [("from django_rq", "django-rq"), ("import django_rq", "django-rq"), ("from redis_lock", "python-redis-lock"), ("import redis", "redis-py"), ("from redis", "redis-py"), ("import aioredis", "aioredis"), ("from aioredis", "aioredis"), ("from django_redis", "django-redis"), ("from rq ", "rq"), ("import rq", "rq"), ("from redis_om", "redis-om"), ("from upstash_redis", "upstash-redis")] {
                for o in occurrences(word) { imports.append((lib, o)) }
            }
        case .java, .kotlin, .scala:
            for (word, lib) in [("import redis.clients.jedis", "jedis"), ("import io.lettuce", "lettuce"), ("import org.springframework.data.redis", "spring-data-redis"), ("import org.redisson", "redisson")] {
                for o in occurrences(word) { imports.append((lib, o)) }
            }
        case .csharp:
            for o in occurrences("using StackExchange.Redis") { imports.append(("StackExchange.Redis", o)) }
        case .php:
            for o in occurrences("use Predis") { imports.append(("predis", o)) }
            for o in occurrences("use Illuminate\\Support\\Facades\\Redis") { imports.append(("laravel-redis", o)) }
        case .rust:
            for o in occurrences("use redis") { imports.append(("redis", o)) }
            for o in occurrences("use deadpool_redis") { imports.append(("deadpool-redis", o)) }
        case .elixir:
            for o in occurrences("Redix.") { imports.append(("redix", o)); break }
        default: break
        }
    }

    /// Construction patterns that return a shared connection or register a client once (never a per-call client).
    static let sharedAccessors: Set<String> = ["get_redis_connection(", "django_rq.get_queue(", "django_rq.enqueue(", "Sidekiq.redis", "Sidekiq::Cron::Job.",
                                               "NewMutex(", "redsync.New(", "BullModule.forRoot(", "BullModule.forRootAsync(", "new ThrottlerStorageRedisService(",
                                               "AddRedisClient(", "AddRedisDistributedCache(", "AddRedisOutputCache(", "AddRedis("]

    /// Client constructors per language: (pattern in code, whether it ends with the opening parenthesis).
    static let constructors: [Language: [String]] = [
        .javascript: ["new Redis(", "new IORedis(", "new Redis.Cluster(", "new Cluster(", "createClient(", "createCluster(", "Redis.fromEnv(", "new Queue(", "new Worker(",
                      "BullModule.forRoot(", "BullModule.forRootAsync(", "new ThrottlerStorageRedisService(", "new RedisStore(",
                      "new RateLimiterRedis(", "new KeyvRedis("],
        .python: ["get_redis_connection(", "django_rq.get_queue(", "django_rq.enqueue(", "RedisBroker(", "RedisHuey(", "redis.Redis(", "redis.StrictRedis(", "redis.from_url(", "Redis.from_url(", "StrictRedis(", "Redis(", "aioredis.from_url(", "aioredis.create_redis_pool(", "redis.asyncio.from_url(", "redis.ConnectionPool(", "RedisCluster(", "Redis.from_env("],
        .go: ["goredislib.NewClient(", "goredis.NewClient(", "redsync.New(", "NewMutex(", "redis.NewClient(", "redis.NewClusterClient(", "redis.NewUniversalClient(", "redis.NewFailoverClient(", "redis.Dial(", "redis.DialURL(", "rueidis.NewClient("],
        .ruby: ["Redis.new", "Redis::Namespace.new", "RedisClient.new", "RedisClient.config(", "Sidekiq.redis", "Sidekiq::Cron::Job."],
        .java: ["new Jedis(", "new JedisPool(", "new JedisPooled(", "new JedisCluster(", "RedisClient.create(", "Redisson.create(", "new LettuceConnectionFactory(", "new JedisConnectionFactory("],
        .kotlin: ["Jedis(", "JedisPool(", "JedisPooled(", "RedisClient.create(", "Redisson.create(", "LettuceConnectionFactory("],
        .scala: ["new Jedis(", "new JedisPool(", "RedisClient.create("],
        .csharp: ["ConnectionMultiplexer.Connect(", "ConnectionMultiplexer.ConnectAsync(", "AddStackExchangeRedisCache(", "AddRedisClient(", "AddRedisDistributedCache(", "AddRedisOutputCache(", "AddRedis("],
        .php: ["new Predis\\Client(", "new \\Predis\\Client(", "new Client(", "new Redis(", "new \\Redis("],
        .rust: ["redis::Client::open(", "Client::open(", "Config::from_url(", "RedisConnectionManager::new("],
        .elixir: ["Redix.start_link(", ":eredis.start_link("],
    ]

    mutating func findConstructions() {
        guard let patterns = FileAnalysis.constructors[src.language] else { return }
        var seen = Set<Int>()
        for p in patterns {
            for o in occurrences(p) where !seen.contains(o) {
                // Patterns that are too generic need the library imported in the file.
                if src.language == .javascript && (p == "createClient(" || p == "new Cluster(" || p == "createCluster(") && imports.isEmpty { continue }
                if src.language == .javascript && (p == "new Queue(" || p == "new Worker(") && !imports.contains(where: { $0.library == "bullmq" || $0.library == "bull" }) { continue }
                if src.language == .python && (p == "Redis(" || p == "StrictRedis(" || p == "RedisCluster(") {
                    if o > 0 && src.code[o - 1] == 46 { continue }
                    if imports.isEmpty { continue }
                }
                if src.language == .php && p == "new Client(" && !imports.contains(where: { $0.library == "predis" }) { continue }
                if src.language == .go && (p == "NewMutex(" || p == "redsync.New(") && !imports.contains(where: { $0.library == "redsync" }) { continue }
                if src.language == .javascript && p.hasPrefix("BullModule") && !imports.contains(where: { $0.library == "bullmq" || $0.library == "bull" }) { continue }
                if src.language == .rust && (p == "Client::open(" || p == "Config::from_url(") && o >= 2 && src.code[o - 1] == 58 { continue }
                if src.language == .rust && p == "Client::open(" && imports.isEmpty { continue }
                // Skip the shorter pattern when a longer one matched at an overlapping place.
                if seen.contains(where: { abs($0 - o) < 12 }) { continue }
                seen.insert(o)
                var args: Range<Int>?
                let pb = Array(p.utf8)
                if pb.last == 40, let close = matching(o + pb.count - 1) { args = (o + pb.count)..<close }
                var start = o
                while start > 0 && (FileAnalysis.isIdent(src.code[start - 1]) || src.code[start - 1] == 46 || src.code[start - 1] == 92) { start -= 1 }
                let (lhs, binding) = assignment(before: start)
                constructions.append(Construction(pattern: p, offset: o, args: args, assignedTo: lhs, binding: binding))
                if !lhs.isEmpty, let last = lhs.split(whereSeparator: { $0 == "." || $0 == ">" || $0 == "@" || $0 == "$" || $0 == ":" }).last {
                    clientNames.insert(String(last))
                }
            }
        }
        if src.language == .javascript && (constructions.contains { $0.pattern == "Redis.fromEnv(" }) { usesUpstash = true }
        // Variables bound to pipelines / transactions.
        for p in ["pipeline(", "multi(", "Pipeline(", "TxPipeline(", "pipelined(", "CreateBatch(", "CreateTransaction("] {
            for o in occurrences(p) where o > 0 && (src.code[o - 1] == 46 || src.code[o - 1] == 62) {
                let (lhs, _) = assignment(before: receiverStart(o - 1))
                if let last = lhs.split(whereSeparator: { $0 == "." || $0 == ">" || $0 == "@" || $0 == "$" }).last { pipelineNames.insert(String(last)) }
            }
        }
    }

    func receiverStart(_ dot: Int) -> Int {
        let r = receiver(before: dot)
        return dot - r.utf8.count
    }

    /// `const x = await <here>` → ("x", "="); `return <here>` → ("", "return").
    func assignment(before offset: Int) -> (String, String) {
        let ls = src.lineRange(line(offset)).lowerBound
        var before = codeText(ls..<offset).trimmedSpaces()
        for w in ["await ", "new ", "yield "] where before.hasSuffix(w.trimmedSpaces()) { before = String(before.dropLast(w.count - 1)).trimmedSpaces() }
        if before.hasSuffix("return") || before == "return" { return ("", "return") }
        var op = ""
        if before.hasSuffix(":=") { op = ":="; before.removeLast(2) }
        else if before.hasSuffix("||=") { op = "||="; before.removeLast(3) }
        else if before.hasSuffix("??=") { op = "??="; before.removeLast(3) }
        else if before.hasSuffix("=") && !before.hasSuffix("==") && !before.hasSuffix("=>") { op = "="; before.removeLast(1) }
        else if before.hasSuffix(":") { op = ":"; before.removeLast(1) }
        else { return ("", "") }
        before = before.trimmedSpaces()
        // The last token: an identifier possibly with self./this./@/$ prefixes.
        var token = ""
        for ch in before.reversed() {
            if ch.isLetter || ch.isNumber || ch == "_" || ch == "." || ch == "@" || ch == "$" || ch == ">" || ch == "-" { token.insert(ch, at: token.startIndex) } else { break }
        }
        if token.hasPrefix("-") { token.removeFirst() }
        return (token, op)
    }

    static let commandNames: Set<String> = [
        "get", "set", "setex", "psetex", "setnx", "getset", "getdel", "getex", "mget", "mset", "msetnx", "incr", "incrby", "incrbyfloat",
        "decr", "decrby", "append", "strlen", "del", "unlink", "exists", "expire", "pexpire", "expireat", "pexpireat", "ttl", "pttl", "persist",
        "rename", "keys", "scan", "hget", "hset", "hsetnx", "hmset", "hmget", "hgetall", "hdel", "hincrby", "hincrbyfloat", "hexists", "hkeys", "hvals",
        "hlen", "hscan", "lpush", "rpush", "lpop", "rpop", "blpop", "brpop", "lrange", "llen", "ltrim", "lrem", "lmove", "blmove", "rpoplpush",
        "brpoplpush", "sadd", "srem", "smembers", "sismember", "scard", "spop", "srandmember", "sinter", "sunion", "sscan", "zadd", "zrem", "zrange",
        "zrevrange", "zrangebyscore", "zrevrangebyscore", "zremrangebyscore", "zremrangebyrank", "zincrby", "zcard", "zscore", "zrank", "zrevrank",
        "zcount", "zscan", "publish", "subscribe", "psubscribe", "unsubscribe", "xadd", "xread", "xreadgroup", "xack", "xgroup", "xlen", "xrange",
        "xtrim", "pfadd", "pfcount", "geoadd", "georadius", "geosearch", "eval", "evalsha", "flushall", "flushdb", "watch", "ping", "setrange", "getrange",
        // multi-key and database commands the cluster-mode rules look at (ClusterRules.swift)
        "select", "sdiff", "sinterstore", "sunionstore", "sdiffstore", "smove", "renamenx", "pfmerge",
    ]

    static let methodAliases: [String: String] = [
        "scaniter": "scan", "scanstream": "scan", "hscaniter": "hscan", "zscaniter": "zscan", "sscaniter": "sscan",
        "stringset": "set", "stringget": "get", "stringincrement": "incr", "stringdecrement": "decr", "stringgetset": "getset",
        "keyexpire": "expire", "keydelete": "del", "keyexists": "exists", "keytimetolive": "ttl",
        "hashset": "hset", "hashget": "hget", "hashgetall": "hgetall", "hashincrement": "hincrby", "hashdelete": "hdel",
        "listleftpush": "lpush", "listrightpush": "rpush", "listleftpop": "lpop", "listrightpop": "rpop", "listrange": "lrange",
        "setadd": "sadd", "setremove": "srem", "setmembers": "smembers", "setcontains": "sismember",
        "sortedsetadd": "zadd", "sortedsetincrement": "zincrby", "sortedsetrangebyrank": "zrange", "sortedsetrangebyrankwithscores": "zrevrange",
        "sortedsetremoverangebyscore": "zremrangebyscore", "sortedsetlength": "zcard", "sortedsetscore": "zscore", "sortedsetrank": "zrank",
        "streamadd": "xadd", "streamread": "xread", "streamreadgroup": "xreadgroup", "scriptevaluate": "eval",
        "zrevrangewithscores": "zrevrange", "zrangewithscores": "zrange", "zrevrangebyscorewithscores": "zrevrangebyscore",
        "setifabsent": "setnx", "increment": "incr", "leftpush": "lpush", "rightpush": "rpush", "leftpop": "lpop", "rightpop": "rpop",
        "convertandsend": "publish", "rpoplpush": "rpoplpush",
    ]

    /// Normalises a method name to a command: `setEx` → `setex`, `StringSetAsync` → `set`, `scan_iter` → `scan`.
    static func command(forMethod m: String) -> String? {
        var k = m.lowercased().replacingAll("_", "")
        if k.hasSuffix("async") && k.count > 5 { k.removeLast(5) }
        if commandNames.contains(k) { return k }
        return methodAliases[k]
    }

    func isClientReceiver(_ chain: String) -> Bool {
        guard !chain.isEmpty else { return false }
        let lower = chain.lowercased()
        if lower.contains("redis") || lower.contains("jedis") || lower.contains("valkey") { return true }
        let parts = chain.split(whereSeparator: { $0 == "." || $0 == ">" || $0 == "@" || $0 == "$" || $0 == "-" || $0 == ":" })
        guard let root = parts.first.map(String.init) else { return false }
        let first = parts.count > 1 && (root == "self" || root == "this" || root == "s" || root == "app") ? String(parts[1]) : root
        let last = parts.last.map(String.init) ?? root
        let known: Set<String> = ["rdb", "rds", "jedis", "conn", "pipe", "pipeline", "multi", "tx", "batch"]
        if clientNames.contains(first) || pipelineNames.contains(first) || clientNames.contains(last) || pipelineNames.contains(last) { return true }
        if known.contains(first) && (!clientNames.isEmpty || !imports.isEmpty) { return true }
        // C# databases: db = redis.GetDatabase(); Spring templates: template.opsForValue().
        if lower.contains("getdatabase") || lower.contains("opsfor") || lower.contains("boundvalueops") { return true }
        if (first == "db" || first == "database" || first == "cache") && (src.language == .csharp || clientNames.contains("db")) { return true }
        return false
    }

    mutating func findCalls() {
        let code = src.code
        let n = code.count
        var i = 0
        var budget = 5000
        while i < n - 1 && budget > 0 {
            let b = code[i]
            let isDot = b == 46
            let isArrow = b == 45 && code[i + 1] == 62
            // Laravel's facade: Redis::set(…) / Redis::connection('cache')->get(…).
            let isFacade = src.language == .php && b == 58 && code[i + 1] == 58 && i >= 5 && Lexer.startsWith(code, i - 5, "Redis") && (i == 5 || !FileAnalysis.isIdent(code[i - 6]))
            guard isDot || isArrow || isFacade else { i += 1; continue }
            let nameStart = (isArrow || isFacade) ? i + 2 : i + 1
            var e = nameStart
            while e < n && FileAnalysis.isIdent(code[e]) { e += 1 }
            guard e > nameStart, e < n else { i = e; continue }
            var p = e
            while p < n && code[p] == 32 { p += 1 }
            let method = String(decoding: code[nameStart..<e], as: UTF8.self)
            let isParen = p < n && code[p] == 40
            // Ruby allows `redis.get key` without parentheses.
            let rubyBare = src.language == .ruby && !isParen && p > e && p < n && code[p] != 61 && code[p] != 10
            if isParen || rubyBare || (src.language == .ruby && p < n && code[p] == 10) {
                var cmd = FileAnalysis.command(forMethod: method)
                let lowerMethod = method.lowercased()
                var args: Range<Int>?
                if isParen, let close = matching(p) { args = (p + 1)..<close }
                let recv = receiver(before: i)
                if ["call", "do", "sendcommand", "send_command", "executecommand", "execute_command", "command", "execute", "doctx"].contains(lowerMethod.replacingAll("_", "").replacingAll("async", "")) || lowerMethod == "execute_command" || lowerMethod == "send_command" {
                    if let a = args, let s = src.firstString(after: a.lowerBound), s.lowerBound < a.upperBound {
                        let word = src.text(s).lowercased()
                        if FileAnalysis.commandNames.contains(word) && (isClientReceiver(recv) || recv == "Redix") { cmd = word }
                    }
                } else if cmd == nil && recv.lowercased().contains("opsfor") {
                    // Spring's operations: opsForSet().add → SADD, opsForZSet().add → ZADD, opsForHash().put → HSET.
                    let r = recv.lowercased()
                    let table: [String: String] = ["add": r.contains("opsforzset") ? "zadd" : r.contains("opsforset") ? "sadd" : r.contains("opsforstream") ? "xadd" : "",
                                                   "put": "hset", "entries": "hgetall", "remove": r.contains("opsforzset") ? "zrem" : r.contains("opsforset") ? "srem" : "",
                                                   "members": "smembers", "size": r.contains("opsforlist") ? "llen" : r.contains("opsforzset") ? "zcard" : "scard",
                                                   "score": "zscore", "reversrange": "zrevrange", "reverserange": "zrevrange", "rangebyscore": "zrangebyscore", "multiget": "mget"]
                    if let c = table[lowerMethod], !c.isEmpty { cmd = c }
                } else if cmd != nil && !isClientReceiver(recv) {
                    cmd = nil
                }
                if let c = cmd {
                    calls.append(CallSite(command: c.uppercased(), offset: nameStart, args: args, receiver: recv))
                    budget -= 1
                }
            }
            i = e
        }
    }

    mutating func findURLs() {
        for r in src.strings where r.count >= 8 {
            let b = src.bytes
            let s = r.lowerBound
            if Lexer.startsWith(b, s, "redis://") || Lexer.startsWith(b, s, "rediss://") || Lexer.startsWith(b, s, "valkey://") || Lexer.startsWith(b, s, "valkeys://") {
                urls.append((s, r))
            }
        }
    }

    /// In configuration files URLs need no quotes: `REDIS_URL=redis://host:6379`.
    mutating func findConfigURLs() {
        for scheme in ["redis://", "rediss://", "valkey://", "valkeys://"] {
            for o in occurrences(scheme, limit: 200) {
                if o > 0 && FileAnalysis.isIdent(src.code[o - 1]) { continue }
                var e = o
                while e < src.code.count, !" \t\r\n\"'`,;)".utf8.contains(src.code[e]) { e += 1 }
                urls.append((o, o..<e))
            }
        }
        urls.sort { $0.offset < $1.offset }
    }

    static let envAccessors = ["process.env.", "process.env[", "os.environ[", "os.environ.get(", "os.getenv(", "getenv(", "os.Getenv(", "os.LookupEnv(",
                               "ENV[", "ENV.fetch(", "System.getenv(", "Environment.GetEnvironmentVariable(", "env::var(", "std::env::var(", "System.get_env(",
                               "$_ENV[", "$_SERVER[", "Deno.env.get(", "env(", "config(", "import.meta.env."]

    mutating func findEnvVars() {
        var seen = Set<Int>()
        for acc in FileAnalysis.envAccessors {
            let accBytes = Array(acc.utf8)
            for o in occurrences(acc, limit: 200) {
                let after = o + accBytes.count
                var nameRange: Range<Int>?
                if acc.hasSuffix(".") {
                    var e = after
                    while e < src.code.count && FileAnalysis.isIdent(src.code[e]) { e += 1 }
                    if e > after { nameRange = after..<e }
                } else if let s = src.firstString(after: after), s.lowerBound <= after + 3 {
                    nameRange = s
                }
                guard let r = nameRange, !seen.contains(r.lowerBound) else { continue }
                let name = text(r)
                guard name.count <= 80, name.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }), !name.isEmpty else { continue }
                let upper = name
                let relevant = upper.contains("REDIS") || upper.contains("UPSTASH") || upper.contains("VALKEY") || upper.contains("CACHE_URL") || upper.contains("KV_") || insideConstructorArgs(o)
                if relevant { seen.insert(r.lowerBound); envVars.append((name, r.lowerBound)) }
            }
        }
        if constructions.contains(where: { $0.pattern == "Redis.fromEnv(" || $0.pattern == "Redis.from_env(" }) {
            let o = constructions.first { $0.pattern == "Redis.fromEnv(" || $0.pattern == "Redis.from_env(" }!.offset
            envVars.append(("UPSTASH_REDIS_REST_URL", o))
            envVars.append(("UPSTASH_REDIS_REST_TOKEN", o))
        }
    }

    func insideConstructorArgs(_ o: Int) -> Bool {
        constructions.contains { c in c.args.map { $0.contains(o) } ?? false }
    }

    mutating func findLoops() {
        let lang = src.language
        switch lang {
        case .python, .ruby, .elixir:
            for l in 1...src.lineStarts.count {
                let t = codeText(src.lineRange(l)).trimmedSpaces()
                let isLoop: Bool
                if lang == .python {
                    isLoop = (t.hasPrefix("for ") || t.hasPrefix("async for ") || t.hasPrefix("while ")) && t.hasSuffix(":")
                } else if lang == .ruby {
                    isLoop = t.hasPrefix("for ") || t.hasPrefix("while ") || t.hasPrefix("until ") || t.hasPrefix("loop do") || t.contains(".each") || t.contains(".times do") || t.contains(".map do") || t.contains(".each_with_index")
                } else {
                    isLoop = t.hasPrefix("for ") || t.contains("Enum.each(") || t.contains("Enum.map(")
                }
                guard isLoop else { continue }
                let base = indent(line: l)
                var end = l
                var k = l + 1
                while k <= src.lineStarts.count {
                    if !isBlank(line: k) {
                        if indent(line: k) <= base { break }
                        end = k
                    }
                    k += 1
                }
                let bodyStart = src.lineRange(l).upperBound
                let bodyEnd = src.lineRange(end).upperBound
                if end > l { loops.append(bodyStart..<bodyEnd) }
                // One-liners: `keys.each { |k| redis.get(k) }`
                if end == l {
                    let lr = src.lineRange(l)
                    if let brace = src.code[lr].firstIndex(of: 123) { loops.append(brace..<lr.upperBound) }
                }
            }
        default:
            for kw in ["for", "while", "foreach", "forEach(", "map(", "forEach (", "times(", "each("] {
                for o in occurrences(kw) {
                    let kb = Array(kw.utf8)
                    var p = o + kb.count
                    if kw.hasSuffix("(") {
                        // .forEach(cb) — the callback is the loop body.
                        guard o > 0, src.code[o - 1] == 46, let close = matching(p - 1) else { continue }
                        loops.append(p..<close)
                        continue
                    }
                    guard p < src.code.count, !FileAnalysis.isIdent(src.code[p]) else { continue }
                    while p < src.code.count && (src.code[p] == 32 || src.code[p] == 9) { p += 1 }
                    var q = p
                    if p < src.code.count && src.code[p] == 40, let close = matching(p) { q = close + 1 }
                    // Find the body's opening brace within a short distance (Go has no parentheses).
                    var k = q
                    var found: Int?
                    while k < min(src.code.count, q + 300) {
                        let c = src.code[k]
                        if c == 123 { found = k; break }
                        if c == 59 && kw != "for" { break }
                        k += 1
                    }
                    if let open = found, let close = matching(open) { loops.append((open + 1)..<close) }
                }
            }
        }
    }

    func inLoop(_ o: Int) -> Range<Int>? { loops.filter { $0.contains(o) }.min { $0.count < $1.count } }
}
