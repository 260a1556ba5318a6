import InferaPlan

/// How the local engine is configured for one deployment: the same `DeploymentSpec` `infera plan` uses,
/// turned into engine settings plus the provider's restriction profile.
public struct VerifySettings: Sendable {
    /// The provider's restrictions.
    public var profile: ProviderProfile
    /// AUTH with a random password (Memorystore AUTH string, ElastiCache AUTH token, Upstash password).
    public var auth: Bool
    /// Username in the URL (`default` for Upstash), nil for a bare password.
    public var username: String?
    /// TLS with a throwaway CA and a server certificate for 127.0.0.1 / localhost.
    public var tls: Bool
    /// The planned memory of the deployment, bytes.
    public var plannedMemoryBytes: Int
    /// Fraction of `plannedMemoryBytes` the provider keeps for itself.
    public var reservedFraction: Double
    /// Where the reserve comes from.
    public var reservedSource: String
    /// `--scale`: fraction of memory the engine gets (1 = as planned).
    public var scale: Double
    /// The engine's `maxmemory-policy`.
    public var evictionPolicy: String
    /// The provider's name for the policy (e.g. Upstash's `optimistic-volatile`), when it differs.
    public var providerEvictionName: String
    /// Persistence as planned (e.g. "RDB every ONE_HOUR"), nil when none is planned.
    public var persistence: String?
    /// The same as a plan the engine can be configured with (`PersistenceRehearsal`).
    public var persistencePlan: PersistencePlan?
    /// `redisConfigs` / `parameters` from infera.yaml (without `maxmemory-policy`).
    public var configs: [String: String]
    /// `databases`.
    public var databases: Int
    /// Pay-per-request plan (Upstash pay-as-you-go): USD per 100K commands; nil otherwise.
    public var pricePer100KCommands: Double?
    /// Monthly budget (Upstash), USD.
    public var budget: Int?
    /// Cluster mode: the planned shard count (nil: one primary). See ClusterVerify.swift.
    public var clusterShards: Int?

    /// `maxmemory` the engine runs with: planned minus the reserve, times `scale`.
    public var maxMemoryBytes: Int {
        max(1 << 20, Int((Double(plannedMemoryBytes) * (1 - reservedFraction) * scale).rounded()))
    }

    /// Settings for `spec` at `scale` (0 < scale ≤ 1).
    public init(spec: DeploymentSpec, scale: Double = 1) {
        let gib = 1 << 30
        self.scale = scale
        self.configs = [:]
        self.username = nil
        self.budget = nil
        self.pricePer100KCommands = nil
        self.persistence = nil
        self.persistencePlan = PersistencePlan.planned(for: spec)
        switch spec.provider {
        case .memorystore(let m):
            profile = .memorystore
            auth = m.authEnabled
            tls = m.transitEncryption
            plannedMemoryBytes = m.memorySizeGB * gib
            if m.isStandardHA {
                reservedFraction = 0.10
                reservedSource = "Memorystore product-constraints: STANDARD_HA reserves 10% for the replication backlog"
            } else {
                reservedFraction = 0
                reservedSource = "Memorystore BASIC: no reserve documented"
            }
            if m.persistenceMode == "RDB" { persistence = "RDB snapshots every \(m.snapshotPeriod ?? "ONE_HOUR")" }
            configs = m.redisConfigs
            databases = Int(m.redisConfigs["databases"] ?? "") ?? 16
        case .elasticache(let e):
            profile = .elasticache
            auth = e.authToken
            tls = e.transitEncryption
            plannedMemoryBytes = Int((Self.elasticacheNodeGiB[e.nodeType] ?? 0.5) * Double(gib))
            let pct = Double(e.parameters["reserved-memory-percent"] ?? "") ?? 25
            reservedFraction = pct / 100
            reservedSource = "ElastiCache reserved-memory-percent \(Int(pct)) (default 25, ParameterGroups.Redis.md 2023-05)"
            if e.snapshotRetentionDays > 0 { persistence = "daily snapshot, kept \(e.snapshotRetentionDays) day(s)" }
            configs = e.parameters
            databases = Int(e.parameters["databases"] ?? "") ?? 16
        case .upstash(let u):
            profile = .upstash
            auth = true
            username = "default"
            tls = true
            plannedMemoryBytes = Self.upstashPlanBytes(u.plan, expectedGB: u.expectedStorageGB)
            reservedFraction = 0
            reservedSource = "Upstash: no reserve documented"
            persistence = "always persisted (Upstash stores every write)"
            databases = 1
            budget = u.budget
            if u.plan == "payg" { pricePer100KCommands = Pricing.upstashPer100KCommands }
        }
        configs["maxmemory-policy"] = nil
        clusterShards = ClusterVerify.shards(spec: spec, configs: configs)
        if clusterShards != nil { databases = 1 }   // a cluster has database 0 only
        if case .upstash(let u) = spec.provider {
            // Upstash's optimistic-volatile prefers keys with a TTL, then any key: allkeys-random never
            // refuses a write the provider would accept (features/eviction.mdx).
            evictionPolicy = u.eviction ? "allkeys-random" : "noeviction"
            providerEvictionName = u.eviction ? "optimistic-volatile" : "noeviction (eviction off)"
        } else {
            evictionPolicy = spec.evictionPolicy ?? "volatile-lru"
            providerEvictionName = evictionPolicy
        }
    }

    /// Memory per ElastiCache node type (GiB, AWS's supported node types table).
    public static let elasticacheNodeGiB: [String: Double] = [
        "cache.t3.micro": 0.5, "cache.t4g.micro": 0.5, "cache.t3.small": 1.37, "cache.t4g.small": 1.37,
        "cache.t3.medium": 3.09, "cache.t4g.medium": 3.09, "cache.m6g.large": 6.38, "cache.m7g.large": 6.38,
        "cache.r6g.large": 13.07, "cache.r7g.large": 13.07, "cache.r6g.xlarge": 26.32, "cache.r7g.xlarge": 26.32,
    ]

    /// Data size of an Upstash plan (billing.mdx): fixed plans by name, pay-as-you-go 100 GB (or the
    /// expected storage when the config gives one).
    static func upstashPlanBytes(_ plan: String, expectedGB: Double?) -> Int {
        let mb = 1 << 20
        let gb = 1 << 30
        switch plan {
        case "fixed_250mb": return 250 * mb
        case "fixed_1gb": return gb
        case "fixed_5gb": return 5 * gb
        case "fixed_10gb": return 10 * gb
        case "fixed_50gb": return 50 * gb
        case "fixed_100gb": return 100 * gb
        case "fixed_500gb": return 500 * gb
        default:
            if let e = expectedGB, e > 0 { return Int(e * Double(gb)) }
            return 100 * gb
        }
    }
}

/// Human-readable byte counts (`4.5 GB`, `12.0 MB`, `900 B`).
public func formatBytes(_ n: Int) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"]
    var v = Double(n)
    var i = 0
    while v >= 1024 && i < units.count - 1 { v /= 1024; i += 1 }
    if i == 0 { return "\(n) B" }
    let r = (v * 10).rounded() / 10
    return "\(r) \(units[i])"
}
