// The ElastiCache settings a cluster-mode replication group runs with (shared by the plan and the provider).

extension ElastiCacheSpec {
    /// These settings as a cluster-mode-enabled replication group uses them: `cluster-enabled yes` in the parameter
    /// group (so infera's own group, family `redisN`), the layout's replicas per shard and node type, and automatic
    /// failover on (ElastiCache requires it in cluster mode).
    public func clusterMode(_ c: ClusterSpec) -> ElastiCacheSpec {
        var e = self
        e.parameters["cluster-enabled"] = "yes"
        e.replicas = c.replicasPerShard
        e.nodeType = c.nodeType
        e.automaticFailover = true
        return e
    }
}

extension DeploymentSpec {
    /// The ElastiCache settings in effect: `clusterMode(_:)` applied in cluster mode; nil for another provider.
    public var effectiveElastiCache: ElastiCacheSpec? {
        guard case .elasticache(let e) = provider else { return nil }
        return cluster.map { e.clusterMode($0) } ?? e
    }
}
