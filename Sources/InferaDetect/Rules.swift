import InferaDiagnostics

/// An example of code a rule must (or must not) flag; the generic rule test runs every one.
public struct RuleExample: Sendable {
    public let language: Language
    public let code: String
    public let triggers: Bool
    /// File name used when the example is analysed (some rules look at it, e.g. `.env`).
    public let fileName: String

    static func yes(_ language: Language, _ code: String, file: String? = nil) -> RuleExample {
        RuleExample(language: language, code: code, triggers: true, fileName: file ?? RuleExample.defaultName(language))
    }
    static func no(_ language: Language, _ code: String, file: String? = nil) -> RuleExample {
        RuleExample(language: language, code: code, triggers: false, fileName: file ?? RuleExample.defaultName(language))
    }

    static func defaultName(_ l: Language) -> String {
        switch l {
        case .javascript: "src/app.js"
        case .python: "app/main.py"
        case .go: "cmd/server/main.go"
        case .ruby: "app/models/cache.rb"
        case .java: "src/main/java/App.java"
        case .kotlin: "src/main/kotlin/App.kt"
        case .csharp: "Services/Cache.cs"
        case .php: "src/Cache.php"
        case .rust: "src/main.rs"
        case .elixir: "lib/app/cache.ex"
        case .scala: "src/main/scala/App.scala"
        case .config: "config/app.yaml"
        case .docs: "README.md"
        }
    }
}

/// One classic Redis mistake: identity, severity, advice, examples, and the check itself.
public struct MistakeRule: Sendable {
    public let id: String
    public let title: String
    public let severity: Severity
    public let message: String
    public let fix: String
    public let examples: [RuleExample]
    let check: @Sendable (FileAnalysis) -> [Int]

    /// Runs the rule on one analysed file; the offsets of every hit.
    func hits(_ a: FileAnalysis) -> [Int] { check(a) }
}

/// Helpers shared by the rules.
enum RuleSupport {
    /// Host of a redis URL, nil when templated or absent.
    static func host(ofURL url: String) -> String? {
        guard let r = url.range(of: "://") else { return nil }
        var rest = url[r.upperBound...]
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        let host = rest.prefix { $0 != ":" && $0 != "/" && $0 != "?" && $0 != "," }
        if host.isEmpty || host.contains("$") || host.contains("{") || host.contains("%") || host.contains("<") { return nil }
        return String(host)
    }

    static func isLocal(_ host: String) -> Bool {
        let h = host.lowercased()
        if h == "localhost" || h.hasPrefix("127.") || h == "0.0.0.0" || h == "[::1]" || h == "::1" || h == "host.docker.internal" { return true }
        if h.hasSuffix(".local") || h.hasSuffix(".localhost") || h.hasSuffix(".svc") || h.hasSuffix(".svc.cluster.local") || h.hasSuffix(".internal") { return true }
        // A bare service name (compose, Kubernetes) is on a private network.
        return !h.contains(".")
    }

    /// The password in a URL's userinfo, if any (`redis://:pw@h`, `redis://user:pw@h`).
    static func password(ofURL url: String) -> Substring? {
        guard let r = url.range(of: "://") else { return nil }
        let rest = url[r.upperBound...]
        guard let at = rest.lastIndex(of: "@") else { return nil }
        let userinfo = rest[..<at]
        if let colon = userinfo.firstIndex(of: ":") { return userinfo[userinfo.index(after: colon)...] }
        return nil
    }

    static func isPlaceholder<S: StringProtocol>(_ s: S) -> Bool {
        let v = s.lowercased()
        if v.isEmpty { return true }
        if v.contains("$") || v.contains("{") || v.contains("%") || v.contains("<") || v.contains("*") { return true }
        return ["password", "pass", "secret", "changeme", "yourpassword", "your-password", "your_password", "xxx", "xxxx", "token", "your-token", "..."].contains(v)
    }

    static let envFile: @Sendable (String) -> Bool = { path in
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.hasPrefix(".env") || name.hasSuffix(".env")
    }

    /// The identifiers in an argument text.
    static func identifiers(_ s: String) -> [String] {
        s.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init).filter { $0.first?.isLetter ?? false }
    }

    static let serializers = ["JSON.stringify(", "json.dumps(", "json.Marshal(", "pickle.dumps(", "serialize(", "JsonSerializer.Serialize(", "JsonConvert.SerializeObject(",
                              "to_json", "Marshal.dump(", "writeValueAsString(", "msgpack.packb(", "orjson.dumps(", "serde_json::to_string(", "Jason.encode!("]
    static let collectionMarkers = ["findAll", "findMany", ".all()", ".all", "find({})", ".find()", "getAll", "SELECT *", "select *", "fetchall", "fetch_all", "ToList()", "ToListAsync()", "listAll", "Repo.all", "scan(", "collect::<Vec"]

    static func hasCollectionMarker(_ s: String) -> Bool { collectionMarkers.contains { s.contains($0) } }

    static let blockingConsumers: Set<String> = ["BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "XREAD", "XREADGROUP", "SUBSCRIBE", "PSUBSCRIBE", "SCAN", "HSCAN", "SSCAN", "ZSCAN", "PING", "WATCH", "EVAL", "EVALSHA"]

    /// Name of the function enclosing `offset` (best effort), and whether a decorator/annotation marks it as a factory.
    static func enclosingFunction(_ a: FileAnalysis, _ offset: Int) -> (name: String, factoryAnnotated: Bool) {
        let line = a.line(offset)
        var l = line
        let keywords = ["func ", "function ", "def ", "fun ", "fn ", "async function ", "defp ", "sub "]
        while l >= 1 && line - l < 60 {
            let t = a.codeText(a.src.lineRange(l)).trimmedSpaces()
            var name: String?
            for k in keywords {
                if let r = t.range(of: k), r.lowerBound == t.startIndex || t[t.index(before: r.lowerBound)] == " " {
                    var rest = t[r.upperBound...]
                    if rest.hasPrefix("(") , let close = rest.firstIndex(of: ")") { rest = rest[rest.index(after: close)...].drop { $0 == " " } }
                    name = String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                    break
                }
            }
            // Java/C#/PHP methods: `public Jedis jedis() {`, `private static void handle(...) {`
            if name == nil, [.java, .csharp, .kotlin, .php, .scala].contains(a.src.language), t.contains("("), t.hasSuffix("{") || t.hasSuffix(")"),
               !t.hasPrefix("if") && !t.hasPrefix("for") && !t.hasPrefix("while") && !t.hasPrefix("switch") && !t.hasPrefix("try") && !t.hasPrefix("catch") && !t[..<(t.firstIndex(of: "(") ?? t.endIndex)].contains("=") && !t.hasPrefix("return") && !t.hasPrefix("new ") && !t.hasPrefix("using") && !t.hasPrefix("await") {
                let head = t[..<(t.firstIndex(of: "(") ?? t.endIndex)]
                name = head.split(separator: " ").last.map(String.init)
            }
            if let n = name, !n.isEmpty || t.contains("=>") {
                var annotated = false
                var k = l - 1
                while k >= 1 && l - k <= 3 {
                    let p = a.codeText(a.src.lineRange(k)).trimmedSpaces()
                    if p.hasPrefix("@") || p.hasPrefix("[") { if p.contains("Bean") || p.contains("Provides") || p.contains("cache") || p.contains("lru_cache") || p.contains("singleton") || p.contains("Singleton") { annotated = true } }
                    else if !p.isEmpty { break }
                    k -= 1
                }
                return (n, annotated)
            }
            if t.contains("=>") { return ("", false) }
            l -= 1
        }
        return ("", false)
    }

    static let factoryPrefixes = ["main", "init", "setup", "set_up", "new", "create", "make", "build", "connect", "configure", "provide", "bootstrap", "open", "start", "register", "__init__", "initialize", "get_redis_pool", "lazy", "load", "mount", "on_startup", "startup", "application", "module", "bean", "redisconnectionfactory", "jedisconnectionfactory", "lettuceconnectionfactory", "redistemplate", "redisclient", "clientfor", "pool"]
}

/// The mistake rules from the seed's "Common mistakes", each with examples that the generic test runs.
public enum MistakeRules {
    public static let all: [MistakeRule] = [keys, clientPerRequest, noTTL, plaintext, noPassword, hardcodedSecret, noErrorHandler, loopWithoutPipeline, largeValue, noPool,
                                            clusterMultiKey, selectDatabase]

    public static func rule(_ id: String) -> MistakeRule? { all.first { $0.id == id } }

    // 1
    public static let keys = MistakeRule(
        id: "redis.keys-command", title: "KEYS in application code", severity: .error,
        message: "KEYS walks the whole keyspace and blocks the server while it runs",
        fix: "Iterate with SCAN (scanStream / scan_iter / Scan cursor) and a MATCH pattern, or keep an index set of the keys you need",
        examples: [
            .yes(.javascript, "const Redis = require('ioredis');\nconst redis = new Redis(process.env.REDIS_URL);\nasync function purge() {\n  const ks = await redis.keys('user:*');\n  return ks;\n}"),
            .yes(.python, "import redis\nr = redis.Redis()\nfor k in r.keys('session:*'):\n    print(k)"),
            .yes(.go, "import \"github.com/redis/go-redis/v9\"\nvar rdb = redis.NewClient(&redis.Options{})\nfunc all(ctx context.Context) []string {\n\tks, _ := rdb.Keys(ctx, \"user:*\").Result()\n\treturn ks\n}"),
            .yes(.go, "import \"github.com/gomodule/redigo/redis\"\nfunc all(conn redis.Conn) {\n\tconn.Do(\"KEYS\", \"user:*\")\n}"),
            .no(.javascript, "const Redis = require('ioredis');\nconst redis = new Redis(process.env.REDIS_URL);\nconst stream = redis.scanStream({ match: 'user:*' });\nconst names = Object.keys(config);"),
            .no(.python, "import redis\nr = redis.Redis()\nfor k in r.scan_iter('session:*'):\n    print(k)\nd = {}\nprint(d.keys())"),
        ],
        check: { a in a.calls.filter { $0.command == "KEYS" }.map(\.offset) })

    // 2
    public static let clientPerRequest = MistakeRule(
        id: "redis.client-per-request", title: "Client created per request", severity: .error,
        message: "a Redis client is created inside a function that runs per request or per call; every call opens a new connection",
        fix: "Create one client (or pool) at start-up, share it, and close it on shutdown",
        examples: [
            .yes(.javascript, "import Redis from 'ioredis';\nexport function getRedis() {\n  return new Redis(process.env.REDIS_URL);\n}"),
            .yes(.javascript, "import Redis from 'ioredis';\napp.get('/user/:id', async (req, res) => {\n  const redis = new Redis(process.env.REDIS_URL);\n  res.json(await redis.get(req.params.id));\n});"),
            .yes(.python, "import redis\ndef get_user(uid):\n    r = redis.Redis(host='localhost')\n    return r.get(uid)"),
            .yes(.go, "import \"github.com/redis/go-redis/v9\"\nfunc handler(w http.ResponseWriter, r *http.Request) {\n\trdb := redis.NewClient(&redis.Options{Addr: \"localhost:6379\"})\n\trdb.Get(r.Context(), \"k\")\n}"),
            .yes(.java, "import redis.clients.jedis.Jedis;\nclass Handler {\n  String get(String k) {\n    Jedis jedis = new Jedis(\"localhost\", 6379);\n    return jedis.get(k);\n  }\n}"),
            .no(.javascript, "import Redis from 'ioredis';\nconst redis = new Redis(process.env.REDIS_URL);\nexport default redis;"),
            .no(.python, "import redis\nredis_pool = None\nasync def init_redis():\n    global redis_pool\n    redis_pool = redis.from_url(os.environ['REDIS_URL'])"),
            .no(.go, "import \"github.com/redis/go-redis/v9\"\nvar client *redis.Client\nfunc Init() {\n\tclient = redis.NewClient(opt)\n}\nfunc main() {\n\trdb := redis.NewClient(&redis.Options{})\n\t_ = rdb\n}"),
            .no(.ruby, "require 'redis'\ndef redis\n  @redis ||= Redis.new(url: ENV['REDIS_URL'])\nend"),
        ],
        check: { a in
            a.constructions.compactMap { c in
                guard a.insideFunction(c.offset) else { return nil }
                if c.pattern.contains("start_link") || c.pattern.contains("Queue(") || c.pattern.contains("Worker(") || c.pattern.contains("AddStackExchangeRedisCache") { return nil }
                // Accessors that hand out a shared, pooled connection (or register one at start-up), not new clients.
                if FileAnalysis.sharedAccessors.contains(c.pattern) { return nil }
                let lhs = c.assignedTo
                let lineText = a.codeText(a.src.lineRange(a.line(c.offset)))
                var local = false
                switch c.binding {
                case "return": local = true
                case ":=": local = true
                case "=":
                    if lhs.isEmpty || lhs.contains(".") || lhs.contains("@") || lhs.contains(">") || lhs.first?.isUppercase == true { break }
                    switch a.src.language {
                    case .javascript: local = lineText.contains("const ") || lineText.contains("let ") || lineText.contains("var ")
                    case .python:
                        local = !a.codeText(max(0, c.offset - 400)..<c.offset).contains("global \(lhs)") && !a.codeText(max(0, c.offset - 400)..<c.offset).contains("nonlocal \(lhs)")
                    case .ruby, .php, .elixir: local = !lhs.hasPrefix("$") || a.src.language == .php
                    case .go: local = false
                    default:
                        let before = lineText.trimmedSpaces()
                        let parts = before.split(separator: "=").first?.split(separator: " ") ?? []
                        local = parts.count >= 2 && !before.hasPrefix("this.")
                    }
                default: break
                }
                guard local else { return nil }
                let (name, annotated) = RuleSupport.enclosingFunction(a, c.offset)
                if annotated { return nil }
                let lname = name.lowercased()
                if lname.hasPrefix("test") || lname.hasPrefix("bench") { return nil }
                if RuleSupport.factoryPrefixes.contains(where: { lname.hasPrefix($0) }) && !(c.binding == "return" && lname.hasPrefix("get")) { return nil }
                if a.src.language == .python && lname.hasPrefix("get_") && lname.hasSuffix("client") { return nil }
                return c.offset
            }
        })

    // 3
    public static let noTTL = MistakeRule(
        id: "redis.cache-write-without-ttl", title: "Cache write without a TTL", severity: .warning,
        message: "SET without an expiry: the key lives until it is deleted or evicted, so memory grows without bound",
        fix: "Pass an expiry with the write (SET key value EX seconds / setex / ex= / time.Duration) or call EXPIRE right after",
        examples: [
            .yes(.javascript, "const Redis = require('ioredis');\nconst redis = new Redis();\nasync function save(id, user) {\n  await redis.set(`user:${id}`, JSON.stringify(user));\n}"),
            .yes(.python, "import redis\nr = redis.Redis()\ndef save(k, v):\n    r.set(k, v)"),
            .yes(.go, "import \"github.com/redis/go-redis/v9\"\nvar rdb = redis.NewClient(&redis.Options{})\nfunc save(ctx context.Context, k, v string) {\n\trdb.Set(ctx, k, v, 0)\n}"),
            .no(.javascript, "const Redis = require('ioredis');\nconst redis = new Redis();\nasync function save(id, user) {\n  await redis.set(`user:${id}`, JSON.stringify(user), 'EX', 3600);\n  await redis.setex('a', 60, 'b');\n}"),
            .no(.python, "import redis\nr = redis.Redis()\ndef save(k, v):\n    r.set(k, v, ex=300)\n    r.set('x', 1)\n    r.expire('x', 60)"),
            .no(.go, "import \"github.com/redis/go-redis/v9\"\nvar rdb = redis.NewClient(&redis.Options{})\nfunc save(ctx context.Context, k, v string) {\n\trdb.Set(ctx, k, v, time.Hour)\n}"),
        ],
        check: { a in
            a.calls.compactMap { call in
                guard call.command == "SET", let args = call.args else { return nil }
                let parts = a.splitArgs(args)
                let text = a.text(args)
                let markers = ["EX", "PX", "ex=", "px=", "ex:", "px:", "EX:", "PX:", "expiration", "Expiration", "TimeSpan", "Duration", "time.", "timeout", "ttl", "TTL", "Ttl", "expire", "Expire", "KEEPTTL", "keepttl", "KeepTTL", "SetArgs", "SetParams", "SetOptions", "expiry", "Expiry", "keepTtl"]
                if a.src.language == .go {
                    if parts.count >= 4 {
                        let last = a.text(parts[3]).trimmedSpaces()
                        if last != "0" && last != "redis.KeepTTL" { return nil }
                    } else { return nil }
                } else {
                    if markers.contains(where: { m in text.contains(m) }) { return nil }
                    if a.src.language == .javascript || a.src.language == .java || a.src.language == .csharp || a.src.language == .kotlin {
                        if parts.count >= 3 { return nil }
                    }
                    if parts.count < 2 { return nil }
                }
                // EXPIRE on the following lines counts.
                let l = a.line(call.offset)
                let endLine = min(a.src.lineStarts.count, l + 3)
                let follow = a.codeText(a.src.lineRange(l).lowerBound..<a.src.lineRange(endLine).upperBound).lowercased()
                if follow.contains(".expire") || follow.contains(".pexpire") || follow.contains("keyexpire") { return nil }
                return call.offset
            }
        })

    // 4
    public static let plaintext = MistakeRule(
        id: "redis.plaintext-remote-url", title: "No TLS to a remote Redis", severity: .warning,
        message: "a redis:// URL points at a remote host: commands, data and the password travel in plain text",
        fix: "Use rediss:// (TLS) and enable transit encryption on the server",
        examples: [
            .yes(.python, "import redis\nr = redis.from_url('redis://:s3cret@cache.prod.example.com:6379/0')"),
            .yes(.config, "REDIS_URL=redis://prod-cache.abc123.use1.cache.amazonaws.com:6379\n", file: ".env.example"),
            .no(.python, "import redis\nr = redis.from_url('rediss://:pw@cache.prod.example.com:6380/0')\nlocal = redis.from_url('redis://localhost:6379')\nsvc = redis.from_url('redis://redis:6379')"),
            .no(.config, "REDIS_URL=redis://localhost:6379\n", file: ".env"),
        ],
        check: { a in
            a.urls.compactMap { u in
                let url = a.text(u.range)
                guard url.hasPrefix("redis://") || url.hasPrefix("valkey://"), let h = RuleSupport.host(ofURL: url), !RuleSupport.isLocal(h) else { return nil }
                return u.offset
            }
        })

    // 5
    public static let noPassword = MistakeRule(
        id: "redis.no-password", title: "No password", severity: .warning,
        message: "the connection to a remote Redis has no password: anyone who reaches the port can read and write",
        fix: "Enable AUTH (or ACL users) on the server and read the password from the environment or a secret manager",
        examples: [
            .yes(.javascript, "const Redis = require('ioredis');\nconst redis = new Redis('rediss://cache.prod.example.com:6380');"),
            .yes(.javascript, "const Redis = require('ioredis');\nconst redis = new Redis({ host: 'cache.prod.example.com', port: 6379 });"),
            .no(.javascript, "const Redis = require('ioredis');\nconst redis = new Redis({ host: 'cache.prod.example.com', port: 6379, password: process.env.REDIS_PASSWORD });\nconst local = new Redis('redis://localhost:6379');"),
        ],
        check: { a in
            var out: [Int] = a.urls.compactMap { u in
                let url = a.text(u.range)
                guard let h = RuleSupport.host(ofURL: url), !RuleSupport.isLocal(h) else { return nil }
                if let pw = RuleSupport.password(ofURL: url), !pw.isEmpty { return nil }
                if url.contains("@"), !url.contains("://default@") , !url.contains("://@") { return nil }
                return u.offset
            }
            for c in a.constructions {
                guard let args = c.args else { continue }
                let t = a.text(args)
                let lower = t.lowercased()
                guard lower.contains("host") || lower.contains("addr") else { continue }
                if lower.contains("password") || lower.contains("auth") || lower.contains("token") || lower.contains("url") || lower.contains("credentials") { continue }
                // A literal remote host in the options.
                if let s = a.src.strings.first(where: { args.contains($0.lowerBound) && { let v = a.text($0); return v.contains(".") && !RuleSupport.isLocal(v.split(separator: ":").first.map(String.init) ?? v) && !v.contains("/") }($0) }) {
                    _ = s
                    out.append(c.offset)
                }
            }
            return out
        })

    // 6
    public static let hardcodedSecret = MistakeRule(
        id: "redis.hardcoded-secret", title: "Password or token in source", severity: .error,
        message: "a Redis password or REST token is written in the repository",
        fix: "Read it from the environment (REDIS_URL / REDIS_PASSWORD / UPSTASH_REDIS_REST_TOKEN) or a secret manager, and rotate the leaked one",
        examples: [
            .yes(.python, "import redis\nr = redis.Redis(host='cache.internal', password='hunter2-prod')"),
            .yes(.javascript, "import { Redis } from '@upstash/redis';\nconst redis = new Redis({ url: 'https://eu1-fine-cat-1234.upstash.io', token: 'AXlkASQgZmFrZS10b2tlbg' });"),
            .yes(.go, "import \"github.com/redis/go-redis/v9\"\nvar rdb = redis.NewClient(&redis.Options{Addr: \"cache:6379\", Password: \"Sup3rS3cret\"})"),
            .yes(.config, "spring.data.redis.password=Sup3rS3cret\n", file: "src/main/resources/application.properties"),
            .no(.python, "import redis, os\nr = redis.Redis(host='cache.internal', password=os.environ['REDIS_PASSWORD'])\nu = redis.from_url('redis://:${REDIS_PASSWORD}@cache:6379')"),
            .no(.config, "REDIS_PASSWORD=hunter2\n", file: ".env"),
            .no(.config, "spring.data.redis.password=${REDIS_PASSWORD}\n", file: "src/main/resources/application.properties"),
        ],
        check: { a in
            if RuleSupport.envFile(a.src.path) { return [] }
            var out: [Int] = a.urls.compactMap { u in
                guard let pw = RuleSupport.password(ofURL: a.text(u.range)), !RuleSupport.isPlaceholder(pw) else { return nil }
                return u.offset
            }
            if a.src.language == .config {
                for (i, _) in a.src.lineStarts.enumerated() {
                    let t = a.codeText(a.src.lineRange(i + 1)).trimmedSpaces()
                    let lower = t.lowercased()
                    var value: Substring?
                    if lower.hasPrefix("requirepass ") { value = t.dropFirst(12) }
                    else if lower.contains("redis"), lower.contains("password") || lower.contains("token"), let sep = t.firstIndex(where: { $0 == "=" || $0 == ":" }) {
                        let key = t[..<sep].lowercased().trimmedSpaces()
                        let identifierLike = !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || "._-".contains($0) }
                        if identifierLike && (key.contains("password") || key.contains("token")) { value = t[t.index(after: sep)...] }
                    }
                    if var v = value?.trimmedSpaces() {
                        v = v.replacingAll("\"", "").replacingAll("'", "")
                        if !RuleSupport.isPlaceholder(v) { out.append(a.src.lineStarts[i] + (a.codeText(a.src.lineRange(i + 1)).utf8.count - t.utf8.count > 0 ? 0 : 0)) }
                    }
                }
                return out
            }
            let keys = ["password", "Password", "PASSWORD", "token", "Token", "passwd", "auth_token", "AuthToken"]
            for c in a.constructions {
                guard let args = c.args else { continue }
                for s in a.src.strings where args.contains(s.lowerBound) {
                    let before = a.codeText(max(args.lowerBound, s.lowerBound - 24)..<s.lowerBound)
                    let b = before.trimmedSpaces()
                    guard b.hasSuffix(":") || b.hasSuffix("=") || b.hasSuffix("=>") || b.hasSuffix("\"") || b.hasSuffix("'") else { continue }
                    let stripped = b.replacingAll("\"", "").replacingAll("'", "").trimmedSpaces()
                    guard keys.contains(where: { k in stripped.hasSuffix(k + ":") || stripped.hasSuffix(k + " :") || stripped.hasSuffix(k + "=") || stripped.hasSuffix(k + " =") || stripped.hasSuffix(k + " =>") || stripped.hasSuffix(k + "=>") }) else { continue }
                    let v = a.text(s)
                    if !RuleSupport.isPlaceholder(v) { out.append(s.lowerBound) }
                }
            }
            // AUTH with a literal: jedis.auth("x"), redis.auth('x')
            for call in a.occurrences(".auth(") {
                if let s = a.src.firstString(after: call), s.lowerBound <= call + 8, !RuleSupport.isPlaceholder(a.text(s)), a.isClientReceiver(a.receiver(before: call)) {
                    out.append(s.lowerBound)
                }
            }
            return out
        })

    // 7
    public static let noErrorHandler = MistakeRule(
        id: "redis.no-error-handler", title: "No error handler on the client", severity: .warning,
        message: "the client has no 'error' listener: a dropped connection emits an unhandled 'error' event that crashes the Node.js process",
        fix: "Add client.on('error', err => log(err)) (and a retryStrategy) where the client is created",
        examples: [
            .yes(.javascript, "import Redis from 'ioredis';\nconst redis = new Redis(process.env.REDIS_URL);\nexport default redis;"),
            .yes(.javascript, "import { createClient } from 'redis';\nconst client = createClient({ url: process.env.REDIS_URL });\nawait client.connect();"),
            .no(.javascript, "import Redis from 'ioredis';\nconst redis = new Redis(process.env.REDIS_URL);\nredis.on('error', (err) => console.error('Redis Error:', err));"),
            .no(.javascript, "import { Redis } from '@upstash/redis';\nconst redis = Redis.fromEnv();"),
        ],
        check: { a in
            // Only clients of ioredis / node-redis imported here (a local wrapper class may attach its own listener).
            guard a.src.language == .javascript, !a.usesUpstash, a.imports.contains(where: { $0.library == "ioredis" || $0.library == "redis" }) else { return [] }
            let clients = a.constructions.filter { ["new Redis(", "new IORedis(", "new Redis.Cluster(", "new Cluster(", "createClient(", "createCluster("].contains($0.pattern) }
            guard let first = clients.first else { return [] }
            for o in a.occurrences("on(") where o > 0 && a.src.code[o - 1] == 46 {
                if let s = a.src.firstString(after: o), s.lowerBound <= o + 5, a.text(s) == "error" { return [] }
            }
            return [first.offset]
        })

    // 8
    public static let loopWithoutPipeline = MistakeRule(
        id: "redis.loop-without-pipeline", title: "Commands in a loop without a pipeline", severity: .warning,
        message: "a command is issued once per loop iteration: one network round trip each",
        fix: "Batch the loop with a pipeline (pipeline()/multi(), Pipelined, MGET/MSET) and execute once",
        examples: [
            .yes(.javascript, "const Redis = require('ioredis');\nconst redis = new Redis();\nasync function warm(users) {\n  for (const u of users) {\n    await redis.set(`user:${u.id}`, u.name, 'EX', 60);\n  }\n}"),
            .yes(.python, "import redis\nr = redis.Redis()\ndef warm(users):\n    for u in users:\n        r.setex(f'user:{u.id}', 60, u.name)"),
            .no(.javascript, "const Redis = require('ioredis');\nconst redis = new Redis();\nasync function warm(users) {\n  const pipe = redis.pipeline();\n  for (const u of users) {\n    pipe.set(`user:${u.id}`, u.name, 'EX', 60);\n  }\n  await pipe.exec();\n}"),
            .no(.python, "import redis\nr = redis.Redis()\ndef worker():\n    while True:\n        job = r.brpop('jobs', timeout=5)\n        handle(job)"),
        ],
        check: { a in
            var reported = Set<Int>()
            var out: [Int] = []
            for call in a.calls {
                guard !RuleSupport.blockingConsumers.contains(call.command), let loop = a.inLoop(call.offset), !reported.contains(loop.lowerBound) else { continue }
                let recv = call.receiver.lowercased()
                let last = call.receiver.split(whereSeparator: { $0 == "." || $0 == ">" }).last.map(String.init) ?? call.receiver
                if a.pipelineNames.contains(last) || recv.contains("pipe") || recv.contains("multi") || recv.contains("batch") || recv.contains("tx") || recv.contains("transaction") { continue }
                let body = a.codeText(loop).lowercased()
                if body.contains("pipeline(") || body.contains("pipelined(") || body.contains("multi(") { continue }
                // A SCAN cursor loop works page by page: one command per page is the point.
                if a.calls.contains(where: { ["SCAN", "HSCAN", "SSCAN", "ZSCAN"].contains($0.command) && (loop.contains($0.offset) || (loop.lowerBound - $0.offset < 200 && $0.offset < loop.lowerBound)) }) { continue }
                reported.insert(loop.lowerBound)
                out.append(call.offset)
            }
            return out
        })

    // 9
    public static let largeValue = MistakeRule(
        id: "redis.large-value", title: "Whole collection serialised into one key", severity: .warning,
        message: "a whole collection is serialised into a single value: large values block the server and are re-read in full on every hit",
        fix: "Store items under their own keys (or a hash) with small values, and page through them",
        examples: [
            .yes(.javascript, "const Redis = require('ioredis');\nconst redis = new Redis();\nasync function cacheUsers() {\n  const users = await prisma.user.findMany();\n  await redis.set('users:all', JSON.stringify(users), 'EX', 60);\n}"),
            .yes(.python, "import redis, json\nr = redis.Redis()\ndef cache_all():\n    r.setex('products', 300, json.dumps(list(Product.objects.all().values())))"),
            .no(.javascript, "const Redis = require('ioredis');\nconst redis = new Redis();\nasync function cacheUser(id) {\n  const user = await prisma.user.findUnique({ where: { id } });\n  await redis.set(`user:${id}`, JSON.stringify(user), 'EX', 60);\n}"),
        ],
        check: { a in
            a.calls.compactMap { call in
                guard ["SET", "SETEX", "PSETEX", "HSET", "GETSET", "LPUSH", "RPUSH"].contains(call.command), let args = call.args else { return nil }
                let t = a.text(args)
                guard RuleSupport.serializers.contains(where: { t.contains($0) }) else { return nil }
                if RuleSupport.hasCollectionMarker(t) { return call.offset }
                let ids = Set(RuleSupport.identifiers(t))
                let l = a.line(call.offset)
                var k = l - 1
                while k >= 1 && l - k <= 8 {
                    let lt = a.codeText(a.src.lineRange(k))
                    if RuleSupport.hasCollectionMarker(lt), let eq = lt.firstIndex(of: "=") {
                        let lhs = RuleSupport.identifiers(String(lt[..<eq]))
                        if let v = lhs.last, ids.contains(v) { return call.offset }
                    }
                    k -= 1
                }
                return nil
            }
        })

    // 10
    public static let noPool = MistakeRule(
        id: "redis.no-connection-pool", title: "No connection pooling", severity: .warning,
        message: "this client is a single, non-thread-safe connection; concurrent requests need a pool",
        fix: "Use JedisPool/JedisPooled (Java) or a redigo redis.Pool (Go), created once at start-up",
        examples: [
            .yes(.java, "import redis.clients.jedis.Jedis;\npublic class Cache {\n  private final Jedis jedis = new Jedis(\"cache\", 6379);\n}"),
            .yes(.go, "import \"github.com/gomodule/redigo/redis\"\nfunc get(k string) {\n\tc, _ := redis.Dial(\"tcp\", \"cache:6379\")\n\tdefer c.Close()\n}"),
            .no(.java, "import redis.clients.jedis.JedisPooled;\npublic class Cache {\n  private final JedisPooled jedis = new JedisPooled(\"cache\", 6379);\n}"),
            .no(.go, "import \"github.com/gomodule/redigo/redis\"\nvar pool = &redis.Pool{Dial: func() (redis.Conn, error) { return redis.Dial(\"tcp\", \"cache:6379\") }}"),
        ],
        check: { a in
            let code = String(decoding: a.src.code, as: UTF8.self)
            return a.constructions.compactMap { c in
                switch c.pattern {
                case "new Jedis(", "Jedis(":
                    return code.contains("JedisPool") ? nil : c.offset
                case "redis.Dial(", "redis.DialURL(":
                    return code.contains("redis.Pool") ? nil : c.offset
                default: return nil
                }
            }
        })
}
