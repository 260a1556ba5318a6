/// Memorystore for Redis Cluster v1 `Cluster` (gcp-redis-v1-discovery.json, `projects.locations.clusters`), the
/// fields infera writes or reads. Encoding omits nil fields, so a value built for a PATCH carries only the masked fields.
public struct RedisCluster: Codable, Sendable, Hashable {
    public var name: String?
    public var shardCount: Int?
    public var replicaCount: Int?
    public var nodeType: String?
    public var authorizationMode: String?
    public var transitEncryptionMode: String?
    public var pscConfigs: [ClusterPscConfig]?
    public var persistenceConfig: ClusterPersistenceConfig?
    public var redisConfigs: [String: String]?
    public var deletionProtectionEnabled: Bool?
    public var kmsKey: String?
    public var maintenancePolicy: ClusterMaintenancePolicy?
    public var zoneDistributionConfig: ZoneDistributionConfig?
    // Output only.
    public var state: String?
    public var stateInfo: ClusterStateInfo?
    public var discoveryEndpoints: [DiscoveryEndpoint]?
    public var sizeGb: Int?
    public var createTime: String?
    public var uid: String?

    public init() {}

    /// The fields that are output only (and the name, which travels in the URL): never sent.
    public var withoutOutputFields: RedisCluster {
        var c = self
        c.name = nil; c.state = nil; c.stateInfo = nil; c.discoveryEndpoints = nil; c.sizeGb = nil; c.createTime = nil; c.uid = nil
        if var m = c.maintenancePolicy { m.createTime = nil; m.updateTime = nil; c.maintenancePolicy = m }
        return c
    }
}

public struct ClusterPscConfig: Codable, Sendable, Hashable {
    public var network: String?
    public init(network: String) { self.network = network }
}

public struct ClusterPersistenceConfig: Codable, Sendable, Hashable {
    public struct RDB: Codable, Sendable, Hashable {
        public var rdbSnapshotPeriod: String?
        public var rdbSnapshotStartTime: String?
    }
    public struct AOF: Codable, Sendable, Hashable {
        public var appendFsync: String?
    }
    public var mode: String?
    public var rdbConfig: RDB?
    public var aofConfig: AOF?

    public init(mode: String, rdbSnapshotPeriod: String? = nil) {
        self.mode = mode
        self.rdbConfig = rdbSnapshotPeriod.map { RDB(rdbSnapshotPeriod: $0) }
    }
}

public struct ClusterMaintenancePolicy: Codable, Sendable, Hashable {
    public struct Window: Codable, Sendable, Hashable {
        public var day: String?
        public var startTime: TimeOfDay?
    }
    public var weeklyMaintenanceWindow: [Window]?
    public var createTime: String?
    public var updateTime: String?

    public init(day: String, hours: Int, minutes: Int) {
        weeklyMaintenanceWindow = [Window(day: day, startTime: TimeOfDay(hours: hours, minutes: minutes))]
    }
}

public struct ZoneDistributionConfig: Codable, Sendable, Hashable {
    public var mode: String?
    public var zone: String?
}

public struct DiscoveryEndpoint: Codable, Sendable, Hashable {
    public var address: String?
    public var port: Int?
}

/// `stateInfo.updateInfo`: the targets of a scaling operation in progress.
public struct ClusterStateInfo: Codable, Sendable, Hashable {
    public struct UpdateInfo: Codable, Sendable, Hashable {
        public var targetShardCount: Int?
        public var targetReplicaCount: Int?
        public var targetNodeType: String?
    }
    public var updateInfo: UpdateInfo?
}

/// Network Connectivity v1 `ServiceConnectionPolicy`: lets a service class (Memorystore for Redis Cluster's
/// `gcp-memorystore-redis`) create Private Service Connect endpoints in a network's subnetworks.
public struct ServiceConnectionPolicy: Codable, Sendable, Hashable {
    public struct PscConfig: Codable, Sendable, Hashable {
        public var subnetworks: [String]?
        public var limit: String?
    }
    /// `pscConnections[]`: one per endpoint a producer made with the policy (output only).
    public struct Connection: Codable, Sendable, Hashable {
        public var state: String?
        public var producerInstanceId: String?
        public var pscConnectionId: String?
    }
    public var name: String?
    public var description: String?
    public var network: String?
    public var serviceClass: String?
    public var pscConfig: PscConfig?
    public var labels: [String: String]?
    // Output only.
    public var infrastructure: String?
    public var pscConnections: [Connection]?
    public var createTime: String?
    public var etag: String?

    public init(description: String, network: String, serviceClass: String, subnetworks: [String], labels: [String: String]) {
        self.description = description
        self.network = network
        self.serviceClass = serviceClass
        self.pscConfig = PscConfig(subnetworks: subnetworks)
        self.labels = labels
    }

    var withoutOutputFields: ServiceConnectionPolicy {
        var p = self
        p.name = nil; p.infrastructure = nil; p.pscConnections = nil; p.createTime = nil; p.etag = nil
        return p
    }
}
