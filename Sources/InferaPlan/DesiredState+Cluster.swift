// Resources of a sharded deployment (`cache.mode: cluster`), in the generated Terraform's names and shapes.

extension DesiredState {
    /// The resources in cluster mode, nil for a provider without one.
    static func clusterResources(_ spec: DeploymentSpec, _ c: ClusterSpec) -> [DesiredResource]? {
        switch spec.provider {
        case .memorystore(let m): memorystoreCluster(spec, m, c)
        case .elasticache(let e): elasticacheCluster(spec, e, c)
        case .upstash: nil
        }
    }

    /// Service class Memorystore for Redis Cluster registers for Private Service Connect automation.
    public static let memorystoreServiceClass = "gcp-memorystore-redis"

    static func memorystoreCluster(_ spec: DeploymentSpec, _ m: MemorystoreSpec, _ c: ClusterSpec) -> [DesiredResource] {
        let project: AttributeValue = m.projectID.map { .string($0) } ?? .unknown
        func service(_ name: String, _ api: String) -> DesiredResource {
            DesiredResource(type: "google_project_service", name: name, attributes: [
                Attribute("project", project),
                Attribute("service", .string(api)),
                Attribute("disable_on_destroy", .bool(false)),
                Attribute("id", .unknown),
            ], forceNew: ["project", "service"])
        }
        var out = [
            service("redis", "redis.googleapis.com"), service("secretmanager", "secretmanager.googleapis.com"),
            service("networkconnectivity", "networkconnectivity.googleapis.com"),
            service("serviceconsumermanagement", "serviceconsumermanagement.googleapis.com"),
        ]
        out.append(DesiredResource(type: "google_network_connectivity_service_connection_policy", name: "redis", attributes: [
            Attribute("project", project),
            Attribute("name", .string("\(spec.projectName)-redis-psc")),
            Attribute("location", .string(spec.region)),
            Attribute("service_class", .string(memorystoreServiceClass)),
            Attribute("description", .string("Private Service Connect for the \(spec.projectName) Redis cluster")),
            Attribute("network", .unknown),
            Attribute("psc_config", .object([Attribute("subnetworks", .unknown)])),
            Attribute("id", .unknown),
        ], forceNew: ["project", "name", "location", "service_class", "network"]))
        var persistence: [Attribute] = [Attribute("mode", .string(m.persistenceMode))]
        if m.persistenceMode == "RDB" {
            persistence.append(Attribute("rdb_config", .object([Attribute("rdb_snapshot_period", .string(m.snapshotPeriod ?? "TWENTY_FOUR_HOURS"))])))
        }
        var attrs: [Attribute] = [
            Attribute("project", project),
            Attribute("name", .string("\(spec.projectName)-redis")),
            Attribute("region", .string(spec.region)),
            Attribute("shard_count", .int(c.shards)),
            Attribute("replica_count", .int(c.replicasPerShard)),
            Attribute("node_type", .string(c.nodeType)),
            Attribute("authorization_mode", .string(c.authorizationMode ?? "AUTH_MODE_IAM_AUTH")),
            Attribute("transit_encryption_mode", .string(m.transitEncryption ? "TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION" : "TRANSIT_ENCRYPTION_MODE_DISABLED")),
            Attribute("psc_configs", .list([.object([Attribute("network", .unknown)])])),
            Attribute("persistence_config", .object(persistence)),
            Attribute("deletion_protection_enabled", .bool(c.deletionProtection)),
            Attribute("discovery_endpoints", .unknown),
            Attribute("size_gb", .unknown),
            Attribute("id", .unknown),
        ]
        if let k = m.kmsKey { attrs.append(Attribute("kms_key", .string(k))) }
        if !m.redisConfigs.isEmpty {
            attrs.append(Attribute("redis_configs", .object(m.redisConfigs.sorted { $0.key < $1.key }.map { Attribute($0.key, .string($0.value)) })))
        }
        if let w = m.maintenance {
            attrs.append(Attribute("maintenance_policy", .object([
                Attribute("day", .string(w.day)), Attribute("start_time", .string("\(pad(w.hour)):\(pad(w.minute)) UTC")),
            ])))
        }
        out.append(DesiredResource(type: "google_redis_cluster", name: "main", attributes: attrs, forceNew: [
            "project", "name", "region", "authorization_mode", "transit_encryption_mode", "kms_key",
        ]))
        out.append(DesiredResource(type: "google_secret_manager_secret", name: "redis_url", attributes: [
            Attribute("project", project),
            Attribute("secret_id", .string(spec.effectiveURLSecretName)),
            Attribute("replication", .object([Attribute("auto", .object([]))])),
            Attribute("labels", labels(spec)),
            Attribute("id", .unknown),
        ], forceNew: ["secret_id", "project", "replication"]))
        out.append(DesiredResource(type: "google_secret_manager_secret_version", name: "redis_url", attributes: [
            Attribute("secret", .unknown),
            Attribute("secret_data", .sensitive),
            Attribute("id", .unknown),
        ], forceNew: ["secret", "secret_data"]))
        return out
    }

    /// The standalone ElastiCache resources with the replication group in cluster mode: `num_node_groups` and
    /// `replicas_per_node_group` instead of `num_cache_clusters`, automatic failover on, the parameter group with
    /// `cluster-enabled yes`, the configuration endpoint instead of the primary one. `cluster_mode` forces
    /// replacement: turning cluster mode on or off is `-/+`.
    static func elasticacheCluster(_ spec: DeploymentSpec, _ e: ElastiCacheSpec, _ c: ClusterSpec) -> [DesiredResource] {
        var out = elasticache(spec, e.clusterMode(c))
        guard let i = out.firstIndex(where: { $0.type == "aws_elasticache_replication_group" }) else { return out }
        let drop: Set<String> = ["num_cache_clusters", "primary_endpoint_address", "reader_endpoint_address", "automatic_failover_enabled"]
        var attrs = out[i].attributes.filter { !drop.contains($0.name) }
        attrs += [
            Attribute("cluster_mode", .string("enabled")),
            Attribute("num_node_groups", .int(c.shards)),
            Attribute("replicas_per_node_group", .int(c.replicasPerShard)),
            Attribute("automatic_failover_enabled", .bool(true)),
            Attribute("configuration_endpoint_address", .unknown),
        ]
        out[i] = DesiredResource(type: out[i].type, name: out[i].name, attributes: attrs, forceNew: out[i].forceNew + ["cluster_mode"])
        return out
    }
}
