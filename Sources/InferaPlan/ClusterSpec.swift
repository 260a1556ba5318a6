import InferaConfig

/// A sharded deployment (`cache.mode: cluster`): Memorystore for Redis Cluster or ElastiCache with cluster mode
/// enabled. The provider half (`ProviderSpec`) keeps the settings both modes share (TLS, persistence, network,
/// parameters); this holds the layout and what only clusters have.
public struct ClusterSpec: Sendable, Hashable, Codable {
    /// Shards (Memorystore `shardCount`, ElastiCache `NumNodeGroups`).
    public var shards: Int
    /// Replicas of each shard's primary (Memorystore `replicaCount`, ElastiCache `ReplicasPerNodeGroup`).
    public var replicasPerShard: Int
    /// Node type of every node: `REDIS_HIGHMEM_MEDIUM` (Memorystore) or `cache.r7g.large` (ElastiCache).
    public var nodeType: String
    /// Memorystore: `AUTH_MODE_IAM_AUTH` or `AUTH_MODE_DISABLED`.
    public var authorizationMode: String?
    /// Memorystore: subnetwork where Private Service Connect reserves the endpoints' addresses.
    public var subnetwork: String?
    /// Memorystore: `deletionProtectionEnabled`.
    public var deletionProtection: Bool

    public init(shards: Int = 3, replicasPerShard: Int = 1, nodeType: String, authorizationMode: String? = nil,
                subnetwork: String? = nil, deletionProtection: Bool = false) {
        self.shards = shards
        self.replicasPerShard = replicasPerShard
        self.nodeType = nodeType
        self.authorizationMode = authorizationMode
        self.subnetwork = subnetwork
        self.deletionProtection = deletionProtection
    }

    /// Nodes billed and run: shards × (1 + replicas per shard).
    public var nodeCount: Int { shards * (1 + replicasPerShard) }

    /// Memory of one Memorystore cluster node in GB, nil for other node types.
    public var memorystoreNodeGB: Double? { MemorystoreClusterNodeType(rawValue: nodeType)?.memoryGB }

    /// True when clients must authenticate with IAM access tokens (Memorystore).
    public var iamAuth: Bool { authorizationMode == ClusterAuthorizationMode.iamAuth.apiValue }

    enum CodingKeys: String, CodingKey {
        case shards, replicasPerShard = "replicas_per_shard", nodeType = "node_type", authorizationMode = "authorization_mode"
        case subnetwork, deletionProtection = "deletion_protection"
    }
}

extension DeploymentSpec {
    /// True in cluster mode.
    public var isCluster: Bool { cluster != nil }

    /// The folder of `templates/` the module is rendered from: the provider's name, `-cluster` in cluster mode.
    public var templateDirectory: String { isCluster ? providerName + "-cluster" : providerName }

    /// Expected minutes for an online layout change, as the providers document them (for the plan's notes):
    /// ElastiCache online resharding moves slots at roughly one shard per 10–20 minutes; Memorystore scales
    /// shards in about 10–20 minutes per shard added or removed; adding or removing replicas takes 5–15 minutes.
    public static func expectedMinutes(shardsBefore: Int, shardsAfter: Int) -> ClosedRange<Int> {
        let n = max(1, abs(shardsAfter - shardsBefore))
        return (10 * n)...(20 * n)
    }
}
