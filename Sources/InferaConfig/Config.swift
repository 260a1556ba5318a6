import InferaDiagnostics

// The immutable, validated model of infera.yaml. Every value is resolved: defaults are applied, enums are typed,
// values taken from the environment say so. A plan generator reads this and never the YAML.

/// Where the application runs (the top-level `provider`).
public enum CloudProvider: String, Sendable, Hashable, Codable, CaseIterable {
    /// Google Cloud.
    case gcp
    /// Amazon Web Services.
    case aws
    /// No cloud of ours: the cache is an Upstash database reached over TLS.
    case upstash

    /// The managed cache used when `cache.provider` is omitted.
    public var defaultCacheProvider: CacheProvider {
        switch self {
        case .gcp: .memorystore
        case .aws: .elasticache
        case .upstash: .upstash
        }
    }

    /// Cache providers that can serve an application on this cloud (Upstash is reachable from anywhere).
    public var compatibleCacheProviders: [CacheProvider] {
        switch self {
        case .gcp: [.memorystore, .upstash]
        case .aws: [.elasticache, .upstash]
        case .upstash: [.upstash]
        }
    }

    /// Human name for messages.
    public var displayName: String {
        switch self {
        case .gcp: "GCP"
        case .aws: "AWS"
        case .upstash: "Upstash"
        }
    }
}

/// The managed Redis service (`cache.provider`).
public enum CacheProvider: String, Sendable, Hashable, Codable, CaseIterable {
    /// GCP Memorystore for Redis.
    case memorystore
    /// AWS ElastiCache (Redis OSS or Valkey replication group).
    case elasticache
    /// Upstash global Redis database.
    case upstash

    /// Human name for messages.
    public var displayName: String {
        switch self {
        case .memorystore: "Memorystore"
        case .elasticache: "ElastiCache"
        case .upstash: "Upstash"
        }
    }

    /// The cloud the service belongs to (Upstash is its own).
    public var cloud: CloudProvider {
        switch self {
        case .memorystore: .gcp
        case .elasticache: .aws
        case .upstash: .upstash
        }
    }
}

/// The kind of cache (`cache.type`). Only Redis today.
public enum CacheType: String, Sendable, Hashable, Codable, CaseIterable {
    case redis
}

/// Where a resolved value came from.
public enum ValueSource: Sendable, Hashable, Codable {
    /// Written in infera.yaml at this place.
    case file(SourceLocation)
    /// Read from this environment variable.
    case environment(String)
    /// Not given; infera's default.
    case defaulted
}

/// A value together with where it came from.
public struct Sourced<Value: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    public var value: Value
    public var source: ValueSource

    public init(_ value: Value, source: ValueSource) {
        self.value = value
        self.source = source
    }
}

/// The validated contents of infera.yaml.
public struct Config: Sendable, Hashable, Codable {
    /// The file the config was read from (as given, for messages).
    public var file: String
    /// `project_name`: the base of every resource name (see `resourceName`).
    public var projectName: String
    /// `provider`: the cloud the application runs on.
    public var provider: CloudProvider
    /// `region`: the application's region (GCP `us-central1`, AWS `us-east-1`); from the file or
    /// `CLOUDSDK_COMPUTE_REGION` / `AWS_REGION` / `AWS_DEFAULT_REGION`. For `provider: upstash` it defaults to the
    /// Upstash primary region.
    public var region: Sourced<String>
    /// `environment`: a label such as `production`, `staging`, `development` (default `production`).
    public var environment: String
    /// Account settings `apply` needs, from the file or the usual environment variables.
    public var account: AccountSettings
    /// `cache`: the managed Redis to provision.
    public var cache: CacheConfig
    /// `application`: how the application reaches the cache (optional).
    public var application: ApplicationConfig?
    /// Where each key written in the file sits, by dotted path (`cache.instance.tier` → its value's place).
    /// Use it to point plan diagnostics at the line that caused them.
    public var locations: [String: SourceLocation]

    public init(file: String, projectName: String, provider: CloudProvider, region: Sourced<String>, environment: String,
                account: AccountSettings, cache: CacheConfig, application: ApplicationConfig?, locations: [String: SourceLocation]) {
        self.file = file
        self.projectName = projectName
        self.provider = provider
        self.region = region
        self.environment = environment
        self.account = account
        self.cache = cache
        self.application = application
        self.locations = locations
    }

    /// The name of the primary cache resource: `<project_name>-redis` (Memorystore instance id, ElastiCache
    /// replication group id, Upstash database name). Validation guarantees it is legal on the chosen provider.
    public var resourceName: String { projectName + ResourceNaming.cacheSuffix }

    /// Where the value at a dotted path was written, when it was written in the file.
    public func location(of path: String) -> SourceLocation? { locations[path] }

    /// True when the environment is a production one (`production` or `prod`).
    public var isProduction: Bool { environment == "production" || environment == "prod" }
}

/// Conventions for names derived from `project_name`, shared by validation and the plan generator.
public enum ResourceNaming {
    /// Suffix of the cache resource: `<project>-redis`.
    public static let cacheSuffix = "-redis"
    /// Longest project name for which every derived name is legal, per cache provider.
    public static func maxProjectNameLength(for provider: CacheProvider) -> Int {
        switch provider {
        case .memorystore: 40 - cacheSuffix.count   // instance id: 1–40 chars
        case .elasticache: 40 - cacheSuffix.count   // replication group id: 1–40 chars
        case .upstash: 64 - cacheSuffix.count
        }
    }
}

/// Credentials-free account settings that `plan`/`apply` need.
public struct AccountSettings: Sendable, Hashable, Codable {
    /// GCP project id: `gcp.project_id`, else `GOOGLE_CLOUD_PROJECT`, `CLOUDSDK_CORE_PROJECT`, `GOOGLE_PROJECT`.
    public var gcpProjectID: Sourced<String>?
    /// AWS account id (12 digits): `aws.account_id` (optional; used to check credentials point at the right account).
    public var awsAccountID: Sourced<String>?
    /// AWS named profile: `aws.profile`, else `AWS_PROFILE`.
    public var awsProfile: Sourced<String>?
    /// Upstash account email: `upstash.email`, else `UPSTASH_EMAIL`.
    public var upstashEmail: Sourced<String>?
    /// True when `UPSTASH_API_KEY` is set (the key itself is never stored in the config).
    public var upstashAPIKeyPresent: Bool

    public init(gcpProjectID: Sourced<String>? = nil, awsAccountID: Sourced<String>? = nil, awsProfile: Sourced<String>? = nil,
                upstashEmail: Sourced<String>? = nil, upstashAPIKeyPresent: Bool = false) {
        self.gcpProjectID = gcpProjectID
        self.awsAccountID = awsAccountID
        self.awsProfile = awsProfile
        self.upstashEmail = upstashEmail
        self.upstashAPIKeyPresent = upstashAPIKeyPresent
    }
}

/// The `cache` section.
public struct CacheConfig: Sendable, Hashable, Codable {
    /// `cache.type`.
    public var type: CacheType
    /// `cache.provider` (defaults from the top-level provider).
    public var provider: CacheProvider
    /// The provider-specific settings; the case always matches `provider`.
    public var settings: CacheSettings
    /// `cache.mode` (default standalone).
    public var mode: CacheMode = .standalone
    /// The sharded layout when `mode == .cluster` (Memorystore for Redis Cluster, ElastiCache cluster mode enabled).
    public var cluster: ClusterSettings?
    /// `cache.workload`: what the application expects to store and send (sizing checks).
    public var workload: WorkloadSettings?

    public init(type: CacheType, provider: CacheProvider, settings: CacheSettings) {
        self.type = type
        self.provider = provider
        self.settings = settings
    }

    /// The Memorystore settings when `provider == .memorystore`.
    public var memorystore: MemorystoreConfig? {
        if case .memorystore(let m) = settings { return m }
        return nil
    }

    /// The ElastiCache settings when `provider == .elasticache`.
    public var elasticache: ElastiCacheConfig? {
        if case .elasticache(let e) = settings { return e }
        return nil
    }

    /// The Upstash settings when `provider == .upstash`.
    public var upstash: UpstashConfig? {
        if case .upstash(let u) = settings { return u }
        return nil
    }
}

/// Provider-specific cache settings.
public enum CacheSettings: Sendable, Hashable, Codable {
    case memorystore(MemorystoreConfig)
    case elasticache(ElastiCacheConfig)
    case upstash(UpstashConfig)
}

/// Redis `maxmemory-policy` values (the same on every provider that lets you choose).
public enum EvictionPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    case volatileLRU = "volatile-lru"
    case allkeysLRU = "allkeys-lru"
    case volatileLFU = "volatile-lfu"
    case allkeysLFU = "allkeys-lfu"
    case volatileRandom = "volatile-random"
    case allkeysRandom = "allkeys-random"
    case volatileTTL = "volatile-ttl"
    case noEviction = "noeviction"
}

/// A time of day in UTC, `HH:MM`.
public struct TimeOfDay: Sendable, Hashable, Codable, CustomStringConvertible {
    public var hour: Int
    public var minute: Int

    public init(hour: Int, minute: Int) {
        self.hour = hour
        self.minute = minute
    }

    /// Parses `H:MM` or `HH:MM` (00:00–23:59).
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h), (0...59).contains(m) else { return nil }
        self.hour = h
        self.minute = m
    }

    /// Minutes since midnight.
    public var minutes: Int { hour * 60 + minute }

    /// `HH:MM`.
    public var description: String {
        (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }
}

// MARK: - Memorystore

/// Memorystore service tier.
public enum MemorystoreTier: String, Sendable, Hashable, Codable, CaseIterable {
    /// One node, no replication, no SLA.
    case basic = "BASIC"
    /// Primary plus replica(s) with automatic failover.
    case standardHA = "STANDARD_HA"
}

/// Memorystore Redis versions (`redisVersion`).
public enum MemorystoreVersion: String, Sendable, Hashable, Codable, CaseIterable {
    case redis32 = "REDIS_3_2"
    case redis40 = "REDIS_4_0"
    case redis50 = "REDIS_5_0"
    case redis6x = "REDIS_6_X"
    case redis70 = "REDIS_7_0"
    case redis72 = "REDIS_7_2"
}

/// Memorystore persistence mode.
public enum PersistenceMode: String, Sendable, Hashable, Codable, CaseIterable {
    case disabled = "DISABLED"
    case rdb = "RDB"
}

/// Memorystore RDB snapshot period.
public enum SnapshotPeriod: String, Sendable, Hashable, Codable, CaseIterable {
    case oneHour = "ONE_HOUR"
    case sixHours = "SIX_HOURS"
    case twelveHours = "TWELVE_HOURS"
    case twentyFourHours = "TWENTY_FOUR_HOURS"
}

/// How Memorystore attaches to the VPC.
public enum ConnectMode: String, Sendable, Hashable, Codable, CaseIterable {
    case directPeering = "DIRECT_PEERING"
    case privateServiceAccess = "PRIVATE_SERVICE_ACCESS"
}

/// Day of the week (GCP spelling).
public enum DayOfWeek: String, Sendable, Hashable, Codable, CaseIterable {
    case monday = "MONDAY", tuesday = "TUESDAY", wednesday = "WEDNESDAY", thursday = "THURSDAY"
    case friday = "FRIDAY", saturday = "SATURDAY", sunday = "SUNDAY"
}

/// Memorystore redis_configs keys infera accepts under `cache.redis_config` (`maxmemory-policy` has its own key).
public enum MemorystoreRedisConfigKey: String, Sendable, Hashable, Codable, CaseIterable {
    case notifyKeyspaceEvents = "notify-keyspace-events"
    case activedefrag
    case lfuDecayTime = "lfu-decay-time"
    case lfuLogFactor = "lfu-log-factor"
    case maxmemoryGB = "maxmemory-gb"
    case streamNodeMaxBytes = "stream-node-max-bytes"
    case streamNodeMaxEntries = "stream-node-max-entries"
}

/// `cache.persistence` for Memorystore.
public struct MemorystorePersistence: Sendable, Hashable, Codable {
    public var mode: PersistenceMode
    /// Set when `mode == .rdb` (default `TWENTY_FOUR_HOURS`).
    public var snapshotPeriod: SnapshotPeriod?
    /// First snapshot time (UTC), optional.
    public var snapshotStartTime: TimeOfDay?

    public init(mode: PersistenceMode, snapshotPeriod: SnapshotPeriod?, snapshotStartTime: TimeOfDay?) {
        self.mode = mode
        self.snapshotPeriod = snapshotPeriod
        self.snapshotStartTime = snapshotStartTime
    }
}

/// `cache.networking` for Memorystore.
public struct MemorystoreNetworking: Sendable, Hashable, Codable {
    /// VPC network name or full path (`default` unless set).
    public var network: String
    /// `DIRECT_PEERING` (default) or `PRIVATE_SERVICE_ACCESS`.
    public var connectMode: ConnectMode
    /// CIDR range reserved for the instance, optional.
    public var reservedIPRange: String?
    /// True when serverless clients (Cloud Run, Cloud Functions) reach the instance through a Serverless VPC Access
    /// connector, named in `application.vpc_connector`.
    public var vpcConnector: Bool

    public init(network: String, connectMode: ConnectMode, reservedIPRange: String?, vpcConnector: Bool) {
        self.network = network
        self.connectMode = connectMode
        self.reservedIPRange = reservedIPRange
        self.vpcConnector = vpcConnector
    }
}

/// A weekly maintenance window start (Memorystore: one hour from `startTime`, UTC).
public struct WeeklyMaintenanceWindow: Sendable, Hashable, Codable {
    public var day: DayOfWeek
    public var startTime: TimeOfDay

    public init(day: DayOfWeek, startTime: TimeOfDay) {
        self.day = day
        self.startTime = startTime
    }
}

/// Settings for `cache.provider: memorystore`.
public struct MemorystoreConfig: Sendable, Hashable, Codable {
    /// `instance.tier` (default `BASIC`).
    public var tier: MemorystoreTier
    /// `instance.memory_size_gb`, 1–300 (default 1).
    public var memorySizeGB: Int
    /// `instance.replica_count`: 0 for BASIC; 1 for STANDARD_HA; 1–5 (default 2) with read replicas.
    public var replicaCount: Int
    /// `instance.read_replicas` (`readReplicasMode = READ_REPLICAS_ENABLED`).
    public var readReplicasEnabled: Bool
    /// `version` (default `REDIS_7_0`).
    public var version: MemorystoreVersion
    /// `security.auth_enabled` (default true).
    public var authEnabled: Bool
    /// `security.transit_encryption` (`SERVER_AUTHENTICATION`, default true).
    public var transitEncryption: Bool
    /// `security.customer_managed_key`: a Cloud KMS key for CMEK, optional.
    public var customerManagedKey: String?
    /// `persistence`.
    public var persistence: MemorystorePersistence
    /// `networking`.
    public var networking: MemorystoreNetworking
    /// `maintenance` (optional).
    public var maintenance: WeeklyMaintenanceWindow?
    /// `labels` (the generator adds `environment` and `managed-by` itself).
    public var labels: [String: String]
    /// `eviction_policy` (`maxmemory-policy`), optional (provider default `volatile-lru`).
    public var evictionPolicy: EvictionPolicy?
    /// `redis_config`: other redis_configs, keyed by their Redis names.
    public var redisConfig: [String: String]

    public init(tier: MemorystoreTier, memorySizeGB: Int, replicaCount: Int, readReplicasEnabled: Bool, version: MemorystoreVersion,
                authEnabled: Bool, transitEncryption: Bool, customerManagedKey: String?, persistence: MemorystorePersistence,
                networking: MemorystoreNetworking, maintenance: WeeklyMaintenanceWindow?, labels: [String: String],
                evictionPolicy: EvictionPolicy?, redisConfig: [String: String]) {
        self.tier = tier
        self.memorySizeGB = memorySizeGB
        self.replicaCount = replicaCount
        self.readReplicasEnabled = readReplicasEnabled
        self.version = version
        self.authEnabled = authEnabled
        self.transitEncryption = transitEncryption
        self.customerManagedKey = customerManagedKey
        self.persistence = persistence
        self.networking = networking
        self.maintenance = maintenance
        self.labels = labels
        self.evictionPolicy = evictionPolicy
        self.redisConfig = redisConfig
    }
}

// MARK: - ElastiCache

/// ElastiCache engine.
public enum ElastiCacheEngine: String, Sendable, Hashable, Codable, CaseIterable {
    case redis
    case valkey
}

/// `cache.networking` for ElastiCache. Empty lists mean "let the generator create them".
public struct ElastiCacheNetworking: Sendable, Hashable, Codable {
    /// Existing VPC (`vpc-…`), optional.
    public var vpcID: String?
    /// Existing private subnets (`subnet-…`) for the subnet group.
    public var subnetIDs: [String]
    /// Existing security groups (`sg-…`) to attach.
    public var securityGroupIDs: [String]
    /// CIDR blocks allowed to reach port 6379 when the generator creates the security group.
    public var allowedCIDRs: [String]

    public init(vpcID: String?, subnetIDs: [String], securityGroupIDs: [String], allowedCIDRs: [String]) {
        self.vpcID = vpcID
        self.subnetIDs = subnetIDs
        self.securityGroupIDs = securityGroupIDs
        self.allowedCIDRs = allowedCIDRs
    }
}

/// Settings for `cache.provider: elasticache` (a replication group, cluster mode disabled).
public struct ElastiCacheConfig: Sendable, Hashable, Codable {
    /// `engine` (default `redis`).
    public var engine: ElastiCacheEngine
    /// `version`: engine version (`7.1`, `7.0`, `6.2`, … for Redis; `7.2`, `8.0`, `8.1` for Valkey; default `7.1` / `8.0`).
    public var engineVersion: String
    /// `instance.node_type`, e.g. `cache.t4g.micro`, `cache.r7g.large` (default `cache.t4g.micro`).
    public var nodeType: String
    /// `instance.replica_count`, 0–5 (default 1): `num_cache_clusters = replicaCount + 1`.
    public var replicaCount: Int
    /// `instance.automatic_failover` (default: replicas > 0).
    public var automaticFailover: Bool
    /// `instance.multi_az` (default: replicas > 0).
    public var multiAZ: Bool
    /// `security.auth_token`: generate an AUTH token and keep it in Secrets Manager (default true).
    public var authToken: Bool
    /// `security.transit_encryption` (default true).
    public var transitEncryption: Bool
    /// `security.at_rest_encryption` (default true).
    public var atRestEncryption: Bool
    /// `security.kms_key_id`: a customer-managed KMS key (ARN, key id or alias) for at-rest encryption, optional.
    public var kmsKeyID: String?
    /// `snapshots.retention_days`, 0–35 (default 1; 0 disables backups).
    public var snapshotRetentionDays: Int
    /// `snapshots.window`, `HH:MM-HH:MM` UTC, optional.
    public var snapshotWindow: String?
    /// `maintenance.window`, `ddd:HH:MM-ddd:HH:MM` UTC, optional.
    public var maintenanceWindow: String?
    /// `eviction_policy` (parameter group `maxmemory-policy`), optional.
    public var evictionPolicy: EvictionPolicy?
    /// `parameters`: other parameter group settings, by Redis name.
    public var parameters: [String: String]
    /// `networking`.
    public var networking: ElastiCacheNetworking
    /// `tags`.
    public var tags: [String: String]
    /// Port (6379).
    public var port: Int
    /// `apply_immediately`: in-place changes start at once (true) or in the next maintenance window (false, the default,
    /// like Terraform's `apply_immediately`).
    public var applyImmediately: Bool = false

    public init(engine: ElastiCacheEngine, engineVersion: String, nodeType: String, replicaCount: Int, automaticFailover: Bool,
                multiAZ: Bool, authToken: Bool, transitEncryption: Bool, atRestEncryption: Bool, kmsKeyID: String?,
                snapshotRetentionDays: Int, snapshotWindow: String?, maintenanceWindow: String?, evictionPolicy: EvictionPolicy?,
                parameters: [String: String], networking: ElastiCacheNetworking, tags: [String: String], port: Int = 6379,
                applyImmediately: Bool = false) {
        self.engine = engine
        self.applyImmediately = applyImmediately
        self.engineVersion = engineVersion
        self.nodeType = nodeType
        self.replicaCount = replicaCount
        self.automaticFailover = automaticFailover
        self.multiAZ = multiAZ
        self.authToken = authToken
        self.transitEncryption = transitEncryption
        self.atRestEncryption = atRestEncryption
        self.kmsKeyID = kmsKeyID
        self.snapshotRetentionDays = snapshotRetentionDays
        self.snapshotWindow = snapshotWindow
        self.maintenanceWindow = maintenanceWindow
        self.evictionPolicy = evictionPolicy
        self.parameters = parameters
        self.networking = networking
        self.tags = tags
        self.port = port
    }

    /// `num_cache_clusters`: the primary plus its replicas.
    public var nodeCount: Int { replicaCount + 1 }

    /// The parameter group family for the engine and version (`redis7`, `redis6.x`, `redis5.0`, `valkey7`, `valkey8`).
    public var parameterGroupFamily: String {
        let major = engineVersion.split(separator: ".").first.map(String.init) ?? engineVersion
        switch engine {
        case .valkey: return "valkey\(major)"
        case .redis:
            switch major {
            case "6": return "redis6.x"
            case "5": return "redis5.0"
            case "4": return "redis4.0"
            default: return "redis\(major)"
            }
        }
    }
}

// MARK: - Upstash

/// Upstash plans (`plan`).
public enum UpstashPlan: String, Sendable, Hashable, Codable, CaseIterable {
    case free, payg
    case fixed250MB = "fixed_250mb", fixed1GB = "fixed_1gb", fixed5GB = "fixed_5gb", fixed10GB = "fixed_10gb"
    case fixed50GB = "fixed_50gb", fixed100GB = "fixed_100gb", fixed500GB = "fixed_500gb"
}

/// Settings for `cache.provider: upstash` (a global database).
public struct UpstashConfig: Sendable, Hashable, Codable {
    /// `primary_region` (defaults to the top-level `region`).
    public var primaryRegion: String
    /// `read_regions` (AWS regions only, never the primary).
    public var readRegions: [String]
    /// The platform of the primary region: `aws` or `gcp`.
    public var platform: String
    /// `tls` (default true; Upstash enables TLS on every new database).
    public var tls: Bool
    /// `eviction` (default true: evict instead of failing writes when full).
    public var eviction: Bool
    /// `plan` (default `payg`).
    public var plan: UpstashPlan
    /// `budget`: monthly USD cap for pay-as-you-go, optional.
    public var budget: Int?

    public init(primaryRegion: String, readRegions: [String], platform: String, tls: Bool, eviction: Bool, plan: UpstashPlan, budget: Int?) {
        self.primaryRegion = primaryRegion
        self.readRegions = readRegions
        self.platform = platform
        self.tls = tls
        self.eviction = eviction
        self.plan = plan
        self.budget = budget
    }
}

// MARK: - Application

/// Where the application runs (`application.service`).
public enum ApplicationService: String, Sendable, Hashable, Codable, CaseIterable {
    // GCP
    case cloudRun = "cloud_run", cloudFunctions = "cloud_functions", appEngine = "app_engine", gke, computeEngine = "compute_engine"
    // AWS
    case ecs, eks, lambda, ec2, appRunner = "app_runner", elasticBeanstalk = "elastic_beanstalk"
    // anywhere
    case kubernetes, vercel, fly, other

    /// The cloud this service belongs to, or nil when it runs anywhere.
    public var cloud: CloudProvider? {
        switch self {
        case .cloudRun, .cloudFunctions, .appEngine, .gke, .computeEngine: .gcp
        case .ecs, .eks, .lambda, .ec2, .appRunner, .elasticBeanstalk: .aws
        case .kubernetes, .vercel, .fly, .other: nil
        }
    }

    /// True for serverless GCP runtimes that need a Serverless VPC Access connector (or Direct VPC egress) to reach a VPC.
    public var needsServerlessVPCAccess: Bool {
        self == .cloudRun || self == .cloudFunctions || self == .appEngine
    }
}

/// The value of one `application.env` entry.
public enum EnvValue: Sendable, Hashable, Codable {
    /// A literal value written in the file.
    case literal(String)
    /// `from_secret: NAME`: the value is stored in the provider's secret manager under this name.
    case secret(String)
}

/// One environment variable the application receives.
public struct EnvVar: Sendable, Hashable, Codable {
    public var name: String
    public var value: EnvValue

    public init(name: String, value: EnvValue) {
        self.name = name
        self.value = value
    }
}

/// The `application` section.
public struct ApplicationConfig: Sendable, Hashable, Codable {
    /// `service`, optional.
    public var service: ApplicationService?
    /// `vpc_connector`: name of the Serverless VPC Access connector (GCP), optional.
    public var vpcConnector: String?
    /// `env`, sorted by name.
    public var env: [EnvVar]

    public init(service: ApplicationService?, vpcConnector: String?, env: [EnvVar]) {
        self.service = service
        self.vpcConnector = vpcConnector
        self.env = env
    }
}
