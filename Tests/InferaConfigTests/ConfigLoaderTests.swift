import Foundation
import InferaConfig
import InferaDiagnostics
import Testing

@Suite struct ConfigLoaderTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func example(_ name: String) -> String { root.appendingPathComponent("Examples/\(name)/infera.yaml").path }

    static func load(_ text: String, env: [String: String] = [:], requireAccount: Bool = false) -> ConfigLoadResult {
        ConfigLoader.load(text: text, file: "infera.yaml", options: .init(environment: env, requireAccount: requireAccount))
    }

    @Test(arguments: ["gcp-memorystore", "aws-elasticache", "upstash"])
    func examplesAreValidWithoutWarnings(_ name: String) throws {
        let result = ConfigLoader.load(path: Self.example(name), options: .init(environment: [:]))
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.config != nil)
    }

    @Test func issueExampleIsVerbatim() throws {
        let text = try String(contentsOfFile: Self.example("gcp-memorystore"), encoding: .utf8)
        #expect(text.hasPrefix("project_name: my-api\nprovider: gcp\nregion: us-central1\nenvironment: production\n\ncache:\n  type: redis\n"))
        #expect(text.hasSuffix("  env:\n    REDIS_URL:\n      from_secret: redis-url\n"))
    }

    @Test func memorystoreExampleModel() throws {
        let config = try #require(ConfigLoader.load(path: Self.example("gcp-memorystore"), options: .init()).config)
        #expect(config.projectName == "my-api")
        #expect(config.resourceName == "my-api-redis")
        #expect(config.provider == .gcp)
        #expect(config.region == Sourced("us-central1", source: .file(SourceLocation(file: Self.example("gcp-memorystore"), line: 3, column: 9, length: 11))))
        let m = try #require(config.cache.memorystore)
        #expect(m.tier == .standardHA && m.memorySizeGB == 5 && m.replicaCount == 1 && !m.readReplicasEnabled)
        #expect(m.version == .redis70 && m.authEnabled && m.transitEncryption)
        #expect(m.persistence == MemorystorePersistence(mode: .rdb, snapshotPeriod: .oneHour, snapshotStartTime: nil))
        #expect(m.networking == MemorystoreNetworking(network: "default", connectMode: .directPeering, reservedIPRange: nil, vpcConnector: true))
        #expect(config.application == ApplicationConfig(service: .cloudRun, vpcConnector: "default", env: [EnvVar(name: "REDIS_URL", value: .secret("redis-url"))]))
        #expect(config.location(of: "cache.instance.tier")?.line == 11)
        #expect(config.location(of: "cache.instance")?.line == 9)
    }

    @Test func elasticacheExampleModel() throws {
        let config = try #require(ConfigLoader.load(path: Self.example("aws-elasticache"), options: .init()).config)
        let e = try #require(config.cache.elasticache)
        #expect(e.nodeType == "cache.r7g.large" && e.nodeCount == 3 && e.engineVersion == "7.1" && e.parameterGroupFamily == "redis7")
        #expect(e.automaticFailover && e.multiAZ && e.authToken && e.transitEncryption && e.atRestEncryption)
        #expect(e.snapshotRetentionDays == 7 && e.snapshotWindow == "03:00-04:00" && e.maintenanceWindow == "sun:05:00-sun:06:00")
        #expect(e.evictionPolicy == .allkeysLRU && e.parameters == ["notify-keyspace-events": "Ex"])
        #expect(e.networking.subnetIDs.count == 2 && e.tags == ["team": "orders", "cost-center": "4711"])
        #expect(config.account.awsProfile == Sourced("orders-prod", source: .file(config.location(of: "aws.profile")!)))
    }

    @Test func upstashExampleModel() throws {
        let config = try #require(ConfigLoader.load(path: Self.example("upstash"), options: .init()).config)
        let u = try #require(config.cache.upstash)
        #expect(u == UpstashConfig(primaryRegion: "us-east-1", readRegions: ["eu-west-1", "ap-southeast-1"], platform: "aws",
                                   tls: true, eviction: true, plan: .payg, budget: 50))
    }

    @Test func defaultsComeFromTheSchema() throws {
        let config = try #require(Self.load("project_name: app\nprovider: gcp\nregion: us-central1\ncache: {}\n").config)
        let m = try #require(config.cache.memorystore)
        #expect(m.tier == .basic && m.memorySizeGB == 1 && m.replicaCount == 0 && m.version == .redis70)
        #expect(m.authEnabled && m.transitEncryption && m.persistence.mode == .disabled && m.persistence.snapshotPeriod == nil)
        #expect(config.environment == "production" && config.cache.provider == .memorystore)
        let aws = try #require(Self.load("project_name: app\nprovider: aws\ncache: {}\n", env: ["AWS_DEFAULT_REGION": "eu-west-2"]).config)
        #expect(aws.region == Sourced("eu-west-2", source: .environment("AWS_DEFAULT_REGION")))
        #expect(aws.cache.elasticache?.nodeType == "cache.t4g.micro" && aws.cache.elasticache?.replicaCount == 1)
        #expect(aws.cache.elasticache?.automaticFailover == true)
    }

    @Test func environmentOrderAndFilePrecedence() throws {
        let env = ["AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "eu-west-1", "GOOGLE_CLOUD_PROJECT": "env-project",
                   "CLOUDSDK_CORE_PROJECT": "other", "AWS_PROFILE": "p", "UPSTASH_EMAIL": "a@b.co", "UPSTASH_API_KEY": "secret"]
        let aws = try #require(Self.load("project_name: app\nprovider: aws\ncache: {}\n", env: env).config)
        #expect(aws.region.value == "us-west-2")
        #expect(aws.account.awsProfile == Sourced("p", source: .environment("AWS_PROFILE")))
        let gcp = try #require(Self.load("project_name: app\nprovider: gcp\nregion: us-east1\ncache: {}\n", env: env).config)
        #expect(gcp.account.gcpProjectID == Sourced("env-project", source: .environment("GOOGLE_CLOUD_PROJECT")))
        let fromFile = try #require(Self.load("project_name: app\nprovider: gcp\nregion: us-east1\ngcp: {project_id: file-project}\ncache: {}\n", env: env).config)
        #expect(fromFile.account.gcpProjectID?.value == "file-project")
        let up = try #require(Self.load("project_name: app\nprovider: upstash\nregion: eu-west-1\ncache: {}\n", env: env).config)
        #expect(up.account.upstashEmail?.value == "a@b.co" && up.account.upstashAPIKeyPresent)
        // The key itself is never part of the model.
        #expect(!String(describing: up).contains("secret"))
    }

    @Test func requireAccountReportsMissingSettings() {
        let gcp = Self.load("project_name: app\nprovider: gcp\nregion: us-east1\ncache: {}\n", requireAccount: true)
        #expect(gcp.diagnostics.map(\.message) == ["no GCP project id"])
        let up = Self.load("project_name: app\nprovider: upstash\nregion: eu-west-1\ncache: {}\n", requireAccount: true)
        #expect(up.diagnostics.map(\.message) == ["no Upstash API key", "no Upstash account email"])
        #expect(Self.load("project_name: app\nprovider: gcp\nregion: us-east1\ncache: {}\n").diagnostics.isEmpty)
    }

    @Test func missingRegionNamesTheVariables() {
        let result = Self.load("project_name: app\nprovider: aws\ncache: {}\n")
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.hint == "add 'region: us-east-1', or set AWS_REGION or AWS_DEFAULT_REGION")
    }

    @Test func reportsEveryProblemInOneRun() {
        let text = """
        project_name: Bad Name
        provider: gcp
        region: us-centrall
        cache:
          instance:
            memory_size_gb: 301
            tier: BASIC
            replica_count: 2
            read_replicas: true
          versoin: REDIS_7_0
          security:
            auth_enabled: maybe
        application:
          service: ecs

        """
        let result = Self.load(text)
        #expect(result.config == nil)
        let codes = result.diagnostics.map(\.code)
        for code in ["config.resource-name", "config.pattern", "config.range", "config.unknown-key", "config.type",
                     "config.rule.service-provider"] {
            #expect(codes.contains(code), "missing \(code) in \(codes)")
        }
        #expect(result.diagnostics.first { $0.code == "config.pattern" }?.message == "invalid value 'us-centrall' for 'region' (did you mean 'us-central1'?)")
        #expect(!codes.contains("config.missing"), "an invalid region is not also a missing one")
        // A rule whose inputs are invalid stays quiet (memory_size_gb 301 is already reported).
        #expect(!codes.contains("config.rule.basic-read-replicas"))
        #expect(result.diagnostics == result.diagnostics.sortedForOutput())
    }

    @Test func unknownFileIsADiagnostic() {
        let result = ConfigLoader.load(path: "/nonexistent/infera.yaml")
        #expect(result.config == nil && result.source == nil)
        #expect(result.diagnostics.map(\.code) == ["config.file-not-found"])
        #expect(ConfigLoader.load(path: "/tmp").diagnostics.map(\.code) == ["config.unreadable"])
    }

    @Test(arguments: [("My_API", "my-api"), ("9lives", "app-9lives"), ("a--b", "a-b"), ("Über App!", "ber-app"), ("x-", "x")])
    func projectNameSuggestions(_ name: String, _ suggestion: String) {
        let result = Self.load("project_name: \"\(name)\"\nprovider: gcp\nregion: us-central1\ncache: {}\n")
        #expect(result.diagnostics.first?.hint == "try 'project_name: \(suggestion)'")
    }

    @Test func upstashReadRegionsAndPlatform() throws {
        let gcpPrimary = Self.load("project_name: app\nprovider: upstash\ncache:\n  primary_region: us-central1\n  read_regions: [us-east-1]\n")
        #expect(gcpPrimary.diagnostics.map(\.code) == ["config.rule.read-regions-gcp"])
        let ok = try #require(Self.load("project_name: app\nprovider: upstash\ncache:\n  primary_region: europe-west1\n").config)
        #expect(ok.cache.upstash?.platform == "gcp" && ok.region.value == "europe-west1")
        let onGCP = try #require(Self.load("project_name: app\nprovider: gcp\nregion: us-central1\ncache: {provider: upstash}\n").config)
        #expect(onGCP.cache.upstash?.primaryRegion == "us-central1")
    }

    @Test func elasticacheRules() {
        let base = "project_name: app\nprovider: aws\nregion: us-east-1\nenvironment: dev\ncache:\n"
        #expect(Self.load(base + "  instance: {replica_count: 0, multi_az: true, automatic_failover: false}\n").diagnostics.map(\.code)
                == ["config.rule.multi-az-failover"])
        #expect(Self.load(base + "  security: {kms_key_id: alias/redis, at_rest_encryption: false}\n").diagnostics.map(\.code)
                == ["config.rule.kms-at-rest"])
        #expect(Self.load(base + "  engine: valkey\n  version: \"8.1\"\n").config?.cache.elasticache?.parameterGroupFamily == "valkey8")
        #expect(Self.load(base + "  instance: {node_type: cache.t2.micro}\n").diagnostics.map(\.code) == ["config.rule.previous-generation"])
        #expect(Self.load(base + "  snapshots: {window: \"23:30-00:30\"}\n  maintenance: {window: \"mon:00:00-mon:01:00\"}\n")
                .diagnostics.map(\.code) == ["config.rule.window-overlap"])
    }

    @Test func configPresenceMatchesErrors() {
        for text in ["", "a", "project_name: x\n", "project_name: app\nprovider: gcp\nregion: us-central1\ncache: {}\n"] {
            let result = Self.load(text)
            #expect((result.config == nil) == result.diagnostics.hasErrors)
        }
    }
}

@Suite struct ConfigLoaderLimitsTests {
    @Test func manyProblemsAreCappedWithANote() {
        let text = (0..<300).map { "k\($0): 1\n" }.joined()
        let result = ConfigLoader.load(text: text, file: "f", options: .init(maxDiagnostics: 50))
        #expect(result.diagnostics.count == 51)
        #expect(result.diagnostics.last?.code == ConfigCode.truncated)
        #expect(result.diagnostics.last?.message == "253 more problems not shown")
        #expect(result.config == nil)
    }

    @Test func thousandsOfKeysStayLinear() throws {
        // 20 000 label keys: duplicate detection and pattern checks must not be quadratic.
        let labels = (0..<20_000).map { "    k\($0): v\n" }.joined()
        let text = "project_name: x\nprovider: gcp\nregion: us-central1\ncache:\n  labels:\n" + labels + "    k7: again\n"
        let result = ConfigLoader.load(text: text, file: "f", options: .init())
        #expect(result.diagnostics.map(\.code) == ["yaml.duplicate-key"])
        #expect(result.diagnostics.first?.message == "duplicate key 'k7' (first defined at line 13)")
    }
}
