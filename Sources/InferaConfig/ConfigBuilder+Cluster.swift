import InferaDiagnostics

// `cache.mode: cluster`: the sharded layout and the providers' rules for it (Memorystore for Redis Cluster,
// ElastiCache cluster mode enabled; Upstash has none).

extension ConfigBuilder {
    /// Keys that only mean something in cluster mode, per cache provider.
    static func clusterOnlyKeys(_ provider: CacheProvider?) -> [String] {
        switch provider {
        case .memorystore?:
            ["cache.instance.shards", "cache.instance.replicas_per_shard", "cache.instance.node_type", "cache.security.authorization_mode",
             "cache.networking.subnetwork", "cache.deletion_protection"]
        case .elasticache?: ["cache.instance.shards", "cache.instance.replicas_per_shard"]
        default: []
        }
    }

    /// Reads `cache.mode`; reports cluster-only keys in standalone mode and cluster mode on Upstash.
    mutating func checkMode() -> CacheMode {
        let mode = enumValue("cache.mode", CacheMode.self) ?? .standalone
        if cacheProvider == .upstash && mode == .cluster {
            error("config.rule.upstash-cluster",
                  "Upstash has no cluster mode: a database is one Redis endpoint that Upstash scales itself, up to its plan's limits",
                  at: "cache.mode",
                  hint: "remove 'mode: cluster' (plan fixed_500gb holds up to 500 GB), or shard on GCP (provider: gcp, cache.provider: memorystore) or AWS (provider: aws, cache.provider: elasticache) with mode: cluster")
        }
        if mode == .standalone {
            for key in Self.clusterOnlyKeys(cacheProvider) where written(key) && value(key) != nil {
                let name = key.split(separator: ".").last.map(String.init) ?? key
                error("config.rule.cluster-only", "'\(name)' applies only to cluster mode, but cache.mode is standalone", at: key,
                      hint: "add 'mode: cluster' under cache for a sharded deployment, or remove '\(name)'")
            }
        }
        return mode
    }

    /// The cluster layout (called only in cluster mode on Memorystore or ElastiCache).
    mutating func buildCluster(environment: String) -> ClusterSettings? {
        let production = environment == "production" || environment == "prod"
        switch cacheProvider {
        case .memorystore?: return buildMemorystoreCluster(production: production)
        case .elasticache?: return buildElastiCacheCluster(production: production)
        default: return nil
        }
    }

    private mutating func notInCluster(_ key: String, _ service: String, hint: String) {
        guard written(key) else { return }
        let name = key.split(separator: ".").last.map(String.init) ?? key
        error("config.rule.cluster-key", "'\(name)' does not apply to \(service)", at: key, hint: hint)
    }

    private mutating func buildMemorystoreCluster(production: Bool) -> ClusterSettings? {
        let service = "Memorystore for Redis Cluster"
        let node = enumValue("cache.instance.node_type", MemorystoreClusterNodeType.self) ?? .highmemMedium
        var sizeHint = "capacity is shards × node memory: set instance.node_type and instance.shards"
        if let gb = value("cache.instance.memory_size_gb")?.int {
            let shards = max(1, Int((Double(gb) / node.memoryGB).rounded(.up)))
            sizeHint = "capacity is shards × node memory: \(gb) GB fits in shards: \(shards) of \(node.rawValue) (\(fmtGB(node.memoryGB)) GB each)"
        }
        notInCluster("cache.instance.memory_size_gb", service, hint: sizeHint)
        notInCluster("cache.instance.tier", service, hint: "a cluster's availability comes from replicas_per_shard; remove tier")
        notInCluster("cache.instance.replica_count", service, hint: "use instance.replicas_per_shard (0-2)")
        notInCluster("cache.instance.read_replicas", service,
                     hint: "cluster replicas serve reads to clients that send READONLY; remove read_replicas")
        notInCluster("cache.version", service, hint: "Google runs Redis 7 on every cluster; remove version")
        notInCluster("cache.networking.connect_mode", service,
                     hint: "a cluster is reached through Private Service Connect in networking.network / networking.subnetwork; remove connect_mode")
        notInCluster("cache.networking.reserved_ip_range", service,
                     hint: "Private Service Connect takes addresses from networking.subnetwork; remove reserved_ip_range")
        notInCluster("cache.security.auth_enabled", service,
                     hint: "a cluster has no AUTH string: use security.authorization_mode: IAM_AUTH (IAM access tokens as passwords) or DISABLED")
        let shards = int("cache.instance.shards") ?? 3
        let replicas = int("cache.instance.replicas_per_shard") ?? 1
        let auth = enumValue("cache.security.authorization_mode", ClusterAuthorizationMode.self) ?? .iamAuth
        let layoutTrusted = trusted("cache.instance.shards", "cache.instance.replicas_per_shard", "cache.instance.node_type")
        if layoutTrusted && production && replicas == 0 {
            warning("config.rule.cluster-production-replicas",
                    "no replica per shard: a node failure loses that shard's keys and its slots fail until the node is replaced",
                    at: written("cache.instance.replicas_per_shard") ? "cache.instance.replicas_per_shard" : "cache.instance",
                    hint: "use replicas_per_shard: 1 or 2 for production")
        }
        if layoutTrusted && node == .sharedCoreNano && production {
            warning("config.rule.cluster-nano-production", "REDIS_SHARED_CORE_NANO nodes share CPU cores and are meant for development",
                    at: "cache.instance.node_type", hint: "use REDIS_STANDARD_SMALL or a HIGHMEM node type for production")
        }
        if trusted("cache.security.authorization_mode") && production && auth == .disabled {
            warning("config.rule.production-auth", "a production cluster without IAM authorization accepts any client in the network",
                    at: "cache.security.authorization_mode", hint: "set authorization_mode: IAM_AUTH")
        }
        return ClusterSettings(shards: shards, replicasPerShard: replicas, nodeType: node.rawValue, authorizationMode: auth,
                               subnetwork: string("cache.networking.subnetwork") ?? "default",
                               deletionProtection: bool("cache.deletion_protection") ?? production)
    }

    private mutating func buildElastiCacheCluster(production: Bool) -> ClusterSettings? {
        let service = "ElastiCache cluster mode"
        notInCluster("cache.instance.replica_count", service, hint: "use instance.replicas_per_shard (ReplicasPerNodeGroup, 0-5)")
        if value("cache.instance.automatic_failover")?.bool == false {
            error("config.rule.cluster-failover", "ElastiCache cluster mode requires automatic failover, but automatic_failover is false",
                  at: "cache.instance.automatic_failover", hint: "remove automatic_failover (it is always on in cluster mode)")
        }
        if let v = value("cache.parameters.cluster-enabled")?.string, v != "yes" {
            error("config.rule.cluster-parameter", "cluster mode needs the parameter group's cluster-enabled set to yes, not '\(v)'",
                  at: "cache.parameters.cluster-enabled", hint: "remove cluster-enabled from parameters (infera sets it to yes in cluster mode)")
        }
        let shards = int("cache.instance.shards") ?? 3
        let replicas = int("cache.instance.replicas_per_shard") ?? 1
        let layoutTrusted = trusted("cache.instance.shards", "cache.instance.replicas_per_shard")
        if layoutTrusted && production && replicas == 0 {
            warning("config.rule.cluster-production-replicas",
                    "no replica per shard: a node failure loses that shard's keys and its slots fail until the node is replaced",
                    at: written("cache.instance.replicas_per_shard") ? "cache.instance.replicas_per_shard" : "cache.instance",
                    hint: "use replicas_per_shard: 1 or more for production")
        }
        let nodes = shards * (1 + replicas)
        if layoutTrusted && nodes > 90 {
            warning("config.rule.cluster-node-quota", "\(shards) shards × \(1 + replicas) nodes = \(nodes) nodes, more than ElastiCache's default quota of 90 nodes per cluster",
                    at: written("cache.instance.shards") ? "cache.instance.shards" : "cache.instance",
                    hint: "request a higher 'Nodes per cluster' quota in Service Quotas before applying, or use a larger node_type with fewer shards")
        }
        let nodeType = string("cache.instance.node_type") ?? "cache.t4g.micro"
        return ClusterSettings(shards: shards, replicasPerShard: replicas, nodeType: nodeType)
    }

    private func fmtGB(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(v)
    }
}
