/// One Redis-related library the detector knows, per ecosystem.
public struct CatalogueEntry: Sendable, Hashable {
    /// Display name, e.g. `go-redis`.
    public let name: String
    public let ecosystem: String
    /// Package names as manifests spell them (lower-cased). Go module paths match as prefixes.
    public let packages: [String]
    /// `client`, `queue`, `scheduler`, `session`, `cache`, `rate_limiter`, `lock`, `pubsub`, `namespace`, `unique_jobs`,
    /// `storage`, `hosting`, `framework`, `mock`.
    public let kind: String
    /// Roles the library implies on its own.
    public let roles: [Role]
    /// Redis only when configured so: the library (Celery, Flask-Caching, Django's cache framework, …) can use other
    /// backends; `resolvedBy` lists the setting keys (lower-case substrings) whose value decides it.
    public let conditional: Bool
    public let resolvedBy: [String]
    /// Reported only when the configuration selects Redis (web frameworks whose cache/queue/session layer can use Redis).
    public let onlyWhenResolved: Bool
    /// True for fakes and in-memory stand-ins used by tests.
    public var isMock: Bool { kind == "mock" }

    init(_ name: String, _ ecosystem: String, _ packages: [String], _ kind: String = "client", roles: [Role] = [],
         conditional: [String]? = nil, onlyWhenResolved: Bool = false) {
        self.name = name
        self.ecosystem = ecosystem
        self.packages = packages
        self.kind = kind
        self.roles = roles
        self.conditional = conditional != nil
        self.resolvedBy = conditional ?? []
        self.onlyWhenResolved = onlyWhenResolved
    }
}

/// The library catalogue: Redis clients, and libraries that use Redis for queues, sessions, caches, limits and locks,
/// including framework integrations whose name does not say Redis. Where the lists came from: docs/detect.md
/// ("Catalogue sources").
public enum Catalogue {
    public static let entries: [CatalogueEntry] = [
        // npm
        .init("ioredis", "npm", ["ioredis"]),
        .init("redis", "npm", ["redis", "@redis/client"]),
        .init("@upstash/redis", "npm", ["@upstash/redis"]),
        .init("nestjs-redis", "npm", ["@liaoliaots/nestjs-redis", "@nestjs-modules/ioredis", "@songkeys/nestjs-redis", "@nestjs-redis/client", "@adonisjs/redis"]),
        .init("bullmq", "npm", ["bullmq"], "queue", roles: [.queue]),
        .init("bull", "npm", ["bull", "bee-queue", "kue"], "queue", roles: [.queue]),
        .init("@nestjs/bullmq", "npm", ["@nestjs/bullmq", "@nestjs/bull"], "queue", roles: [.queue]),
        .init("bull-board", "npm", ["@bull-board/api"], "queue", roles: [.queue]),
        .init("connect-redis", "npm", ["connect-redis"], "session", roles: [.session_store]),
        .init("rate-limit-redis", "npm", ["rate-limit-redis", "@upstash/ratelimit"], "rate_limiter", roles: [.rate_limiter]),
        .init("rate-limiter-flexible", "npm", ["rate-limiter-flexible"], "rate_limiter", roles: [.rate_limiter], conditional: ["ratelimiterredis", "storeclient"]),
        .init("throttler-storage-redis", "npm", ["@nest-lab/throttler-storage-redis", "nestjs-throttler-storage-redis", "@nestjs-redis/throttler-storage"], "rate_limiter", roles: [.rate_limiter]),
        .init("@socket.io/redis-adapter", "npm", ["@socket.io/redis-adapter", "socket.io-redis", "@socket.io/redis-streams-adapter"], "pubsub", roles: [.pubsub]),
        .init("redlock", "npm", ["redlock", "@anchan828/nest-redlock"], "lock", roles: [.lock]),
        .init("cache-manager-redis", "npm", ["cache-manager-redis-store", "cache-manager-ioredis", "@keyv/redis", "cache-manager-redis-yet", "cache-manager-ioredis-yet", "@tirke/node-cache-manager-ioredis"], "cache", roles: [.cache]),
        .init("cache-manager", "npm", ["cache-manager", "@nestjs/cache-manager", "keyv"], "cache", roles: [.cache], conditional: ["keyvredis", "redisstore", "cache_store"]),
        .init("ioredis-mock", "npm", ["ioredis-mock", "redis-mock", "redis-memory-server"], "mock"),
        // PyPI
        .init("redis-py", "pypi", ["redis", "redis-py-cluster", "coredis", "redisvl"]),
        .init("aioredis", "pypi", ["aioredis"]),
        .init("django-redis", "pypi", ["django-redis"], "cache", roles: [.cache]),
        .init("celery[redis]", "pypi", ["celery[redis]"], "queue", roles: [.queue]),
        .init("celery", "pypi", ["celery", "kombu"], "queue", roles: [.queue], conditional: ["celery_broker_url", "broker_url", "celery_result_backend", "result_backend"]),
        .init("celery-redbeat", "pypi", ["celery-redbeat"], "scheduler", roles: [.queue]),
        .init("rq", "pypi", ["rq"], "queue", roles: [.queue]),
        .init("django-rq", "pypi", ["django-rq"], "queue", roles: [.queue]),
        .init("rq-scheduler", "pypi", ["rq-scheduler"], "scheduler", roles: [.queue]),
        .init("arq", "pypi", ["arq", "taskiq-redis"], "queue", roles: [.queue]),
        .init("dramatiq", "pypi", ["dramatiq", "huey"], "queue", roles: [.queue], conditional: ["redisbroker", "redishuey", "dramatiq_broker"]),
        .init("redis-om", "pypi", ["redis-om"]),
        .init("hiredis", "pypi", ["hiredis"]),
        .init("channels-redis", "pypi", ["channels-redis", "channels_redis"], "pubsub", roles: [.pubsub]),
        .init("flask-caching", "pypi", ["flask-caching", "aiocache", "fastapi-cache2"], "cache", roles: [.cache], conditional: ["cache_type", "cache_redis_url", "cache_redis_host"]),
        .init("flask-session", "pypi", ["flask-session"], "session", roles: [.session_store], conditional: ["session_type", "session_redis"]),
        .init("flask-limiter", "pypi", ["flask-limiter", "limits", "slowapi"], "rate_limiter", roles: [.rate_limiter], conditional: ["ratelimit_storage_uri", "storage_uri", "ratelimit_storage_url"]),
        .init("django", "pypi", ["django"], "framework", roles: [], conditional: ["caches", "session_engine"], onlyWhenResolved: true),
        .init("python-redis-lock", "pypi", ["python-redis-lock", "redlock-py", "pottery"], "lock", roles: [.lock]),
        .init("fakeredis", "pypi", ["fakeredis"], "mock"),
        // Go
        .init("go-redis", "go", ["github.com/redis/go-redis", "github.com/go-redis/redis"]),
        .init("redigo", "go", ["github.com/gomodule/redigo", "github.com/garyburd/redigo"]),
        .init("rueidis", "go", ["github.com/redis/rueidis"]),
        .init("go-zero redis", "go", ["github.com/zeromicro/go-zero/core/stores/redis", "github.com/gofiber/storage/redis", "github.com/beego/beego/v2/client/cache/redis", "github.com/gogf/gf/contrib/nosql/redis"], "storage"),
        .init("asynq", "go", ["github.com/hibiken/asynq"], "queue", roles: [.queue]),
        .init("gocraft/work", "go", ["github.com/gocraft/work", "github.com/adjust/rmq"], "queue", roles: [.queue]),
        .init("redsync", "go", ["github.com/go-redsync/redsync", "github.com/bsm/redislock"], "lock", roles: [.lock]),
        .init("go-redis/cache", "go", ["github.com/go-redis/cache", "github.com/eko/gocache/store/redis", "github.com/faabiosr/cachego/redis"], "cache", roles: [.cache]),
        .init("redis_rate", "go", ["github.com/go-redis/redis_rate", "github.com/ulule/limiter/v3/drivers/store/redis"], "rate_limiter", roles: [.rate_limiter]),
        .init("redisstore", "go", ["github.com/alexedwards/scs/redisstore", "github.com/rbcervilla/redisstore", "github.com/boj/redistore"], "session", roles: [.session_store]),
        .init("miniredis", "go", ["github.com/alicebob/miniredis"], "mock"),
        // RubyGems
        .init("redis", "rubygems", ["redis", "redis-client", "hiredis-client"]),
        .init("sidekiq", "rubygems", ["sidekiq", "sidekiq-pro", "sidekiq-ent"], "queue", roles: [.queue]),
        .init("sidekiq-cron", "rubygems", ["sidekiq-cron", "sidekiq-scheduler"], "scheduler", roles: [.queue]),
        .init("sidekiq-unique-jobs", "rubygems", ["sidekiq-unique-jobs"], "unique_jobs", roles: [.lock]),
        .init("resque", "rubygems", ["resque"], "queue", roles: [.queue]),
        .init("resque-scheduler", "rubygems", ["resque-scheduler"], "scheduler", roles: [.queue]),
        .init("kredis", "rubygems", ["kredis"]),
        .init("redis-rails", "rubygems", ["redis-rails", "redis-store", "redis-actionpack", "redis-session-store"], "session", roles: [.session_store]),
        .init("redis-namespace", "rubygems", ["redis-namespace"], "namespace"),
        .init("redlock", "rubygems", ["redlock"], "lock", roles: [.lock]),
        .init("rails", "rubygems", ["rails", "activesupport"], "framework", roles: [], conditional: ["cache_store", "queue_adapter", "session_store", "adapter"], onlyWhenResolved: true),
        .init("mock_redis", "rubygems", ["mock_redis", "fakeredis"], "mock"),
        // Maven / Gradle
        .init("jedis", "maven", ["redis.clients:jedis"]),
        .init("lettuce", "maven", ["io.lettuce:lettuce-core", "biz.paluch.redis:lettuce"]),
        .init("spring-boot-starter-data-redis", "maven", ["org.springframework.boot:spring-boot-starter-data-redis", "org.springframework.boot:spring-boot-starter-data-redis-reactive", "org.springframework.data:spring-data-redis", "org.springframework.boot:spring-boot-data-redis"]),
        .init("spring-session-data-redis", "maven", ["org.springframework.session:spring-session-data-redis", "org.springframework.boot:spring-boot-starter-session-data-redis"], "session", roles: [.session_store]),
        .init("spring-boot-starter-cache", "maven", ["org.springframework.boot:spring-boot-starter-cache"], "cache", roles: [.cache], conditional: ["spring.cache.type"]),
        .init("spring-integration-redis", "maven", ["org.springframework.integration:spring-integration-redis"], "lock", roles: [.lock]),
        .init("redisson", "maven", ["org.redisson:redisson", "org.redisson:redisson-spring-boot-starter"]),
        .init("quarkus-redis", "maven", ["io.quarkus:quarkus-redis-client", "io.quarkus:quarkus-redis-cache", "io.vertx:vertx-redis-client"]),
        .init("shedlock-redis", "maven", ["net.javacrumbs.shedlock:shedlock-provider-redis-spring", "net.javacrumbs.shedlock:shedlock-provider-redis-jedis4"], "lock", roles: [.lock]),
        .init("bucket4j-redis", "maven", ["com.bucket4j:bucket4j-redis", "com.bucket4j:bucket4j_jdk17-redis"], "rate_limiter", roles: [.rate_limiter]),
        .init("embedded-redis", "maven", ["it.ozimov:embedded-redis", "com.github.kstyrc:embedded-redis", "com.redis:testcontainers-redis", "com.redis.testcontainers:testcontainers-redis"], "mock"),
        // Packagist
        .init("predis", "packagist", ["predis/predis", "illuminate/redis", "snc/redis-bundle"]),
        .init("phpredis", "packagist", ["ext-redis"]),
        .init("laravel/horizon", "packagist", ["laravel/horizon"], "queue", roles: [.queue]),
        .init("laravel", "packagist", ["laravel/framework"], "framework", roles: [], conditional: ["cache_store", "cache_driver", "queue_connection", "session_driver", "broadcast_driver", "broadcast_connection"], onlyWhenResolved: true),
        // crates.io
        .init("redis", "crates", ["redis", "redis-async", "r2d2_redis"]),
        .init("deadpool-redis", "crates", ["deadpool-redis"]),
        .init("bb8-redis", "crates", ["bb8-redis"]),
        .init("fred", "crates", ["fred"]),
        .init("apalis-redis", "crates", ["apalis-redis"], "queue", roles: [.queue]),
        .init("rslock", "crates", ["rslock"], "lock", roles: [.lock]),
        .init("tower-sessions-redis-store", "crates", ["tower-sessions-redis-store"], "session", roles: [.session_store]),
        // NuGet
        .init("StackExchange.Redis", "nuget", ["stackexchange.redis", "nredisstack", "freeredis", "csrediscore", "aspire.stackexchange.redis", "aspnetcore.healthchecks.redis"]),
        .init("Microsoft.Extensions.Caching.StackExchangeRedis", "nuget", ["microsoft.extensions.caching.stackexchangeredis", "aspire.stackexchange.redis.distributedcaching", "aspire.stackexchange.redis.outputcaching", "microsoft.aspnetcore.outputcaching.stackexchangeredis"], "cache", roles: [.cache]),
        .init("DataProtection.StackExchangeRedis", "nuget", ["microsoft.aspnetcore.dataprotection.stackexchangeredis"], "storage"),
        .init("SignalR.StackExchangeRedis", "nuget", ["microsoft.aspnetcore.signalr.stackexchangeredis", "ziggycreatures.fusioncache.backplane.stackexchangeredis"], "pubsub", roles: [.pubsub]),
        .init("Aspire.Hosting.Redis", "nuget", ["aspire.hosting.redis", "aspire.hosting.azure.redis", "communitytoolkit.aspire.hosting.redis.extensions"], "hosting"),
        .init("Hangfire.Redis", "nuget", ["hangfire.redis.stackexchange", "hangfire.pro.redis"], "queue", roles: [.queue]),
        .init("RedLock.net", "nuget", ["redlock.net", "distributedlock.redis"], "lock", roles: [.lock]),
        .init("RedisRateLimiting", "nuget", ["redisratelimiting", "redisratelimiting.aspnetcore"], "rate_limiter", roles: [.rate_limiter]),
        .init("ServiceStack.Redis", "nuget", ["servicestack.redis"]),
        .init("Testcontainers.Redis", "nuget", ["testcontainers.redis"], "mock"),
        // Hex
        .init("redix", "hex", ["redix"]),
        .init("eredis", "hex", ["eredis"]),
        .init("exq", "hex", ["exq", "verk"], "queue", roles: [.queue]),
        .init("phoenix_pubsub_redis", "hex", ["phoenix_pubsub_redis"], "pubsub", roles: [.pubsub]),
        .init("nebulex_redis_adapter", "hex", ["nebulex_redis_adapter"], "cache", roles: [.cache]),
        .init("hammer_backend_redis", "hex", ["hammer_backend_redis"], "rate_limiter", roles: [.rate_limiter]),
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
        if let e = lookup(n, ecosystem: ecosystem), !e.conditional, e.kind != "hosting" { return true }
        let known: Set<String> = ["redis", "valkey", "keydb", "dragonfly", "garnet", "kvrocks", "redis-server", "node-redis", "redis-py", "go-redis", "redis-rb", "redis-stack", "miniredis"]
        if known.contains(n) { return true }
        if let last = n.split(separator: "/").last, known.contains(String(last)) { return true }
        return false
    }
}
