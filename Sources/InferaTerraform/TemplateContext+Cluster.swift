import InferaPlan

// Template values for cluster mode (templates/memorystore-cluster, templates/elasticache-cluster).

extension TemplateContext {
    static func addCluster(_ c: inout [String: Any], _ spec: DeploymentSpec) {
        guard let cl = spec.cluster else { return }
        c["cluster"] = true
        c["node_count"] = String(cl.nodeCount)
        c["node_type"] = hcl(cl.nodeType)
        switch spec.provider {
        case .memorystore(let m):
            c["shard_count"] = String(cl.shards)
            c["replica_count"] = String(cl.replicasPerShard)
            c["authorization_mode"] = hcl(cl.authorizationMode ?? "AUTH_MODE_IAM_AUTH")
            c["iam_auth"] = cl.iamAuth
            c["transit_encryption_mode"] = m.transitEncryption ? "TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION" : "TRANSIT_ENCRYPTION_MODE_DISABLED"
            c["deletion_protection"] = cl.deletionProtection
            c["subnetwork"] = hcl(cl.subnetwork ?? "default")
            c["persistence_mode"] = hcl(m.persistenceMode)
            if m.persistenceMode == "RDB" { c["rdb_snapshot_period"] = hcl(m.snapshotPeriod ?? "TWENTY_FOUR_HOURS") } else { c["rdb_snapshot_period"] = nil }
            // IAM tokens are the password: the URL holds none.
            c["auth_enabled"] = false
            if let gb = cl.memorystoreNodeGB {
                c["node_gb"] = fmt(gb, 1)
                c["cluster_gb"] = fmt(gb * Double(cl.shards), 1)
            }
        case .elasticache(var e):
            c["num_node_groups"] = String(cl.shards)
            c["replicas_per_node_group"] = String(cl.replicasPerShard)
            c["automatic_failover"] = true
            e.parameters["cluster-enabled"] = "yes"
            c["parameters"] = pairs(e.parameters.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) })
            // Failover is on in cluster mode whatever the replica count: no CKV2_AWS_50 skip.
            e.replicas = max(1, cl.replicasPerShard)
            e.automaticFailover = true
            let skips = CheckovSkips.elasticache(spec, e)
            c["skips"] = skips.replicationGroup.map { ["id": $0.id, "reason": $0.reason] }
            c["secret_skips"] = skips.secret.map { ["id": $0.id, "reason": $0.reason] }
            let all = skips.replicationGroup + skips.secret
            c["has_skips"] = !all.isEmpty
            c["all_skips"] = all.map { ["id": $0.id, "reason": $0.reason] }
        case .upstash:
            break
        }
    }
}
