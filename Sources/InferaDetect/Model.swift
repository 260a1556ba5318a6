import InferaDiagnostics

/// Where a dependency is needed: at run time, only for development/tests, optionally, or only at build time.
public enum DependencyScope: String, Sendable, Hashable, Codable, Comparable {
    case runtime, optional, build, dev, test

    /// Whether this scope, by itself, is evidence that the application talks to Redis in production.
    public var countsAtRuntime: Bool { self == .runtime || self == .optional }

    private var rank: Int {
        switch self {
        case .runtime: 0
        case .optional: 1
        case .build: 2
        case .dev: 3
        case .test: 4
        }
    }

    public static func < (a: DependencyScope, b: DependencyScope) -> Bool { a.rank < b.rank }
}

/// One Redis-related library declared in a manifest.
public struct ClientLibrary: Sendable, Hashable, Codable {
    /// The catalogue name, e.g. `ioredis`, `redis-py`, `go-redis`.
    public var name: String
    /// The name exactly as the manifest spells it (package, module path or artifact).
    public var package: String
    /// `npm`, `pypi`, `go`, `rubygems`, `maven`, `packagist`, `crates`, `nuget`, `hex`.
    public var ecosystem: String
    /// The version or constraint from the manifest, resolved from a lockfile when one pins it.
    public var version: String?
    /// Path of the manifest, relative to the scanned root.
    public var manifest: String
    /// 1-based line of the declaration in the manifest.
    public var line: Int
    public var scope: DependencyScope
    /// What the library is: `client`, `queue`, `session`, `cache`, `rate_limiter`, `lock`, `pubsub`, `mock`, `scheduler`, `namespace`, `storage`, `hosting`.
    public var kind: String
    /// The role the library plays for the application (`queue`, `cache`, `lock`, …), from the catalogue.
    public var roles: [Role] = []
    /// Every place that declares the library or fixes its version (central package management, version
    /// catalogs, BOMs, workspace roots), the primary declaration first.
    public var locations: [LibraryLocation] = []
    /// True when the library talks to Redis only when configured so (Celery, Flask-Caching, Django's cache, …).
    public var conditional: Bool = false
    /// For conditional libraries: `redis` when the repository's configuration selects Redis, `other` when it selects
    /// another backend, `unknown` when nothing decides it. Absent for unconditional libraries.
    public var resolved: String?
    /// `path:line` of the setting that decided `resolved`.
    public var resolved_by: String?

    public init(name: String, package: String, ecosystem: String, version: String?, manifest: String, line: Int, scope: DependencyScope, kind: String) {
        self.name = name
        self.package = package
        self.ecosystem = ecosystem
        self.version = version
        self.manifest = manifest
        self.line = line
        self.scope = scope
        self.kind = kind
        self.locations = [LibraryLocation(manifest: manifest, line: line, scope: scope, version: version, what: "declaration")]
    }
}

/// One place where a library is declared or its version is set.
public struct LibraryLocation: Sendable, Hashable, Codable {
    public var manifest: String
    public var line: Int
    public var scope: DependencyScope
    public var version: String?
    /// `declaration`, `version` (central package version, version catalog, BOM/dependencyManagement, workspace root),
    /// `catalog` (pnpm catalog), `lockfile`.
    public var what: String
}

/// A place in the scanned tree, with the line's text (secrets redacted).
public struct Evidence: Sendable, Hashable, Codable, Comparable {
    public var path: String
    public var line: Int
    public var column: Int
    /// What this is evidence of, e.g. `client construction (new Redis)`.
    public var what: String
    /// The source line, trimmed, shortened and with secrets redacted.
    public var snippet: String
    /// `production`, `test`, `example` or `docs`: where the file sits.
    public var scope: String

    public init(path: String, line: Int, column: Int, what: String, snippet: String, scope: String = "production") {
        self.path = path
        self.line = line
        self.column = column
        self.what = what
        self.snippet = snippet
        self.scope = scope
    }

    public static func < (a: Evidence, b: Evidence) -> Bool {
        (a.path, a.line, a.column, a.what) < (b.path, b.line, b.column, b.what)
    }
}

/// An environment variable the application reads for its Redis connection.
public struct EnvVarUse: Sendable, Hashable, Codable {
    public var name: String
    public var path: String
    public var line: Int
    /// `code`, `env-file`, `compose`, `kubernetes`, `config`.
    public var source: String
}

/// A connection setting found in code or configuration (URLs are redacted).
public struct ConnectionSetting: Sendable, Hashable, Codable {
    /// `url`, `host`, `port`, `tls`, `password`, `username`, `db`, or `backend` (a framework's choice of Redis or another
    /// store: `SESSION_ENGINE`, `CACHE_STORE=redis`, `queue_adapter :sidekiq`, `spring.cache.type: redis`).
    public var kind: String
    /// The value with any password replaced by `****`.
    public var value: String
    public var path: String
    public var line: Int
    /// The configuration key as written (`spring.data.redis.host`, `CACHES.default.BACKEND`, `REDIS_URL`), when there is one.
    public var key: String?
    /// For `backend`: what the backend serves (`cache`, `session_store`, `queue`, `rate_limiter`, `pubsub`, `lock`).
    public var role: String?
    /// For `backend`: true when the chosen backend is Redis.
    public var redis: Bool?

    public init(kind: String, value: String, path: String, line: Int, key: String? = nil, role: String? = nil, redis: Bool? = nil) {
        self.kind = kind
        self.value = value
        self.path = path
        self.line = line
        self.key = key
        self.role = role
        self.redis = redis
    }
}

/// How the application uses Redis, inferred from commands and libraries.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case cache, session_store, rate_limiter, lock, pubsub, queue, leaderboard, counter

    public static func < (a: Role, b: Role) -> Bool { a.rawValue < b.rawValue }
}

/// A role with the places that suggest it.
public struct RoleUse: Sendable, Hashable, Codable {
    public var role: Role
    public var evidence: [Evidence]
}

/// A Redis command the code issues, with how often, where first, and every call.
public struct CommandUse: Sendable, Hashable, Codable {
    /// Upper-case command name, e.g. `SETEX`.
    public var name: String
    public var count: Int
    public var path: String
    public var line: Int
    /// Every call of the command, sorted by path, line and column.
    public var uses: [CallUse] = []
}

/// One call of a Redis command through a client object.
public struct CallUse: Sendable, Hashable, Codable, Comparable {
    public var path: String
    public var line: Int
    public var column: Int
    /// The receiver as written (`this.redis`, `s.rdb`, `redisTemplate.opsForValue()`).
    public var receiver: String
    /// `production`, `test` or `example`.
    public var scope: String

    public static func < (a: CallUse, b: CallUse) -> Bool { (a.path, a.line, a.column) < (b.path, b.line, b.column) }
}

/// One classic Redis mistake found in the code.
public struct Finding: Sendable, Hashable, Codable {
    /// Stable rule identifier, e.g. `redis.keys-command`.
    public var rule: String
    public var severity: Severity
    public var path: String
    public var line: Int
    public var column: Int
    public var message: String
    public var fix: String
    /// The offending line, trimmed, with secrets redacted.
    public var snippet: String

    public var location: SourceLocation { SourceLocation(file: path, line: line, column: column) }
}

/// Files such as compose services, Kubernetes manifests or Terraform resources that run or declare Redis.
public struct InfrastructureUse: Sendable, Hashable, Codable {
    /// `compose`, `kubernetes`, `helm`, `terraform`, `redis-conf`, `redis-commander`, `ci-service`.
    public var kind: String
    public var detail: String
    public var path: String
    public var line: Int
}

/// The answer to "does this application use Redis at run time?".
public enum Verdict: String, Sendable, Hashable, Codable {
    /// The application talks to Redis at run time.
    case uses_redis
    /// Redis appears only in tests or examples.
    case test_only
    /// Redis appears only in documentation.
    case docs_only
    /// The repository is itself a Redis client, server or cache library.
    case redis_library
    /// No sign of Redis.
    case no_redis
}

/// Counters about the scan itself.
public struct ScanStats: Sendable, Hashable, Codable {
    /// `git` when `git ls-files` listed the files, `walk` otherwise.
    public var walker: String = "walk"
    public var files_listed = 0
    public var files_read = 0
    public var files_matched = 0
    public var bytes_read = 0
    public var skipped_large = 0
    public var skipped_binary = 0
    public var skipped_vendored = 0
    public var skipped_symlinks = 0
    public var unreadable = 0

    public init() {}

    mutating func add(_ o: ScanStats) {
        files_listed += o.files_listed
        files_read += o.files_read
        files_matched += o.files_matched
        bytes_read += o.bytes_read
        skipped_large += o.skipped_large
        skipped_binary += o.skipped_binary
        skipped_vendored += o.skipped_vendored
        skipped_symlinks += o.skipped_symlinks
        unreadable += o.unreadable
    }
}

/// Everything `infera detect` learned about a repository. Encodes to the documented JSON schema
/// (`docs/detect.md`, schema `infera.detect/v2`).
public struct DetectionReport: Sendable, Codable {
    public static let schemaID = "infera.detect/v2"

    public var schema: String = DetectionReport.schemaID
    public var uses_redis: Bool
    public var verdict: Verdict
    /// 0…1: how sure the verdict is.
    public var confidence: Double
    public var reasons: [String]
    public var client_libraries: [ClientLibrary]
    public var env_vars: [EnvVarUse]
    public var settings: [ConnectionSetting]
    public var roles: [RoleUse]
    public var commands: [CommandUse]
    public var infrastructure: [InfrastructureUse]
    /// Code evidence: imports, client construction, connection URLs.
    public var evidence: [Evidence]
    /// Documentation and other weak mentions (first per file).
    public var mentions: [Evidence]
    /// Hints about where the application runs: `cloud_run`, `app_engine`, `serverless`, `cdk`, `sam`, `upstash`, `kubernetes`.
    public var platform_markers: [String]
    public var findings: [Finding]
    public var diagnostics: [Diagnostic]
    public var stats: ScanStats
}
