import Foundation
import Testing
@testable import InferaDetect

/// Call sites through clients that are injected, aliased or imported from another module, conditional libraries,
/// and configuration files, each on a small tree written to a temporary directory.
struct ClientFollowingTests {
    static func tree(_ files: [String: String]) throws -> String {
        let dir = NSTemporaryDirectory() + "infera-follow-\(UUID().uuidString)"
        for (path, text) in files {
            let full = dir + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        return dir
    }

    static func detect(_ files: [String: String]) throws -> DetectionReport {
        let dir = try tree(files)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return Detector.detect(root: dir, options: DetectOptions(useGit: false))
    }

    static func uses(_ r: DetectionReport, _ cmd: String) -> [String] {
        r.commands.first { $0.name == cmd }?.uses.map { "\($0.path):\($0.line)" } ?? []
    }

    @Test func jsDefaultExportIsFollowedIntoImporters() throws {
        let r = try Self.detect([
            "package.json": #"{"name":"shop","dependencies":{"ioredis":"5.4.1"}}"#,
            "src/cache.js": "const Redis = require('ioredis');\nconst client = new Redis(process.env.REDIS_URL);\nmodule.exports = client;\n",
            "src/routes.js": "const cache = require('./cache');\n\nasync function show(id) {\n  const hit = await cache.get('p:' + id);\n  await cache.zadd('seen', Date.now(), id);\n  return hit;\n}\n",
            "src/other.js": "const cache = require('./not-the-cache');\ncache.get('x');\n",
        ])
        #expect(Self.uses(r, "GET") == ["src/routes.js:4"])
        #expect(Self.uses(r, "ZADD") == ["src/routes.js:5"])
    }

    @Test func pythonModuleGlobalIsFollowed() throws {
        let r = try Self.detect([
            "requirements.txt": "redis==5.0.4\n",
            "app/store.py": "import redis\n\nr = redis.Redis(host='localhost')\n",
            "app/views.py": "from app.store import r\n\n\ndef cart(uid):\n    return r.hgetall(f'cart:{uid}')\n",
        ])
        #expect(Self.uses(r, "HGETALL") == ["app/views.py:5"])
    }

    @Test func rubyConstantClientIsFollowedIntoOtherFiles() throws {
        let r = try Self.detect([
            "Gemfile": "source 'https://rubygems.org'\ngem 'redis', '~> 5.0'\n",
            "config/initializers/redis.rb": "STORE = Redis.new(url: ENV.fetch('REDIS_URL'))\n",
            "app/models/user.rb": "class User\n  def cached_name\n    STORE.get(\"user:#{id}:name\")\n  end\n\n  def remember\n    STORE.setex(\"user:#{id}:name\", 300, name)\n  end\nend\n",
            "app/models/other.rb": "class Other\n  def x\n    STOREFRONT.get('x')\n  end\nend\n",
        ])
        #expect(Self.uses(r, "GET") == ["app/models/user.rb:3"])
        #expect(Self.uses(r, "SETEX") == ["app/models/user.rb:7"])
    }

    @Test func injectedAndAliasedClientsInCSharpAndGo() throws {
        let r = try Self.detect([
            "Api/Api.csproj": "<Project><ItemGroup><PackageReference Include=\"StackExchange.Redis\" Version=\"2.8.16\" /></ItemGroup></Project>\n",
            "Api/Carts.cs": "using StackExchange.Redis;\npublic class Carts {\n    private readonly IDatabase _store;\n    public Carts(IConnectionMultiplexer mux) { _store = mux.GetDatabase(); }\n    public Task Add(string k) => _store.SetAddAsync(k, \"1\");\n    public Task<long> Count(string k) => _store.SetLengthAsync(k);\n}\n",
            "go.mod": "module x\n\nrequire github.com/redis/go-redis/v9 v9.5.1\n",
            "svc/svc.go": "package svc\n\nimport \"github.com/redis/go-redis/v9\"\n\ntype Svc struct {\n\tkv redis.UniversalClient\n}\n",
            "svc/more.go": "package svc\n\nimport \"context\"\n\nfunc (s *Svc) Hit(ctx context.Context) { s.kv.Incr(ctx, \"hits\") }\n",
            "other/more.go": "package other\n\nfunc (s *T) Hit() { s.kv.Incr(ctx, \"hits\") }\n",
        ])
        #expect(Self.uses(r, "SADD") == ["Api/Carts.cs:5"])
        #expect(Self.uses(r, "INCR") == ["svc/more.go:5"])
        #expect(r.roles.first { $0.role == .counter }?.evidence.contains { $0.path == "svc/more.go" && $0.line == 5 } == true)
    }

    @Test func conditionalLibrariesFollowTheirConfiguration() throws {
        let amqp = try Self.detect([
            "requirements.txt": "celery==5.4.0\nflask-caching==2.3.0\n",
            "proj/settings.py": "CELERY_BROKER_URL = \"amqp://guest@rabbit//\"\nCACHE_TYPE = \"SimpleCache\"\n",
        ])
        #expect(amqp.client_libraries.first { $0.package == "celery" }?.resolved == "other")
        #expect(amqp.client_libraries.first { $0.package == "celery" }?.resolved_by == "proj/settings.py:1")
        #expect(!amqp.uses_redis)
        let redis = try Self.detect([
            "requirements.txt": "celery==5.4.0\nflask-caching==2.3.0\n",
            "proj/settings.py": "CELERY_BROKER_URL = \"redis://cache:6379/0\"\nCACHE_TYPE = \"RedisCache\"\n",
        ])
        #expect(redis.client_libraries.first { $0.package == "celery" }?.resolved == "redis")
        #expect(redis.client_libraries.first { $0.package == "flask-caching" }?.resolved_by == "proj/settings.py:2")
        #expect(redis.uses_redis)
        #expect(redis.roles.contains { $0.role == .queue } && redis.roles.contains { $0.role == .cache })
        let unknown = try Self.detect(["requirements.txt": "celery==5.4.0\n"])
        #expect(unknown.client_libraries.first?.resolved == "unknown" && !unknown.uses_redis)
        // A Django project without a Redis cache does not list Django at all.
        let plainDjango = try Self.detect(["requirements.txt": "Django==5.0\n", "s/settings.py": "CACHES = {\"default\": {\"BACKEND\": \"django.core.cache.backends.locmem.LocMemCache\"}}\n"])
        #expect(plainDjango.client_libraries.isEmpty)
    }

    @Test func configurationFilesBecomeKeyedSettings() throws {
        let r = try Self.detect([
            "package.json": #"{"name":"app","dependencies":{"redis":"4.6.0"}}"#,
            "docker-compose.yml": "services:\n  app:\n    environment:\n      - REDIS_URL=redis://cache:6379/0\n  cache:\n    image: redis:7.2\n",
            "chart/values.yaml": "redis:\n  enabled: true\n  auth:\n    password: hunter22\n",
            "config/cable.yml": "production:\n  adapter: redis\n  url: rediss://pubsub.example.com:6380\n",
            "app.toml": "[cache]\nredis_url = \"redis://10.0.0.5:6379/2\"\n",
            ".env": "REDIS_HOST=cache.example.net\n",
        ])
        func setting(_ path: String, _ line: Int, _ kind: String) -> ConnectionSetting? { r.settings.first { $0.path == path && $0.line == line && $0.kind == kind } }
        #expect(setting("docker-compose.yml", 4, "url")?.value == "redis://cache:6379/0")
        #expect(setting("chart/values.yaml", 4, "password")?.value == "****")
        #expect(r.infrastructure.contains { $0.path == "chart/values.yaml" && $0.line == 2 && $0.kind == "helm" })
        #expect(r.infrastructure.contains { $0.path == "docker-compose.yml" && $0.line == 6 && $0.kind == "compose" })
        #expect(setting("config/cable.yml", 2, "backend")?.redis == true)
        #expect(setting("app.toml", 2, "url")?.key == "cache.redis_url")
        #expect(r.findings.contains { $0.rule == "redis.no-password" && $0.path == ".env" && $0.line == 1 })
        #expect(!r.settings.contains { $0.value.contains("hunter22") })
    }

    @Test func evidenceCarriesItsScope() throws {
        let r = try Self.detect([
            "package.json": #"{"name":"app","dependencies":{"ioredis":"5.4.1"}}"#,
            "src/a.js": "const Redis = require('ioredis');\nconst r = new Redis();\nr.on('error', console.error);\n",
            "test/a.test.js": "const Redis = require('ioredis');\nconst r = new Redis();\n",
            "examples/demo/b.js": "const Redis = require('ioredis');\n",
        ])
        #expect(r.evidence.filter { $0.path == "src/a.js" }.allSatisfy { $0.scope == "production" })
        #expect(r.evidence.filter { $0.path.hasPrefix("test/") }.allSatisfy { $0.scope == "test" })
        #expect(r.evidence.filter { $0.path.hasPrefix("examples/") }.allSatisfy { $0.scope == "example" } && r.evidence.contains { $0.scope == "example" })
    }

    /// Workspaces and catalogs resolved across files: the version that applies and every location.
    @Test func workspacesAndCatalogsResolveAcrossFiles() throws {
        let r = try Self.detect([
            "package.json": #"{"name":"mono","private":true,"workspaces":["packages/*"]}"#,
            "pnpm-workspace.yaml": "packages:\n  - packages/*\ncatalog:\n  bullmq: ^5.8.0\n",
            "yarn.lock": "ioredis@^5.4.0:\n  version \"5.4.1\"\n",
            "packages/api/package.json": "{\n  \"name\": \"api\",\n  \"dependencies\": {\n    \"ioredis\": \"^5.4.0\",\n    \"bullmq\": \"catalog:\"\n  }\n}\n",
            "gradle/libs.versions.toml": "[versions]\njedis = \"5.1.2\"\n[libraries]\njedis = { module = \"redis.clients:jedis\", version.ref = \"jedis\" }\n",
            "app/build.gradle.kts": "dependencies {\n    implementation(libs.jedis)\n}\n",
            "Cargo.toml": "[workspace]\nmembers = [\"svc\"]\n\n[workspace.dependencies]\nredis = { version = \"0.25.4\", features = [\"tokio-comp\"] }\n",
            "svc/Cargo.toml": "[package]\nname = \"svc\"\n\n[dependencies]\nredis = { workspace = true }\n",
        ])
        let io = try #require(r.client_libraries.first { $0.package == "ioredis" })
        #expect(io.version == "5.4.1" && io.manifest == "packages/api/package.json" && io.line == 4)
        let bull = try #require(r.client_libraries.first { $0.package == "bullmq" })
        #expect(bull.version == "^5.8.0" && bull.locations.map { "\($0.manifest):\($0.line)" } == ["packages/api/package.json:5", "pnpm-workspace.yaml:4"])
        let jedis = try #require(r.client_libraries.first { $0.package == "redis.clients:jedis" })
        #expect(jedis.version == "5.1.2" && jedis.manifest == "app/build.gradle.kts" && jedis.line == 2 && jedis.locations.last?.manifest == "gradle/libs.versions.toml")
        let redis = try #require(r.client_libraries.first { $0.ecosystem == "crates" })
        #expect(redis.version == "0.25.4" && redis.manifest == "svc/Cargo.toml" && redis.locations.map { "\($0.manifest):\($0.line)" } == ["svc/Cargo.toml:5", "Cargo.toml:5"])
        #expect(!r.client_libraries.contains { $0.manifest == "Cargo.toml" && $0.line == 5 && $0.ecosystem == "crates" })
    }
}
