/// One Redis-related library the detector knows, per ecosystem.
public struct CatalogueEntry: Sendable, Hashable {
    /// Display name, e.g. `go-redis`.
    public let name: String
    public let ecosystem: String
    /// Package names as manifests spell them (lower-cased). Go module paths match as prefixes.
    public let packages: [String]
    /// `client`, `queue`, `session`, `cache`, `rate_limiter`, `lock`, `pubsub`, `mock`.
    public let kind: String
    /// Roles the library implies on its own.
    public let roles: [Role]
    /// True for fakes and in-memory stand-ins used by tests.
    public var isMock: Bool { kind == "mock" }

    init(_ name: String, _ ecosystem: String, _ packages: [String], _ kind: String = "client", roles: [Role] = []) {
        self.name = name
        self.ecosystem = ecosystem
        self.packages = packages
        self.kind = kind
        self.roles = roles
    }
}

/// The library catalogue: Redis clients, and libraries that use Redis for queues, sessions, caches and limits.
public enum Catalogue {
    public static let entries: [CatalogueEntry] = [
        // npm
        .init("ioredis", "npm", ["ioredis"]),
        .init("redis", "npm", ["redis", "@redis/client"]),
        .init("@upstash/redis", "npm", ["@upstash/redis"]),
        .init("bullmq", "npm", ["bullmq"], "queue", roles: [.queue]),
        .init("bull", "npm", ["bull", "bee-queue", "kue"], "queue", roles: [.queue]),
        .init("connect-redis", "npm", ["connect-redis"], "session", roles: [.session_store]),
        .init("rate-limit-redis", "npm", ["rate-limit-redis", "@upstash/ratelimit", "rate-limiter-flexible"], "rate_limiter", roles: [.rate_limiter]),
        .init("@socket.io/redis-adapter", "npm", ["@socket.io/redis-adapter", "socket.io-redis"], "pubsub", roles: [.pubsub]),
        .init("redlock", "npm", ["redlock"], "lock", roles: [.lock]),
        .init("cache-manager-redis", "npm", ["cache-manager-redis-store", "cache-manager-ioredis", "@keyv/redis", "cache-manager-redis-yet"], "cache", roles: [.cache]),
        .init("ioredis-mock", "npm", ["ioredis-mock", "redis-mock", "redis-memory-server"], "mock"),
        // PyPI
        .init("redis-py", "pypi", ["redis"]),
        .init("aioredis", "pypi", ["aioredis"]),
        .init("django-redis", "pypi", ["django-redis"], "cache", roles: [.cache]),
        .init("celery[redis]", "pypi", ["celery[redis]"], "queue", roles: [.queue]),
        .init("rq", "pypi", ["rq"], "queue", roles: [.queue]),
        .init("redis-om", "pypi", ["redis-om"]),
        .init("hiredis", "pypi", ["hiredis"]),
        .init("channels-redis", "pypi", ["channels-redis", "channels_redis"], "pubsub", roles: [.pubsub]),
        .init("arq", "pypi", ["arq"], "queue", roles: [.queue]),
        .init("fakeredis", "pypi", ["fakeredis"], "mock"),
        // Go
        .init("go-redis", "go", ["github.com/redis/go-redis", "github.com/go-redis/redis"]),
        .init("redigo", "go", ["github.com/gomodule/redigo", "github.com/garyburd/redigo"]),
        .init("rueidis", "go", ["github.com/redis/rueidis"]),
        .init("asynq", "go", ["github.com/hibiken/asynq"], "queue", roles: [.queue]),
        .init("miniredis", "go", ["github.com/alicebob/miniredis"], "mock"),
        // RubyGems
        .init("redis", "rubygems", ["redis", "redis-client", "hiredis-client"]),
        .init("sidekiq", "rubygems", ["sidekiq"], "queue", roles: [.queue]),
        .init("resque", "rubygems", ["resque"], "queue", roles: [.queue]),
        .init("kredis", "rubygems", ["kredis"]),
        .init("redis-rails", "rubygems", ["redis-rails", "redis-store", "redis-actionpack", "redis-session-store"], "session", roles: [.session_store]),
        .init("redis-namespace", "rubygems", ["redis-namespace"]),
        .init("mock_redis", "rubygems", ["mock_redis", "fakeredis"], "mock"),
        // Maven / Gradle
        .init("jedis", "maven", ["redis.clients:jedis"]),
        .init("lettuce", "maven", ["io.lettuce:lettuce-core", "biz.paluch.redis:lettuce"]),
        .init("spring-boot-starter-data-redis", "maven", ["org.springframework.boot:spring-boot-starter-data-redis", "org.springframework.boot:spring-boot-starter-data-redis-reactive", "org.springframework.data:spring-data-redis"]),
        .init("spring-session-data-redis", "maven", ["org.springframework.session:spring-session-data-redis"], "session", roles: [.session_store]),
        .init("redisson", "maven", ["org.redisson:redisson", "org.redisson:redisson-spring-boot-starter"]),
        .init("embedded-redis", "maven", ["it.ozimov:embedded-redis", "com.github.kstyrc:embedded-redis", "com.redis:testcontainers-redis", "com.redis.testcontainers:testcontainers-redis"], "mock"),
        // Packagist
        .init("predis", "packagist", ["predis/predis"]),
        .init("phpredis", "packagist", ["ext-redis"]),
        // crates.io
        .init("redis", "crates", ["redis"]),
        .init("deadpool-redis", "crates", ["deadpool-redis"]),
        .init("bb8-redis", "crates", ["bb8-redis"]),
        .init("fred", "crates", ["fred"]),
        // NuGet
        .init("StackExchange.Redis", "nuget", ["stackexchange.redis", "microsoft.extensions.caching.stackexchangeredis"]),
        .init("ServiceStack.Redis", "nuget", ["servicestack.redis"]),
        // Hex
        .init("redix", "hex", ["redix"]),
        .init("eredis", "hex", ["eredis"]),
    ]

    /// The entry for a package name in an ecosystem, if any. Python names are normalised (PEP 503),
    /// Go module paths match by prefix, NuGet case-insensitively.
    public static func lookup(_ package: String, ecosystem: String) -> CatalogueEntry? {
        var key = package.lowercased()
        if ecosystem == "pypi" { key = normalisePython(key) }
        for e in entries where e.ecosystem == ecosystem {
            for p in e.packages {
                if ecosystem == "go" {
                    if key == p || key.hasPrefix(p + "/") { return e }
                } else if key == p {
                    return e
                }
            }
        }
        return nil
    }

    /// PEP 503 normalisation, keeping an extras suffix such as `[redis]`.
    static func normalisePython(_ s: String) -> String {
        var out = ""
        var lastDash = false
        for c in s {
            if c == "_" || c == "." || c == "-" {
                if !lastDash { out.append("-") }
                lastDash = true
            } else {
                out.append(c)
                lastDash = false
            }
        }
        return out
    }

    /// Project names that mean the repository *is* a Redis client, server or cache library.
    static func isRedisLibraryName(_ name: String, ecosystem: String) -> Bool {
        let n = name.lowercased()
        if lookup(n, ecosystem: ecosystem) != nil { return true }
        let known: Set<String> = ["redis", "valkey", "keydb", "dragonfly", "garnet", "kvrocks", "redis-server", "node-redis", "redis-py", "go-redis", "redis-rb", "redis-stack", "miniredis"]
        if known.contains(n) { return true }
        if let last = n.split(separator: "/").last, known.contains(String(last)) { return true }
        return false
    }
}
