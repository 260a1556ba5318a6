// Cluster mode (issue #19): `cache.mode: cluster` turns the cache into a sharded deployment — Memorystore for
// Redis Cluster (`projects.locations.clusters`) or ElastiCache with cluster mode enabled (`NumNodeGroups`).
// Upstash has no such mode.

/// `cache.mode`: one primary (with replicas) or a sharded Redis Cluster.
public enum CacheMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// One primary endpoint (Memorystore instance, ElastiCache cluster mode disabled, Upstash database).
    case standalone
    /// Keys spread over shards by hash slot; clients must speak the Redis Cluster protocol.
    case cluster
}

/// Memorystore for Redis Cluster node types (`Cluster.nodeType`) and the memory each node offers.
public enum MemorystoreClusterNodeType: String, Sendable, Hashable, Codable, CaseIterable {
    case sharedCoreNano = "REDIS_SHARED_CORE_NANO"
    case standardSmall = "REDIS_STANDARD_SMALL"
    case highmemMedium = "REDIS_HIGHMEM_MEDIUM"
    case highmemXLarge = "REDIS_HIGHMEM_XLARGE"

    /// Memory per node in GB (Memorystore for Redis Cluster docs, "node specification": 1.4, 6.5, 13, 58).
    public var memoryGB: Double {
        switch self {
        case .sharedCoreNano: 1.4
        case .standardSmall: 6.5
        case .highmemMedium: 13
        case .highmemXLarge: 58
        }
    }
}

/// Memorystore for Redis Cluster `authorizationMode`.
public enum ClusterAuthorizationMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// `AUTH_MODE_IAM_AUTH`: clients send an IAM access token as the AUTH password.
    case iamAuth = "IAM_AUTH"
    /// `AUTH_MODE_DISABLED`: no authentication.
    case disabled = "DISABLED"

    /// The API's value.
    public var apiValue: String { self == .iamAuth ? "AUTH_MODE_IAM_AUTH" : "AUTH_MODE_DISABLED" }
}

/// The sharded layout and the settings only cluster mode has.
public struct ClusterSettings: Sendable, Hashable, Codable {
    /// `instance.shards`: Memorystore `shardCount` (1–250), ElastiCache `NumNodeGroups` (1–500).
    public var shards: Int
    /// `instance.replicas_per_shard`: Memorystore `replicaCount` (0–2), ElastiCache `ReplicasPerNodeGroup` (0–5).
    public var replicasPerShard: Int
    /// `instance.node_type`: a Memorystore cluster node type, or the ElastiCache node type of every node.
    public var nodeType: String
    /// Memorystore: `security.authorization_mode` (default IAM_AUTH).
    public var authorizationMode: ClusterAuthorizationMode?
    /// Memorystore: `networking.subnetwork`, where Private Service Connect reserves the discovery endpoint's address
    /// (default `default`, the auto-mode subnet of the region).
    public var subnetwork: String?
    /// Memorystore: `deletion_protection` (default on in production).
    public var deletionProtection: Bool

    public init(shards: Int, replicasPerShard: Int, nodeType: String, authorizationMode: ClusterAuthorizationMode? = nil,
                subnetwork: String? = nil, deletionProtection: Bool = false) {
        self.shards = shards
        self.replicasPerShard = replicasPerShard
        self.nodeType = nodeType
        self.authorizationMode = authorizationMode
        self.subnetwork = subnetwork
        self.deletionProtection = deletionProtection
    }

    /// Every node: shards × (1 + replicas).
    public var nodeCount: Int { shards * (1 + replicasPerShard) }
}

extension ConfigSchema {
    /// Memorystore for Redis Cluster limits (`shardCount`, `replicaCount`).
    public static let memorystoreClusterShards = 1...250
    public static let memorystoreClusterReplicas = 0...2
    /// ElastiCache cluster mode limits (`NumNodeGroups`, `ReplicasPerNodeGroup`).
    public static let elasticacheClusterShards = 1...500
    public static let elasticacheClusterReplicas = 0...5

    static let modeProperty = PropertySchema(
        "mode", enumeration(CacheMode.self),
        "standalone (one primary endpoint) or cluster (keys sharded over several primaries; clients need cluster support).",
        default: .string(CacheMode.standalone.rawValue))

    static func shardsProperty(_ range: ClosedRange<Int>, _ what: String) -> PropertySchema {
        PropertySchema("shards", .integer(min: range.lowerBound, max: range.upperBound),
                       "Cluster mode: number of shards (\(what)), \(range.lowerBound)-\(range.upperBound) (default 3).")
    }

    static func replicasPerShardProperty(_ range: ClosedRange<Int>, _ what: String) -> PropertySchema {
        PropertySchema("replicas_per_shard", .integer(min: range.lowerBound, max: range.upperBound),
                       "Cluster mode: replicas of each shard's primary (\(what)), \(range.lowerBound)-\(range.upperBound) (default 1).")
    }
}

/// `cache.workload`: the expected peak, for the plan's sizing check (one node or a cluster).
public struct WorkloadSettings: Sendable, Hashable, Codable {
    /// `data_gb`: data the cache must hold, in GB.
    public var dataGB: Int?
    /// `ops_per_sec`: commands per second at peak.
    public var opsPerSecond: Int?

    public init(dataGB: Int?, opsPerSecond: Int?) {
        self.dataGB = dataGB
        self.opsPerSecond = opsPerSecond
    }
}

extension ConfigSchema {
    static let workloadProperty = PropertySchema("workload", .object(ObjectSchema("Expected peak load; infera plan checks one node can take it (else recommends cache.mode: cluster).", [
        PropertySchema("data_gb", .integer(min: 1, max: 100_000), "Data the cache must hold, in GB."),
        PropertySchema("ops_per_sec", .integer(min: 1, max: 100_000_000), "Commands per second at peak."),
    ])))
}

extension ConfigBuilder {
    func buildWorkload() -> WorkloadSettings? {
        let data = value("cache.workload.data_gb")?.int
        let ops = value("cache.workload.ops_per_sec")?.int
        if data == nil && ops == nil { return nil }
        return WorkloadSettings(dataGB: data, opsPerSecond: ops)
    }
}
