import InferaPlan

/// Builds the mustache context for a spec. Numbers are passed as strings: every distinct value type costs
/// swift-mustache a first-time protocol-conformance scan per process (measurable in a ~40 ms command). Every string is escaped for an HCL quoted string
/// (`"`, `\`, `${`, `%{`, control characters), so templates put values between quotes as they are.
enum TemplateContext {
    static func hcl(_ s: String) -> String {
        var out = ""
        var prev: Character = " "
        for ch in s {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "{" where prev == "$" || prev == "%": out += String(prev) + "{"
            default:
                if let a = ch.asciiValue, a < 0x20 { out += "\\u00" + (a < 16 ? "0" : "") + String(a, radix: 16) } else { out.append(ch) }
            }
            prev = ch
        }
        return out
    }

    /// `[{value, last}]` for list rendering with separators.
    static func list(_ values: [String]) -> [[String: Any]] {
        values.enumerated().map { ["value": hcl($0.element), "last": $0.offset == values.count - 1] }
    }

    static func pairs(_ values: [(key: String, value: String)]) -> [[String: Any]] {
        values.map { ["key": hcl($0.key), "value": hcl($0.value)] }
    }

    static func make(_ spec: DeploymentSpec) -> [String: Any] {
        var c: [String: Any] = [
            "project_name": hcl(spec.projectName),
            "environment": hcl(spec.environment),
            "region": hcl(spec.region),
            "labels": pairs(spec.effectiveLabels),
            "prevent_destroy": spec.isProduction,
            "env_var": spec.urlEnvVar,
            "provider": spec.providerName,
        ]
        switch spec.provider {
        case .memorystore(let m):
            c["provider_title"] = "GCP Memorystore"
            if let p = m.projectID { c["project_id"] = hcl(p) }
            c["tier"] = m.tier
            c["is_standard_ha"] = m.isStandardHA
            c["memory_size_gb"] = String(m.memorySizeGB)
            c["memory_min"] = m.readReplicas ? "5" : "1"
            c["memory_range"] = m.readReplicas ? "5-300" : "1-300"
            c["replica_count"] = String(m.effectiveReplicaCount)
            c["read_replicas"] = m.readReplicas
            c["read_replicas_mode"] = m.readReplicas ? "READ_REPLICAS_ENABLED" : "READ_REPLICAS_DISABLED"
            c["redis_version"] = hcl(m.redisVersion)
            c["auth_enabled"] = m.authEnabled
            c["transit_encryption"] = m.transitEncryption
            c["transit_encryption_mode"] = m.transitEncryption ? "SERVER_AUTHENTICATION" : "DISABLED"
            c["url_scheme"] = m.transitEncryption ? "rediss" : "redis"
            c["tls"] = m.transitEncryption
            c["custom_ca"] = m.transitEncryption
            c["port"] = String(m.port)
            c["private_service_access"] = m.connectMode == "PRIVATE_SERVICE_ACCESS"
            c["connect_mode"] = hcl(m.connectMode)
            c["network"] = hcl(m.network)
            c["persistence_mode"] = hcl(m.persistenceMode)
            if m.persistenceMode == "RDB" { c["rdb_snapshot_period"] = hcl(m.snapshotPeriod ?? "ONE_HOUR") }
            if let w = m.maintenance { c["maintenance"] = ["day": hcl(w.day), "hour": String(w.hour), "minute": String(w.minute)] }
            if let r = m.reservedIPRange { c["reserved_ip_range"] = hcl(r) }
            c["has_redis_configs"] = !m.redisConfigs.isEmpty
            c["redis_configs"] = pairs(m.redisConfigs.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) })
            if let k = m.kmsKey { c["kms_key"] = hcl(k) }
            c["url_secret_id"] = hcl(spec.effectiveURLSecretName)
            c["secret_hint"] = "Secret Manager secret \(spec.effectiveURLSecretName)"
        case .elasticache(let e):
            c["provider_title"] = "AWS ElastiCache"
            c["node_type"] = hcl(e.nodeType)
            c["engine_version"] = hcl(e.engineVersion)
            c["parameter_family"] = hcl(e.parameterFamily)
            c["family_suffix"] = e.parameterFamily.filter { $0.isNumber }
            c["num_cache_clusters"] = String(e.nodeCount)
            c["has_replicas"] = e.replicas > 0
            c["automatic_failover"] = e.automaticFailover
            c["multi_az"] = e.multiAZ
            c["engine"] = hcl(e.engine)
            c["engine_title"] = e.engine == "valkey" ? "Valkey" : "Redis OSS"
            c["has_subnet_ids"] = !e.subnetIDs.isEmpty
            c["subnet_count"] = String(e.subnetIDs.count)
            c["has_security_groups"] = !e.securityGroupIDs.isEmpty
            c["security_group_ids"] = list(e.securityGroupIDs)
            c["vpc_ingress"] = e.clientSecurityGroupIDs.isEmpty && e.clientCIDRBlocks.isEmpty
            c["auth_enabled"] = e.authToken
            c["transit_encryption"] = e.transitEncryption
            c["tls"] = e.transitEncryption
            c["custom_ca"] = false
            c["at_rest_encryption"] = e.atRestEncryption
            c["url_scheme"] = e.transitEncryption ? "rediss" : "redis"
            c["port"] = String(e.port)
            if let k = e.kmsKeyARN { c["kms_key_arn"] = hcl(k) }
            c["snapshot_retention_limit"] = String(e.snapshotRetentionDays)
            c["final_snapshot"] = e.snapshotRetentionDays > 0
            if let w = e.snapshotWindow { c["snapshot_window"] = hcl(w) }
            if let w = e.maintenanceWindow { c["maintenance_window"] = hcl(w) }
            c["parameters"] = pairs(e.parameters.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) })
            c["has_parameters"] = !e.parameters.isEmpty
            c["apply_immediately"] = e.applyImmediately ? "true" : "false"
            let needsVPC = e.subnetIDs.isEmpty || e.securityGroupIDs.isEmpty
            c["needs_vpc"] = needsVPC
            c["vpc_display"] = e.vpcID.map { "VPC \($0)" } ?? "the default VPC"
            if let v = e.vpcID, needsVPC { c["vpc_id"] = hcl(v) }
            c["subnet_ids"] = list(e.subnetIDs)
            c["has_client_security_groups"] = !e.clientSecurityGroupIDs.isEmpty && e.securityGroupIDs.isEmpty
            c["client_security_group_ids"] = list(e.clientSecurityGroupIDs)
            c["has_client_cidrs"] = !e.clientCIDRBlocks.isEmpty && e.securityGroupIDs.isEmpty
            c["client_cidr_blocks"] = list(e.clientCIDRBlocks)
            c["url_secret_name"] = hcl(spec.effectiveURLSecretName)
            c["secret_hint"] = "Secrets Manager secret \(spec.effectiveURLSecretName)"
            let skips = CheckovSkips.elasticache(spec, e)
            c["skips"] = skips.replicationGroup.map { ["id": $0.id, "reason": $0.reason] }
            c["secret_skips"] = skips.secret.map { ["id": $0.id, "reason": $0.reason] }
            let all = skips.replicationGroup + skips.secret
            c["has_skips"] = !all.isEmpty
            c["all_skips"] = all.map { ["id": $0.id, "reason": $0.reason] }
        case .upstash(let u):
            c["provider_title"] = "Upstash"
            c["primary_region"] = hcl(u.primaryRegion)
            let rr = u.readRegions.sorted()
            c["has_read_regions"] = !rr.isEmpty
            c["read_regions"] = list(rr)
            c["read_regions_text"] = rr.joined(separator: ", ")
            c["eviction"] = u.eviction
            c["auto_scale"] = u.autoScale
            c["prod_pack"] = u.prodPack
            if let b = u.budget { c["budget"] = String(b) }
            c["has_ip_allowlist"] = !u.ipAllowlist.isEmpty
            c["ip_allowlist"] = list(u.ipAllowlist)
            c["plan"] = u.plan
            c["fixed_plan"] = u.plan.hasPrefix("fixed_")
            c["tls"] = true
            c["custom_ca"] = false
            c["secret_hint"] = "terraform output -raw redis_url"
        }
        addCluster(&c, spec)
        return c
    }
}

/// checkov findings infera accepts on purpose, each with the reason a reviewer would read.
public enum CheckovSkips {
    public struct Skip: Sendable, Hashable {
        public var id: String
        public var reason: String
    }

    public static func elasticache(_ spec: DeploymentSpec, _ e: ElastiCacheSpec) -> (replicationGroup: [Skip], secret: [Skip]) {
        var rg: [Skip] = []
        var secret: [Skip] = []
        if e.replicas == 0 {
            rg.append(Skip(id: "CKV2_AWS_50", reason: "single-node group (replica_count: 0 in infera.yaml); automatic failover needs at least 2 nodes, check INF003 covers production"))
        } else if !e.automaticFailover {
            rg.append(Skip(id: "CKV2_AWS_50", reason: "automatic failover turned off in infera.yaml; check INF003 reports it"))
        }
        if e.kmsKeyARN == nil {
            rg.append(Skip(id: "CKV_AWS_191", reason: "encrypted at rest with the AWS-managed key; name a KMS key in infera.yaml to use a customer-managed one"))
            secret.append(Skip(id: "CKV_AWS_149", reason: "encrypted with the AWS-managed key; name a KMS key in infera.yaml to use a customer-managed one"))
        }
        if !e.transitEncryption {
            rg.append(Skip(id: "CKV_AWS_30", reason: "transit encryption turned off in infera.yaml; check INF002 reports it"))
        }
        if !e.authToken || !e.transitEncryption {
            rg.append(Skip(id: "CKV_AWS_31", reason: "no auth token with TLS, as set in infera.yaml; checks INF001/INF002 report it"))
        }
        if !e.atRestEncryption {
            rg.append(Skip(id: "CKV_AWS_29", reason: "at-rest encryption turned off in infera.yaml; check INF008 reports it"))
        }
        secret.append(Skip(id: "CKV2_AWS_57", reason: "the secret holds the replication group's AUTH token, which rotates only with the group (auth_token_update_strategy), not through a rotation Lambda"))
        return (rg, secret)
    }
}
