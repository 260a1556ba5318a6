import InferaPlan

/// What applying a desired instance to an existing one takes.
public struct MemorystoreChange: Sendable, Hashable {
    /// Fields for `PATCH ?updateMask=` in Terraform's order (empty: no PATCH).
    public var updateMask: [String]
    /// Target version for `:upgrade`, when the desired version is newer.
    public var upgradeTo: String?
    /// Why the instance must be replaced (empty: in place).
    public var replaceReasons: [String]

    public var isEmpty: Bool { updateMask.isEmpty && upgradeTo == nil && replaceReasons.isEmpty }
}

/// Desired instance from the spec, and the comparison with the live one.
public enum MemorystoreDiff {
    /// The updateMask order the Google Terraform provider uses (providers.md §1.1).
    public static let maskOrder = ["authEnabled", "displayName", "redisConfigs", "persistenceConfig", "maintenancePolicy",
                                   "maintenanceVersion", "memorySizeGb", "replicaCount", "readReplicasMode",
                                   "secondaryIpRange", "labels"]

    /// Versions in release order.
    public static let versions = ["REDIS_3_2", "REDIS_4_0", "REDIS_5_0", "REDIS_6_X", "REDIS_7_0", "REDIS_7_2"]

    /// The instance infera wants for `spec` in `project`.
    public static func desired(_ spec: DeploymentSpec, _ m: MemorystoreSpec, project: String) -> RedisInstance {
        var i = RedisInstance()
        i.displayName = "Redis for \(spec.projectName) (\(spec.environment))"
        i.labels = Dictionary(uniqueKeysWithValues: spec.effectiveLabels.map { ($0.key, $0.value) })
        i.tier = m.tier
        i.memorySizeGb = m.memorySizeGB
        i.redisVersion = m.redisVersion
        i.authEnabled = m.authEnabled
        i.transitEncryptionMode = m.transitEncryption ? "SERVER_AUTHENTICATION" : "DISABLED"
        i.connectMode = m.connectMode
        if case .string(let n) = DesiredState.networkPath(m.network, project: project) { i.authorizedNetwork = n }
        if m.isStandardHA {
            i.replicaCount = m.effectiveReplicaCount
            i.readReplicasMode = m.readReplicas ? "READ_REPLICAS_ENABLED" : "READ_REPLICAS_DISABLED"
        }
        i.redisConfigs = m.redisConfigs.isEmpty ? nil : m.redisConfigs
        var p = PersistenceConfig(persistenceMode: m.persistenceMode)
        if m.persistenceMode == "RDB" { p.rdbSnapshotPeriod = m.snapshotPeriod ?? "TWENTY_FOUR_HOURS" }
        i.persistenceConfig = p
        if let w = m.maintenance {
            i.maintenancePolicy = MaintenancePolicy(weeklyMaintenanceWindow: [
                WeeklyMaintenanceWindow(day: w.day, startTime: TimeOfDay(hours: w.hour, minutes: w.minute)),
            ])
        }
        i.customerManagedKey = m.kmsKey
        i.reservedIpRange = m.reservedIPRange
        return i
    }

    /// Compares desired with live. Fields the API cannot change give replacement reasons; a version
    /// increase is an `:upgrade`, a decrease a replacement; the rest is the PATCH mask.
    public static func compare(desired d: RedisInstance, live l: RedisInstance) -> MemorystoreChange {
        var reasons: [String] = []
        func immutable(_ field: String, _ a: String?, _ b: String?, default def: String? = nil) {
            let want = a ?? def, have = b ?? def
            if want != have { reasons.append("\(field): \(have ?? "(unset)") → \(want ?? "(unset)") cannot be changed in place") }
        }
        immutable("tier", d.tier, l.tier)
        if let want = d.authorizedNetwork, let have = l.authorizedNetwork,
           !Differ.sameResource(type: "google_redis_instance", attribute: "authorized_network", .string(have), .string(want)) {
            immutable("authorizedNetwork", want, have)
        }
        immutable("connectMode", d.connectMode, l.connectMode, default: "DIRECT_PEERING")
        immutable("transitEncryptionMode", d.transitEncryptionMode, l.transitEncryptionMode, default: "DISABLED")
        immutable("customerManagedKey", d.customerManagedKey, l.customerManagedKey)
        if let r = d.reservedIpRange, r != l.reservedIpRange, l.reservedIpRange != nil, !(l.reservedIpRange ?? "").hasPrefix(r) {
            immutable("reservedIpRange", d.reservedIpRange, l.reservedIpRange)
        }
        var upgrade: String?
        if let want = d.redisVersion, let have = l.redisVersion, want != have {
            let wi = versions.firstIndex(of: want) ?? -1, hi = versions.firstIndex(of: have) ?? -1
            if wi > hi { upgrade = want } else { reasons.append("redisVersion: \(have) → \(want) is a downgrade, which Memorystore cannot do in place") }
        }
        if l.readReplicasMode == "READ_REPLICAS_ENABLED", d.readReplicasMode == "READ_REPLICAS_DISABLED" {
            reasons.append("readReplicasMode: read replicas cannot be disabled once enabled")
        }
        var mask: [String] = []
        for f in maskOrder where differs(f, d, l) { mask.append(f) }
        return MemorystoreChange(updateMask: mask, upgradeTo: upgrade, replaceReasons: reasons)
    }

    static func differs(_ field: String, _ d: RedisInstance, _ l: RedisInstance) -> Bool {
        switch field {
        case "authEnabled": return (d.authEnabled ?? false) != (l.authEnabled ?? false)
        case "displayName": return d.displayName != nil && d.displayName != l.displayName
        case "redisConfigs": return (d.redisConfigs ?? [:]) != (l.redisConfigs ?? [:])
        case "persistenceConfig":
            guard let dp = d.persistenceConfig else { return false }
            let lp = l.persistenceConfig
            let lmode = lp?.persistenceMode ?? "DISABLED"
            if (dp.persistenceMode ?? "DISABLED") != lmode { return true }
            return lmode == "RDB" && dp.rdbSnapshotPeriod != nil && dp.rdbSnapshotPeriod != lp?.rdbSnapshotPeriod
        case "maintenancePolicy":
            func key(_ p: MaintenancePolicy?) -> [String] {
                (p?.weeklyMaintenanceWindow ?? []).map { "\($0.day ?? "")@\($0.startTime?.hours ?? 0):\($0.startTime?.minutes ?? 0)" }
            }
            return d.maintenancePolicy != nil && key(d.maintenancePolicy) != key(l.maintenancePolicy)
        case "maintenanceVersion": return d.maintenanceVersion != nil && d.maintenanceVersion != l.maintenanceVersion
        case "memorySizeGb": return d.memorySizeGb != nil && d.memorySizeGb != l.memorySizeGb
        case "replicaCount": return d.replicaCount != nil && d.replicaCount != (l.replicaCount ?? 0)
        case "readReplicasMode":
            return d.readReplicasMode != nil && d.readReplicasMode != (l.readReplicasMode ?? "READ_REPLICAS_DISABLED")
                && !(l.readReplicasMode == "READ_REPLICAS_ENABLED")
        case "secondaryIpRange": return false
        case "labels": return (d.labels ?? [:]) != (l.labels ?? [:])
        default: return false
        }
    }

    /// `instance` with only the fields named in `mask` kept.
    public static func masked(_ instance: RedisInstance, _ mask: [String]) -> RedisInstance {
        var o = RedisInstance()
        for f in mask {
            switch f {
            case "authEnabled": o.authEnabled = instance.authEnabled ?? false
            case "displayName": o.displayName = instance.displayName
            case "redisConfigs": o.redisConfigs = instance.redisConfigs ?? [:]
            case "persistenceConfig": o.persistenceConfig = instance.persistenceConfig
            case "maintenancePolicy": o.maintenancePolicy = instance.maintenancePolicy
            case "maintenanceVersion": o.maintenanceVersion = instance.maintenanceVersion
            case "memorySizeGb": o.memorySizeGb = instance.memorySizeGb
            case "replicaCount": o.replicaCount = instance.replicaCount
            case "readReplicasMode": o.readReplicasMode = instance.readReplicasMode
            case "labels": o.labels = instance.labels ?? [:]
            default: break
            }
        }
        return o
    }
}
