/// What infera deploys, per provider, as plain values. This is InferaPlan's own input: the
/// config layer maps `infera.yaml` onto it (see `DeploymentSpec.init(config:)`), tests build it by hand.
public struct DeploymentSpec: Sendable, Hashable, Codable {
    /// Resource name prefix (`project_name`).
    public var projectName: String
    /// `development`, `staging` or `production` (free text is kept as given).
    public var environment: String
    /// Provider region (GCP / AWS region; Upstash uses `UpstashSpec.primaryRegion`).
    public var region: String
    /// How the application uses Redis; drives persistence and eviction checks.
    public var usage: [Usage]
    /// Labels (GCP) / tags (AWS) applied to every resource, sorted by key when rendered.
    public var labels: [String: String]
    /// Environment variable the application reads the URL from, e.g. `REDIS_URL`.
    public var urlEnvVar: String
    /// Name of the secret that holds the connection URL (GCP Secret Manager id / AWS Secrets Manager name).
    public var urlSecretName: String?
    /// The provider-specific part.
    public var provider: ProviderSpec
    /// Cluster mode (`cache.mode: cluster`): the sharded layout; nil for one primary. See ClusterSpec.swift.
    public var cluster: ClusterSpec?
    /// Expected data size and command rate (`cache.workload`), for the sizing check INF015; nil when not given.
    public var workload: ExpectedWorkload?

    public init(projectName: String, environment: String, region: String, usage: [Usage] = [.cache],
                labels: [String: String] = [:], urlEnvVar: String = "REDIS_URL", urlSecretName: String? = nil,
                provider: ProviderSpec, cluster: ClusterSpec? = nil) {
        self.cluster = cluster
        self.projectName = projectName
        self.environment = environment
        self.region = region
        self.usage = usage
        self.labels = labels
        self.urlEnvVar = urlEnvVar
        self.urlSecretName = urlSecretName
        self.provider = provider
    }

    /// True for `environment: production` (also `prod`).
    public var isProduction: Bool { ["production", "prod"].contains(environment.lowercased()) }

    /// Labels with infera's own (`managed-by`, `environment`, `project`) merged in, sorted by key.
    public var effectiveLabels: [(key: String, value: String)] {
        var all = labels
        if all["managed-by"] == nil { all["managed-by"] = "infera" }
        if all["environment"] == nil { all["environment"] = environment }
        if all["project"] == nil { all["project"] = projectName }
        return all.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
    }

    /// The provider's short name: `memorystore`, `elasticache` or `upstash`.
    public var providerName: String { provider.name }

    enum CodingKeys: String, CodingKey {
        case projectName = "project_name", environment, region, usage, labels, urlEnvVar = "url_env_var", urlSecretName = "url_secret_name", provider, cluster, workload
    }
}

/// How an application uses Redis (from infera.yaml or from `infera detect` findings).
public enum Usage: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case cache, session, queue, ratelimit, lock, pubsub, leaderboard, storage

    /// Uses whose keys must survive a restart and must not be evicted.
    public var needsDurability: Bool { [.session, .queue, .lock, .storage, .leaderboard].contains(self) }

    public static func < (a: Usage, b: Usage) -> Bool { a.rawValue < b.rawValue }
}

/// The provider-specific half of a deployment.
public enum ProviderSpec: Sendable, Hashable, Codable {
    case memorystore(MemorystoreSpec)
    case elasticache(ElastiCacheSpec)
    case upstash(UpstashSpec)

    public var name: String {
        switch self {
        case .memorystore: "memorystore"
        case .elasticache: "elasticache"
        case .upstash: "upstash"
        }
    }
}

/// A weekly maintenance window start (UTC), one hour long.
public struct MaintenanceWindow: Sendable, Hashable, Codable {
    /// Upper-case English day: `MONDAY` … `SUNDAY`.
    public var day: String
    /// Start hour 0–23 (UTC).
    public var hour: Int
    /// Start minute 0–59.
    public var minute: Int

    public init(day: String, hour: Int, minute: Int = 0) {
        self.day = day.uppercased()
        self.hour = hour
        self.minute = minute
    }

    /// `sun:04:00-sun:05:00` (ElastiCache form).
    public var awsForm: String {
        let d = String(day.prefix(3)).lowercased()
        let next = (hour + 1) % 24
        let days = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]
        var endDay = d
        if next == 0, let i = days.firstIndex(of: day) { endDay = String(days[(i + 1) % 7].prefix(3)).lowercased() }
        return "\(d):\(pad(hour)):\(pad(minute))-\(endDay):\(pad(next)):\(pad(minute))"
    }
}

func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

/// GCP Memorystore for Redis (v1 instance).
public struct MemorystoreSpec: Sendable, Hashable, Codable {
    /// GCP project id; nil when neither infera.yaml nor the environment gives one (terraform then asks for it).
    public var projectID: String?
    /// `BASIC` or `STANDARD_HA`.
    public var tier: String
    public var memorySizeGB: Int
    /// Replicas (STANDARD_HA: 1 without read replicas, 1–5 with).
    public var replicaCount: Int
    public var readReplicas: Bool
    /// `REDIS_7_0`, `REDIS_7_2`, …
    public var redisVersion: String
    public var authEnabled: Bool
    public var transitEncryption: Bool
    /// `RDB` or `DISABLED`.
    public var persistenceMode: String
    /// `ONE_HOUR`, `SIX_HOURS`, `TWELVE_HOURS`, `TWENTY_FOUR_HOURS` when RDB.
    public var snapshotPeriod: String?
    public var maintenance: MaintenanceWindow?
    /// VPC network name.
    public var network: String
    /// `DIRECT_PEERING` or `PRIVATE_SERVICE_ACCESS`.
    public var connectMode: String
    /// `maxmemory-policy` and other redis_configs.
    public var redisConfigs: [String: String]
    /// Full Cloud KMS key name, when the config names one.
    public var kmsKey: String?
    /// CIDR range reserved for the instance, optional.
    public var reservedIPRange: String?

    public init(projectID: String?, tier: String = "BASIC", memorySizeGB: Int = 1, replicaCount: Int = 0,
                readReplicas: Bool = false, redisVersion: String = "REDIS_7_0", authEnabled: Bool = true,
                transitEncryption: Bool = true, persistenceMode: String = "DISABLED", snapshotPeriod: String? = nil,
                maintenance: MaintenanceWindow? = nil, network: String = "default",
                connectMode: String = "DIRECT_PEERING", redisConfigs: [String: String] = [:], kmsKey: String? = nil,
                reservedIPRange: String? = nil) {
        self.reservedIPRange = reservedIPRange
        self.projectID = projectID
        self.tier = tier
        self.memorySizeGB = memorySizeGB
        self.replicaCount = replicaCount
        self.readReplicas = readReplicas
        self.redisVersion = redisVersion
        self.authEnabled = authEnabled
        self.transitEncryption = transitEncryption
        self.persistenceMode = persistenceMode
        self.snapshotPeriod = snapshotPeriod
        self.maintenance = maintenance
        self.network = network
        self.connectMode = connectMode
        self.redisConfigs = redisConfigs
        self.kmsKey = kmsKey
    }

    public var isStandardHA: Bool { tier == "STANDARD_HA" }
    /// Replica count as the API sees it (0 for BASIC, at least 1 for STANDARD_HA).
    public var effectiveReplicaCount: Int { isStandardHA ? max(1, replicaCount) : 0 }
    /// 6378 with TLS, else 6379.
    public var port: Int { transitEncryption ? 6378 : 6379 }

    enum CodingKeys: String, CodingKey {
        case projectID = "project_id", tier, memorySizeGB = "memory_size_gb", replicaCount = "replica_count", readReplicas = "read_replicas", redisVersion = "redis_version", authEnabled = "auth_enabled", transitEncryption = "transit_encryption", persistenceMode = "persistence_mode", snapshotPeriod = "snapshot_period", maintenance, network, connectMode = "connect_mode", redisConfigs = "redis_configs", kmsKey = "kms_key", reservedIPRange = "reserved_ip_range"
    }
}

/// AWS ElastiCache for Redis OSS (replication group, cluster mode disabled).
public struct ElastiCacheSpec: Sendable, Hashable, Codable {
    /// `redis` or `valkey`.
    public var engine: String
    public var nodeType: String
    /// Replicas besides the primary (num_cache_clusters = replicas + 1).
    public var replicas: Int
    /// `7.1`, `7.0`, `6.2`, …
    public var engineVersion: String
    public var authToken: Bool
    public var transitEncryption: Bool
    public var atRestEncryption: Bool
    /// Customer-managed KMS key ARN, when the config names one.
    public var kmsKeyARN: String?
    public var snapshotRetentionDays: Int
    /// `03:00-04:00` (UTC).
    public var snapshotWindow: String?
    /// `sun:04:00-sun:05:00` (UTC).
    public var maintenanceWindow: String?
    /// Parameter group settings such as `maxmemory-policy`.
    public var parameters: [String: String]
    /// Existing VPC; nil: the account's default VPC.
    public var vpcID: String?
    /// Private subnets; empty: every subnet of the VPC.
    public var subnetIDs: [String]
    /// Client security groups allowed in on the port.
    public var clientSecurityGroupIDs: [String]
    /// Client CIDR blocks allowed in on the port; with no client groups or blocks, the VPC's CIDR is allowed.
    public var clientCIDRBlocks: [String]
    /// Existing security groups for the replication group; when given, infera creates none of its own.
    public var securityGroupIDs: [String]
    /// Automatic failover (needs replicas ≥ 1).
    public var automaticFailover: Bool
    /// Multi-AZ (needs automatic failover).
    public var multiAZ: Bool
    public var port: Int
    /// `ModifyReplicationGroup`'s `ApplyImmediately` (Terraform's `apply_immediately`, default false): node type, engine
    /// version and other in-place changes start at once when true, in the next maintenance window when false.
    public var applyImmediately: Bool {
        get { applyImmediatelyValue ?? false }
        set { applyImmediatelyValue = newValue }
    }
    /// Stored optional so specs saved before the setting existed still decode.
    var applyImmediatelyValue: Bool?
    /// `aws.profile` from infera.yaml: the shared-config profile the credential chain uses (it wins over the environment,
    /// like the Terraform provider's `profile`). Nil: `AWS_PROFILE` / the chain's usual order.
    public var profile: String?

    public init(engine: String = "redis", nodeType: String = "cache.t4g.micro", replicas: Int = 0, engineVersion: String = "7.1",
                authToken: Bool = true, transitEncryption: Bool = true, atRestEncryption: Bool = true,
                kmsKeyARN: String? = nil, snapshotRetentionDays: Int = 1, snapshotWindow: String? = nil,
                maintenanceWindow: String? = nil, parameters: [String: String] = [:],
                vpcID: String? = nil, subnetIDs: [String] = [], clientSecurityGroupIDs: [String] = [],
                clientCIDRBlocks: [String] = [], securityGroupIDs: [String] = [],
                automaticFailover: Bool? = nil, multiAZ: Bool? = nil, port: Int = 6379, applyImmediately: Bool = false,
                profile: String? = nil) {
        self.engine = engine
        self.applyImmediatelyValue = applyImmediately
        self.profile = profile
        self.securityGroupIDs = securityGroupIDs
        self.automaticFailover = (automaticFailover ?? (replicas > 0)) && replicas > 0
        self.multiAZ = (multiAZ ?? (replicas > 0)) && self.automaticFailover
        self.nodeType = nodeType
        self.replicas = replicas
        self.engineVersion = engineVersion
        self.authToken = authToken
        self.transitEncryption = transitEncryption
        self.atRestEncryption = atRestEncryption
        self.kmsKeyARN = kmsKeyARN
        self.snapshotRetentionDays = snapshotRetentionDays
        self.snapshotWindow = snapshotWindow
        self.maintenanceWindow = maintenanceWindow
        self.parameters = parameters
        self.vpcID = vpcID
        self.subnetIDs = subnetIDs
        self.clientSecurityGroupIDs = clientSecurityGroupIDs
        self.clientCIDRBlocks = clientCIDRBlocks
        self.port = port
    }

    public var nodeCount: Int { replicas + 1 }
    /// Parameter group family for the engine version (erg-6).
    public var parameterFamily: String {
        let major = engineVersion.split(separator: ".").first.map(String.init) ?? "7"
        if engine == "valkey" { return "valkey\(major)" }
        switch major {
        case "6": return "redis6.x"
        case "5": return "redis5.0"
        case "4": return "redis4.0"
        default: return "redis\(major)"
        }
    }

    /// The parameter group the replication group uses: `<project>-redis<major>` when parameters are set, else
    /// ElastiCache's `default.<family>`.
    public func parameterGroupName(project: String) -> String {
        parameters.isEmpty ? "default.\(parameterFamily)" : "\(project)-redis\(parameterFamily.filter { $0.isNumber })"
    }

    enum CodingKeys: String, CodingKey {
        case engine, nodeType = "node_type", replicas, engineVersion = "engine_version", authToken = "auth_token", transitEncryption = "transit_encryption", atRestEncryption = "at_rest_encryption", kmsKeyARN = "kms_key_arn", snapshotRetentionDays = "snapshot_retention_days", snapshotWindow = "snapshot_window", maintenanceWindow = "maintenance_window", parameters, vpcID = "vpc_id", subnetIDs = "subnet_ids", clientSecurityGroupIDs = "client_security_group_ids", clientCIDRBlocks = "client_cidr_blocks", securityGroupIDs = "security_group_ids", automaticFailover = "automatic_failover", multiAZ = "multi_az", port, applyImmediatelyValue = "apply_immediately", profile
    }
}

/// Upstash Redis (global database).
public struct UpstashSpec: Sendable, Hashable, Codable {
    public var primaryRegion: String
    public var readRegions: [String]
    public var eviction: Bool
    /// `payg` or a fixed plan such as `fixed_1gb` (see `Pricing.upstashFixedPlans`).
    public var plan: String
    /// Monthly budget cap in USD (pay-as-you-go).
    public var budget: Int?
    public var prodPack: Bool
    public var autoScale: Bool
    public var ipAllowlist: [String]
    /// Cost assumptions for pay-as-you-go.
    public var expectedMonthlyCommands: Int?
    public var expectedStorageGB: Double?

    public init(primaryRegion: String = "us-east-1", readRegions: [String] = [], eviction: Bool = true,
                plan: String = "payg", budget: Int? = nil, prodPack: Bool = false, autoScale: Bool = false,
                ipAllowlist: [String] = [], expectedMonthlyCommands: Int? = nil, expectedStorageGB: Double? = nil) {
        self.primaryRegion = primaryRegion
        self.readRegions = readRegions
        self.eviction = eviction
        self.plan = plan
        self.budget = budget
        self.prodPack = prodPack
        self.autoScale = autoScale
        self.ipAllowlist = ipAllowlist
        self.expectedMonthlyCommands = expectedMonthlyCommands
        self.expectedStorageGB = expectedStorageGB
    }

    enum CodingKeys: String, CodingKey {
        case primaryRegion = "primary_region", readRegions = "read_regions", eviction, plan, budget, prodPack = "prod_pack", autoScale = "auto_scale", ipAllowlist = "ip_allowlist", expectedMonthlyCommands = "expected_monthly_commands", expectedStorageGB = "expected_storage_gb"
    }
}

extension DeploymentSpec {
    /// Secret name for the URL: the configured one, else `<project>-redis-url` (GCP) / `<project>/redis-url` (AWS).
    public var effectiveURLSecretName: String {
        if let s = urlSecretName, !s.isEmpty { return s }
        switch provider {
        case .elasticache: return "\(projectName)/redis-url"
        default: return "\(projectName)-redis-url"
        }
    }

    /// The eviction policy in effect (`maxmemory-policy`), when infera knows it (Upstash's own
    /// eviction algorithm has no Redis name: nil when it is on).
    public var evictionPolicy: String? {
        switch provider {
        case .memorystore(let m): return m.redisConfigs["maxmemory-policy"] ?? "volatile-lru"
        case .elasticache(let e): return e.parameters["maxmemory-policy"] ?? "volatile-lru"
        case .upstash(let u): return u.eviction ? nil : "noeviction"
        }
    }
}

extension ProviderSpec {
    enum CodingKeys: String, CodingKey { case kind, settings }

    // JSON shape: {"kind": "memorystore", "settings": {...}}.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "memorystore": self = .memorystore(try c.decode(MemorystoreSpec.self, forKey: .settings))
        case "elasticache": self = .elasticache(try c.decode(ElastiCacheSpec.self, forKey: .settings))
        case "upstash": self = .upstash(try c.decode(UpstashSpec.self, forKey: .settings))
        default:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown provider kind '\(kind)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .kind)
        switch self {
        case .memorystore(let m): try c.encode(m, forKey: .settings)
        case .elasticache(let e): try c.encode(e, forKey: .settings)
        case .upstash(let u): try c.encode(u, forKey: .settings)
        }
    }
}
