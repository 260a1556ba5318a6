import InferaConfig

extension DeploymentSpec {
    /// Maps a validated infera.yaml onto the spec infera plans with. Validation has already enforced the
    /// per-provider rules, so this is a direct translation plus the few derived values (URL secret, labels).
    /// `usage` defaults to a cache plus what the application's environment variable names suggest
    /// (`*SESSION*` → session, `*QUEUE*` / `CELERY*` / `BULL*` / `RQ_*` → queue); `infera detect` findings refine it.
    public init(config: Config, usage: [Usage]? = nil) {
        let usage = usage ?? Self.inferredUsage(envNames: (config.application?.env ?? []).map(\.name))
        // The env var that receives the URL from a secret: REDIS_URL if present, else the first *_URL from a secret.
        var urlEnv = "REDIS_URL"
        var secretName: String?
        let secrets = (config.application?.env ?? []).compactMap { v -> (String, String)? in
            if case .secret(let s) = v.value { return (v.name, s) }
            return nil
        }
        if let hit = secrets.first(where: { $0.0 == "REDIS_URL" }) ?? secrets.first(where: { $0.0.hasSuffix("URL") }) {
            urlEnv = hit.0
            secretName = hit.1
        }
        let provider: ProviderSpec
        var labels: [String: String] = [:]
        switch config.cache.settings {
        case .memorystore(let m):
            labels = m.labels
            var configs = m.redisConfig
            if let e = m.evictionPolicy { configs["maxmemory-policy"] = e.rawValue }
            provider = .memorystore(MemorystoreSpec(
                projectID: config.account.gcpProjectID?.value,
                tier: m.tier.rawValue, memorySizeGB: m.memorySizeGB, replicaCount: m.replicaCount,
                readReplicas: m.readReplicasEnabled, redisVersion: m.version.rawValue, authEnabled: m.authEnabled,
                transitEncryption: m.transitEncryption, persistenceMode: m.persistence.mode.rawValue,
                snapshotPeriod: m.persistence.mode == .rdb ? (m.persistence.snapshotPeriod?.rawValue ?? "TWENTY_FOUR_HOURS") : nil,
                maintenance: m.maintenance.map { MaintenanceWindow(day: $0.day.rawValue, hour: $0.startTime.hour, minute: $0.startTime.minute) },
                network: m.networking.network, connectMode: m.networking.connectMode.rawValue, redisConfigs: configs,
                kmsKey: m.customerManagedKey, reservedIPRange: m.networking.reservedIPRange))
        case .elasticache(let e):
            labels = e.tags
            var params = e.parameters
            if let p = e.evictionPolicy { params["maxmemory-policy"] = p.rawValue }
            if config.cache.mode == .cluster { params["cluster-enabled"] = "yes" }
            provider = .elasticache(ElastiCacheSpec(
                engine: e.engine.rawValue, nodeType: e.nodeType, replicas: e.replicaCount, engineVersion: e.engineVersion,
                authToken: e.authToken, transitEncryption: e.transitEncryption, atRestEncryption: e.atRestEncryption,
                kmsKeyARN: e.kmsKeyID, snapshotRetentionDays: e.snapshotRetentionDays, snapshotWindow: e.snapshotWindow,
                maintenanceWindow: e.maintenanceWindow, parameters: params, vpcID: e.networking.vpcID,
                subnetIDs: e.networking.subnetIDs, clientSecurityGroupIDs: [], clientCIDRBlocks: e.networking.allowedCIDRs,
                securityGroupIDs: e.networking.securityGroupIDs, automaticFailover: e.automaticFailover,
                multiAZ: e.multiAZ, port: e.port, applyImmediately: e.applyImmediately, profile: Self.fileProfile(config)))
        case .upstash(let u):
            provider = .upstash(UpstashSpec(primaryRegion: u.primaryRegion, readRegions: u.readRegions, eviction: u.eviction,
                                            plan: u.plan.rawValue, budget: u.budget))
        }
        let region: String
        if case .upstash(let u) = config.cache.settings { region = u.primaryRegion } else { region = config.region.value }
        self.init(projectName: config.projectName, environment: config.environment, region: region, usage: usage,
                  labels: labels, urlEnvVar: urlEnv, urlSecretName: secretName, provider: provider,
                  cluster: config.cache.cluster.map(ClusterSpec.init(settings:)))
        if let w = config.cache.workload { workload = ExpectedWorkload(dataGB: w.dataGB, opsPerSecond: w.opsPerSecond) }
    }

    /// `aws.profile` when infera.yaml sets it (`AWS_PROFILE` is the credential chain's own business).
    static func fileProfile(_ config: Config) -> String? {
        guard let p = config.account.awsProfile, case .file = p.source else { return nil }
        return p.value
    }

    /// Usage suggested by environment variable names; always includes `.cache`.
    public static func inferredUsage(envNames: [String]) -> [Usage] {
        var out: Set<Usage> = [.cache]
        for raw in envNames {
            let n = raw.uppercased()
            if n.contains("SESSION") { out.insert(.session) }
            if n.contains("QUEUE") || n.hasPrefix("CELERY") || n.hasPrefix("BULL") || n.hasPrefix("RQ_") || n.contains("SIDEKIQ") { out.insert(.queue) }
            if n.contains("RATE_LIMIT") || n.contains("RATELIMIT") { out.insert(.ratelimit) }
        }
        return out.sorted()
    }
}

extension ClusterSpec {
    /// The validated `cache.mode: cluster` settings.
    public init(settings c: ClusterSettings) {
        self.init(shards: c.shards, replicasPerShard: c.replicasPerShard, nodeType: c.nodeType,
                  authorizationMode: c.authorizationMode?.apiValue, subnetwork: c.subnetwork, deletionProtection: c.deletionProtection)
    }
}
