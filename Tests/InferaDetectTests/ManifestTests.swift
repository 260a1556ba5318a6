import Testing
@testable import InferaDetect

/// Each manifest format: the dependency, its line and its scope.
struct ManifestTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let file: String
        let text: String
        /// (package, line, scope)
        let expected: [(String, Int, DependencyScope)]
        var ownName: String? = nil
        var testDescription: String { file }
    }

    static let cases: [Case] = [
        Case(file: "package.json", text: """
        {
          "name": "api",
          "dependencies": {
            "ioredis": "^5.3.2"
          },
          "devDependencies": { "ioredis-mock": "^8" },
          "optionalDependencies": { "bullmq": "5" }
        }
        """, expected: [("ioredis", 4, .runtime), ("ioredis-mock", 6, .dev), ("bullmq", 7, .optional)], ownName: "api"),
        Case(file: "requirements-dev.txt", text: "# dev\n-r requirements.txt\nfakeredis==2.0 ; python_version > '3.8'\n", expected: [("fakeredis", 3, .dev)]),
        Case(file: "requirements.txt", text: "Flask\ncelery[redis,msgpack]>=5.3  # broker\n-e git+https://x/y.git\nredis @ https://example.com/redis.whl\n", expected: [("Flask", 1, .runtime), ("celery[redis]", 2, .runtime), ("redis", 4, .runtime)]),
        Case(file: "pyproject.toml", text: """
        [project]
        name = "svc"
        dependencies = [
            "redis>=5",  # client
            "fastapi",
        ]
        [project.optional-dependencies]
        test = ["fakeredis"]
        [dependency-groups]
        dev = ["rq>=1.16"]
        """, expected: [("redis", 4, .runtime), ("fastapi", 5, .runtime), ("fakeredis", 8, .test), ("rq", 10, .dev)], ownName: "svc"),
        Case(file: "pyproject.toml", text: """
        [tool.poetry]
        name = "poet"
        [tool.poetry.dependencies]
        python = "^3.11"
        redis = { version = "^5.0", extras = ["hiredis"] }
        celery = { version = "^5", extras = ["redis"] }
        [tool.poetry.group.test.dependencies]
        fakeredis = "*"
        """, expected: [("redis", 5, .runtime), ("celery[redis]", 6, .runtime), ("fakeredis", 8, .test)], ownName: "poet"),
        Case(file: "Pipfile", text: "[packages]\nredis = \"*\"\n\n[dev-packages]\nfakeredis = \"==2.0\"\n", expected: [("redis", 2, .runtime), ("fakeredis", 5, .dev)]),
        Case(file: "setup.cfg", text: "[metadata]\nname = lib\n[options]\ninstall_requires =\n    redis>=4\n    click\n[options.extras_require]\ntest =\n    fakeredis\n", expected: [("redis", 5, .runtime), ("click", 6, .runtime), ("fakeredis", 9, .test)], ownName: "lib"),
        Case(file: "go.mod", text: "module example.com/app\n\ngo 1.22\n\nrequire github.com/gomodule/redigo v1.9.2\n\nrequire (\n\tgithub.com/redis/go-redis/v9 v9.5.1 // indirect\n)\n", expected: [("github.com/gomodule/redigo", 5, .runtime), ("github.com/redis/go-redis/v9", 8, .runtime)], ownName: "example.com/app"),
        Case(file: "Gemfile", text: "source 'https://rubygems.org'\ngem 'redis', '~> 5.0'\ngroup :test do\n  gem 'mock_redis'\nend\ngem 'sidekiq', group: :development\n", expected: [("redis", 2, .runtime), ("mock_redis", 4, .test), ("sidekiq", 6, .dev)]),
        Case(file: "x.gemspec", text: "Gem::Specification.new do |spec|\n  spec.name = \"redis-helper\"\n  spec.add_dependency \"redis\", \">= 4\"\n  spec.add_development_dependency \"rspec\"\nend\n", expected: [("redis", 3, .runtime), ("rspec", 4, .dev)], ownName: "redis-helper"),
        Case(file: "pom.xml", text: """
        <project>
          <artifactId>svc</artifactId>
          <dependencies>
            <!-- <dependency><groupId>x</groupId><artifactId>commented</artifactId></dependency> -->
            <dependency>
              <groupId>redis.clients</groupId>
              <artifactId>jedis</artifactId>
              <version>5.1.0</version>
            </dependency>
            <dependency><groupId>it.ozimov</groupId><artifactId>embedded-redis</artifactId><scope>test</scope></dependency>
          </dependencies>
        </project>
        """, expected: [("redis.clients:jedis", 7, .runtime), ("it.ozimov:embedded-redis", 10, .test)], ownName: "svc"),
        Case(file: "build.gradle.kts", text: "dependencies {\n    implementation(\"org.springframework.boot:spring-boot-starter-data-redis\")\n    testImplementation(\"com.redis:testcontainers-redis:2.2.0\")\n    implementation group: 'redis.clients', name: 'jedis', version: '5.1.0'\n}\n", expected: [("org.springframework.boot:spring-boot-starter-data-redis", 2, .runtime), ("com.redis:testcontainers-redis", 3, .test), ("redis.clients:jedis", 4, .runtime)]),
        Case(file: "composer.json", text: "{\n  \"name\": \"a/b\",\n  \"require\": {\n    \"predis/predis\": \"^2.2\"\n  },\n  \"require-dev\": {\n    \"phpunit/phpunit\": \"^11\"\n  }\n}\n", expected: [("predis/predis", 4, .runtime), ("phpunit/phpunit", 7, .dev)], ownName: "a/b"),
        Case(file: "Cargo.toml", text: "[package]\nname = \"svc\"\n\n[dependencies]\nredis = { version = \"0.25\", features = [\"tokio-comp\"] }\ndeadpool-redis = \"0.15\"\n\n[dev-dependencies]\nmockall = \"0.12\"\n\n[dependencies.bb8-redis]\nversion = \"0.15\"\n", expected: [("redis", 5, .runtime), ("deadpool-redis", 6, .runtime), ("mockall", 9, .dev), ("bb8-redis", 11, .runtime)], ownName: "svc"),
        Case(file: "Api.csproj", text: "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n  <ItemGroup>\n    <PackageReference Include=\"StackExchange.Redis\" Version=\"2.7.33\" />\n  </ItemGroup>\n</Project>\n", expected: [("StackExchange.Redis", 3, .runtime)]),
        Case(file: "Api.Tests.csproj", text: "<Project>\n  <ItemGroup>\n    <PackageReference Include=\"xunit\" Version=\"2.7.0\" />\n    <PackageReference Include=\"StackExchange.Redis\">\n      <Version>2.7.33</Version>\n    </PackageReference>\n  </ItemGroup>\n</Project>\n", expected: [("xunit", 3, .test), ("StackExchange.Redis", 4, .test)]),
        Case(file: "mix.exs", text: "defmodule App.MixProject do\n  def project, do: [app: :app]\n  defp deps do\n    [\n      {:redix, \"~> 1.5\"},\n      {:eredis, \"~> 1.2\", only: :test}\n    ]\n  end\nend\n", expected: [("redix", 5, .runtime), ("eredis", 6, .test)], ownName: "app"),
    ]

    @Test(arguments: cases)
    func parses(_ c: Case) throws {
        let kind = try #require(Manifests.kind(forPath: "sub/" + c.file))
        let info = Manifests.parse(kind, path: c.file, bytes: Array(c.text.utf8))
        #expect(info.diagnostics.isEmpty, "\(info.diagnostics)")
        let got = info.dependencies.map { "\($0.package)@\($0.line):\($0.scope.rawValue)" }
        let want = c.expected.map { "\($0.0)@\($0.1):\($0.2.rawValue)" }
        #expect(got == want)
        if let own = c.ownName { #expect(info.ownName == own) }
    }

    @Test func versionsAreKept() throws {
        let info = Manifests.parse(.goMod, path: "go.mod", bytes: Array("module m\nrequire github.com/redis/go-redis/v9 v9.5.1\n".utf8))
        #expect(info.dependencies.first?.version == "v9.5.1")
        #expect(Catalogue.lookup("github.com/redis/go-redis/v9", ecosystem: "go")?.name == "go-redis")
        #expect(Catalogue.lookup("github.com/go-redis/redis/v8", ecosystem: "go")?.name == "go-redis")
        #expect(Catalogue.lookup("Django_Redis", ecosystem: "pypi")?.name == "django-redis")
        // Bare celery talks to Redis only with a redis:// broker: a conditional entry, resolved by configuration.
        #expect(Catalogue.lookup("celery", ecosystem: "pypi")?.conditional == true)
        #expect(Catalogue.lookup("celery[redis]", ecosystem: "pypi")?.conditional == false)
        #expect(Catalogue.lookup("celery[redis]", ecosystem: "pypi")?.kind == "queue")
    }

    @Test(arguments: [
        ("package.json", "{ \"dependencies\": { \"ioredis\": } }"),
        ("composer.json", "{\"require\": [1, 2"),
        ("pom.xml", "<project><dependencies><dependency>"),
        ("pyproject.toml", "[project]\nthis line is not toml\n"),
    ])
    func malformedGivesADiagnostic(_ file: String, _ text: String) throws {
        let kind = try #require(Manifests.kind(forPath: file))
        let info = Manifests.parse(kind, path: file, bytes: Array(text.utf8))
        #expect(info.diagnostics.count == 1)
        #expect(info.diagnostics.first?.code == "detect.malformed-manifest")
        #expect(info.diagnostics.first?.location?.file == file)
    }

    @Test func lockfilesResolveVersions() {
        let yarn = "\"ioredis@^5.3.0\", ioredis@^5:\n  version \"5.3.2\"\n"
        #expect(Manifests.lockVersions("yarn.lock", bytes: Array(yarn.utf8))["ioredis"] == "5.3.2")
        let poetry = "[[package]]\nname = \"redis\"\nversion = \"5.0.4\"\n"
        #expect(Manifests.lockVersions("poetry.lock", bytes: Array(poetry.utf8))["redis"] == "5.0.4")
        let gem = "GEM\n  specs:\n    redis (5.2.0)\n      redis-client (>= 0.22)\n"
        #expect(Manifests.lockVersions("gemfile.lock", bytes: Array(gem.utf8))["redis"] == "5.2.0")
        let pnpm = "packages:\n  /ioredis@5.3.2:\n    resolution: {}\n  '@upstash/redis@1.31.0':\n"
        let v = Manifests.lockVersions("pnpm-lock.yaml", bytes: Array(pnpm.utf8))
        #expect(v["ioredis"] == "5.3.2" && v["@upstash/redis"] == "1.31.0")
    }

    /// Central versions: each new format yields its version declarations with their lines.
    @Test func centralVersionDeclarations() {
        let props = Manifests.parse(.packagesProps, path: "Directory.Packages.props", bytes: Array("""
        <Project>
          <ItemGroup>
            <PackageVersion Include="StackExchange.Redis" Version="2.8.16" />
          </ItemGroup>
        </Project>
        """.utf8))
        #expect(props.versions.first?.package == "StackExchange.Redis" && props.versions.first?.line == 3 && props.versions.first?.version == "2.8.16")
        let csproj = Manifests.parse(.csproj, path: "Api/Api.csproj", bytes: Array("<Project>\n<ItemGroup>\n<PackageReference Include=\"StackExchange.Redis\" />\n</ItemGroup>\n</Project>\n".utf8))
        #expect(csproj.dependencies.first?.versionRef == "cpm" && csproj.dependencies.first?.version == nil && csproj.dependencies.first?.line == 3)
        let catalog = Manifests.parse(.versionCatalog, path: "gradle/libs.versions.toml", bytes: Array("""
        [versions]
        jedis = "5.1.2"
        [libraries]
        jedis-client = { module = "redis.clients:jedis", version.ref = "jedis" }
        """.utf8))
        #expect(catalog.versions.first?.key == "libs.jedis.client" && catalog.versions.first?.package == "redis.clients:jedis" && catalog.versions.first?.version == "5.1.2" && catalog.versions.first?.line == 4)
        let gradle = Manifests.parse(.gradle, path: "app/build.gradle.kts", bytes: Array("dependencies {\n    implementation(libs.jedis.client)\n}\n".utf8))
        #expect(gradle.dependencies.first?.catalogAlias == "libs.jedis.client" && gradle.dependencies.first?.line == 2)
        let cargo = Manifests.parse(.cargo, path: "Cargo.toml", bytes: Array("[workspace.dependencies]\nredis = { version = \"0.25\" }\n".utf8))
        #expect(cargo.versions.first?.key == "redis" && cargo.versions.first?.version == "0.25" && cargo.dependencies.isEmpty)
        let member = Manifests.parse(.cargo, path: "svc/Cargo.toml", bytes: Array("[dependencies]\nredis = { workspace = true }\nfred.workspace = true\n".utf8))
        #expect(member.dependencies.map(\.package) == ["redis", "fred"] && member.dependencies.allSatisfy { $0.versionRef == "workspace" })
        let pnpm = Manifests.parse(.pnpmWorkspace, path: "pnpm-workspace.yaml", bytes: Array("packages:\n  - apps/*\ncatalog:\n  ioredis: ^5.4.1\n".utf8))
        #expect(pnpm.versions.first?.key == "ioredis" && pnpm.versions.first?.line == 4)
        let pom = Manifests.parse(.pom, path: "pom.xml", bytes: Array("""
        <project>
          <properties>
            <jedis.version>5.1.2</jedis.version>
          </properties>
          <dependencies>
            <dependency><groupId>redis.clients</groupId>
              <artifactId>jedis</artifactId><version>${jedis.version}</version></dependency>
          </dependencies>
        </project>
        """.utf8))
        #expect(pom.dependencies.first?.version == "5.1.2" && pom.versions.contains { $0.line == 3 && $0.kind == "property" })
    }

    /// Whole-tree resolution: a versionless project reference takes the central version and lists both places.
    @Test func centralVersionsResolveAcrossFiles() throws {
        let dir = ExampleAppsTests.appsDir + "/dotnet-aspire-cpm"
        let r = Detector.detect(root: dir, options: DetectOptions(useGit: false, excludedNames: ["expected.json"]))
        let se = try #require(r.client_libraries.first { $0.package == "StackExchange.Redis" })
        #expect(se.version == "2.8.16" && se.manifest == "Api/Api.csproj" && se.line == 6)
        #expect(se.locations.map { "\($0.manifest):\($0.line)" } == ["Api/Api.csproj:6", "Directory.Packages.props:8"])
        let java = Detector.detect(root: ExampleAppsTests.appsDir + "/java-spring-redistemplate", options: DetectOptions(useGit: false, excludedNames: ["expected.json"]))
        let starter = try #require(java.client_libraries.first { $0.name == "spring-boot-starter-data-redis" })
        #expect(starter.version == "3.2.5" && starter.locations.contains { $0.manifest == "pom.xml" && $0.line == 7 && $0.what == "bom" })
        let cache = try #require(java.client_libraries.first { $0.name == "spring-boot-starter-cache" })
        #expect(cache.conditional && cache.resolved == "redis" && cache.resolved_by == "src/main/resources/application.yml:5")
    }
}
