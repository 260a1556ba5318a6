import InferaPlan

/// The cluster infera.yaml asks for, and what it takes to bring a live cluster there: `PATCH`es with exact
/// update masks (the scaling fields `shardCount`, `replicaCount` and `nodeType` one per operation, the API
/// runs one scaling change at a time), or a replacement for fields the API cannot change.
public enum MemorystoreClusterDiff {
    /// Fields changed through `PATCH`, the scaling ones last and each alone.
    public static let scalingFields = ["shardCount", "replicaCount", "nodeType"]

    public static func desired(_ spec: DeploymentSpec, _ m: MemorystoreSpec, _ c: ClusterSpec, project: String) -> RedisCluster {
        var r = RedisCluster()
        r.shardCount = c.shards
        r.replicaCount = c.replicasPerShard
        r.nodeType = c.nodeType
        r.authorizationMode = c.authorizationMode ?? "AUTH_MODE_IAM_AUTH"
        r.transitEncryptionMode = m.transitEncryption ? "TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION" : "TRANSIT_ENCRYPTION_MODE_DISABLED"
        r.pscConfigs = [ClusterPscConfig(network: networkPath(m.network, project: project))]
        r.persistenceConfig = ClusterPersistenceConfig(mode: m.persistenceMode,
                                                       rdbSnapshotPeriod: m.persistenceMode == "RDB" ? (m.snapshotPeriod ?? "TWENTY_FOUR_HOURS") : nil)
        if !m.redisConfigs.isEmpty { r.redisConfigs = m.redisConfigs }
        r.deletionProtectionEnabled = c.deletionProtection
        r.kmsKey = m.kmsKey
        if let w = m.maintenance { r.maintenancePolicy = ClusterMaintenancePolicy(day: w.day, hours: w.hour, minutes: w.minute) }
        return r
    }

    /// `projects/{p}/global/networks/{n}` for a bare name or a self-link.
    public static func networkPath(_ network: String, project: String) -> String {
        if case .string(let s) = DesiredState.networkPath(network, project: project) { return s }
        return "projects/\(project)/global/networks/\(network)"
    }

    public struct Change: Sendable, Hashable {
        /// Why the cluster cannot be changed in place (empty when it can).
        public var replaceReasons: [String] = []
        /// The PATCH masks to send, in order; one operation each.
        public var masks: [[String]] = []
    }

    public static func compare(desired d: RedisCluster, live l: RedisCluster) -> Change {
        var out = Change()
        func replace(_ field: String, _ want: String?, _ have: String?) {
            if let want, want != (have ?? "") { out.replaceReasons.append("\(field) \(have ?? "unset") → \(want) cannot change on a live cluster") }
        }
        replace("authorizationMode", d.authorizationMode, l.authorizationMode ?? "AUTH_MODE_DISABLED")
        replace("transitEncryptionMode", d.transitEncryptionMode, l.transitEncryptionMode ?? "TRANSIT_ENCRYPTION_MODE_DISABLED")
        replace("kmsKey", d.kmsKey, l.kmsKey)
        var general: [String] = []
        if let want = d.redisConfigs, want != (l.redisConfigs ?? [:]) { general.append("redisConfigs") }
        if let want = d.persistenceConfig, !samePersistence(want, l.persistenceConfig) { general.append("persistenceConfig") }
        if let want = d.deletionProtectionEnabled, want != (l.deletionProtectionEnabled ?? false) { general.append("deletionProtectionEnabled") }
        if let want = d.maintenancePolicy, !sameWindow(want, l.maintenancePolicy) { general.append("maintenancePolicy") }
        if !general.isEmpty { out.masks.append(general) }
        if let want = d.shardCount, want != l.shardCount { out.masks.append(["shardCount"]) }
        if let want = d.replicaCount, want != (l.replicaCount ?? 0) { out.masks.append(["replicaCount"]) }
        if let want = d.nodeType, want != l.nodeType { out.masks.append(["nodeType"]) }
        return out
    }

    static func samePersistence(_ a: ClusterPersistenceConfig, _ b: ClusterPersistenceConfig?) -> Bool {
        let mode = b?.mode ?? "DISABLED"
        guard (a.mode ?? "DISABLED") == mode else { return false }
        if mode == "RDB" { return a.rdbConfig?.rdbSnapshotPeriod == (b?.rdbConfig?.rdbSnapshotPeriod ?? "TWENTY_FOUR_HOURS") }
        return true
    }

    static func sameWindow(_ a: ClusterMaintenancePolicy, _ b: ClusterMaintenancePolicy?) -> Bool {
        guard let x = a.weeklyMaintenanceWindow?.first, let y = b?.weeklyMaintenanceWindow?.first else { return false }
        return x.day == y.day && (x.startTime?.hours ?? 0) == (y.startTime?.hours ?? 0) && (x.startTime?.minutes ?? 0) == (y.startTime?.minutes ?? 0)
    }

    /// `c` with only the fields named in `mask` (what a PATCH body carries).
    public static func masked(_ c: RedisCluster, _ mask: [String]) -> RedisCluster {
        var r = RedisCluster()
        for f in mask {
            switch f {
            case "shardCount": r.shardCount = c.shardCount
            case "replicaCount": r.replicaCount = c.replicaCount
            case "nodeType": r.nodeType = c.nodeType
            case "redisConfigs": r.redisConfigs = c.redisConfigs
            case "persistenceConfig": r.persistenceConfig = c.persistenceConfig
            case "deletionProtectionEnabled": r.deletionProtectionEnabled = c.deletionProtectionEnabled
            case "maintenancePolicy": r.maintenancePolicy = c.maintenancePolicy
            default: break
            }
        }
        return r
    }

    /// A progress line for one PATCH: `resharding 3 → 5 shards`, `replicas per shard 1 → 2`, `updating redisConfigs`.
    public static func describe(_ mask: [String], desired d: RedisCluster, live l: RedisCluster) -> String {
        switch mask {
        case ["shardCount"]: "resharding \(l.shardCount ?? 0) → \(d.shardCount ?? 0) shards"
        case ["replicaCount"]: "replicas per shard \(l.replicaCount ?? 0) → \(d.replicaCount ?? 0)"
        case ["nodeType"]: "node type \(l.nodeType ?? "?") → \(d.nodeType ?? "?")"
        default: "updating \(mask.joined(separator: ","))"
        }
    }
}
