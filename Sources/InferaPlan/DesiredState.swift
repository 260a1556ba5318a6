/// Turns a deployment spec into the resources the generated Terraform declares, with the values
/// infera knows (literals) and the ones only the provider knows (`unknown`) or must never show (`sensitive`).
public enum DesiredState {
    /// The resources for `spec`, in declaration order.
    public static func resources(for spec: DeploymentSpec) -> [DesiredResource] {
        if let cluster = spec.cluster, let resources = clusterResources(spec, cluster) { return resources }
        return switch spec.provider {
        case .memorystore(let m): memorystore(spec, m)
        case .elasticache(let e): elasticache(spec, e)
        case .upstash(let u): upstash(spec, u)
        }
    }

    /// Every address the provider can manage for `spec`, in dependency order, including the optional ones the
    /// current settings leave out (an ElastiCache parameter group without parameters): the order deletions follow.
    public static func declarationOrder(for spec: DeploymentSpec) -> [String] {
        switch spec.provider {
        case .elasticache(let e): elasticache(spec, e, allOptional: true).map(\.address)
        default: resources(for: spec).map(\.address)
        }
    }

    static func labels(_ spec: DeploymentSpec) -> AttributeValue {
        .object(spec.effectiveLabels.map { Attribute($0.key, .string($0.value)) })
    }

    static func strings(_ l: [String]) -> AttributeValue { .list(l.map { .string($0) }) }

    /// A VPC network as the Google provider stores it: `projects/{p}/global/networks/{n}` (a self-link's
    /// URL prefix dropped); the bare name while the project is not known (compared by name, see `Differ`).
    public static func networkPath(_ network: String, project: String?) -> AttributeValue {
        var n = network
        for prefix in ["https://www.googleapis.com/compute/v1/", "https://compute.googleapis.com/compute/v1/"] where n.hasPrefix(prefix) {
            n = String(n.dropFirst(prefix.count))
        }
        if n.contains("/") { return .string(n) }
        return .string(project.map { "projects/\($0)/global/networks/\(n)" } ?? n)
    }

    static func memorystore(_ spec: DeploymentSpec, _ m: MemorystoreSpec) -> [DesiredResource] {
        let psa = m.connectMode == "PRIVATE_SERVICE_ACCESS"
        func service(_ name: String, _ api: String) -> DesiredResource {
            DesiredResource(type: "google_project_service", name: name, attributes: [
                Attribute("project", m.projectID.map { .string($0) } ?? .unknown),
                Attribute("service", .string(api)),
                Attribute("disable_on_destroy", .bool(false)),
                Attribute("id", .unknown),
            ], forceNew: ["project", "service"])
        }
        var out = [service("redis", "redis.googleapis.com"), service("secretmanager", "secretmanager.googleapis.com")]
        if psa {
            out.append(service("servicenetworking", "servicenetworking.googleapis.com"))
            out.append(DesiredResource(type: "google_compute_global_address", name: "redis_range", attributes: [
                Attribute("project", m.projectID.map { .string($0) } ?? .unknown),
                Attribute("name", .string("\(spec.projectName)-redis-psa")),
                Attribute("purpose", .string("VPC_PEERING")),
                Attribute("address_type", .string("INTERNAL")),
                Attribute("prefix_length", .int(24)),
                Attribute("network", .unknown),
                Attribute("address", .unknown),
                Attribute("id", .unknown),
            ], forceNew: ["name", "purpose", "address_type", "prefix_length", "network", "project"]))
            out.append(DesiredResource(type: "google_service_networking_connection", name: "redis", attributes: [
                Attribute("network", .unknown),
                Attribute("service", .string("servicenetworking.googleapis.com")),
                Attribute("reserved_peering_ranges", .list([.string("\(spec.projectName)-redis-psa")])),
                Attribute("id", .unknown),
            ], forceNew: ["network", "service"]))
        }
        var attrs: [Attribute] = [
            Attribute("project", m.projectID.map { .string($0) } ?? .unknown),
            Attribute("name", .string("\(spec.projectName)-redis")),
            Attribute("display_name", .string("Redis for \(spec.projectName) (\(spec.environment))")),
            Attribute("region", .string(spec.region)),
            Attribute("tier", .string(m.tier)),
            Attribute("memory_size_gb", .int(m.memorySizeGB)),
            Attribute("redis_version", .string(m.redisVersion)),
            Attribute("authorized_network", networkPath(m.network, project: m.projectID)),
            Attribute("connect_mode", .string(m.connectMode)),
            Attribute("auth_enabled", .bool(m.authEnabled)),
            Attribute("transit_encryption_mode", .string(m.transitEncryption ? "SERVER_AUTHENTICATION" : "DISABLED")),
            Attribute("persistence_config", .object([
                Attribute("persistence_mode", .string(m.persistenceMode)),
            ] + (m.persistenceMode == "RDB" ? [Attribute("rdb_snapshot_period", .string(m.snapshotPeriod ?? "ONE_HOUR"))] : []))),
            Attribute("labels", labels(spec)),
            Attribute("host", .unknown),
            Attribute("port", .unknown),
            Attribute("id", .unknown),
            Attribute("auth_string", .sensitive),
        ]
        if m.isStandardHA {
            attrs.append(Attribute("replica_count", .int(m.effectiveReplicaCount)))
            attrs.append(Attribute("read_replicas_mode", .string(m.readReplicas ? "READ_REPLICAS_ENABLED" : "READ_REPLICAS_DISABLED")))
        }
        if m.readReplicas { attrs.append(Attribute("read_endpoint", .unknown)) }
        if m.transitEncryption { attrs.append(Attribute("server_ca_certs", .unknown)) }
        if let k = m.kmsKey { attrs.append(Attribute("customer_managed_key", .string(k))) }
        if let r = m.reservedIPRange { attrs.append(Attribute("reserved_ip_range", .string(r))) }
        if !m.redisConfigs.isEmpty {
            attrs.append(Attribute("redis_configs", .object(m.redisConfigs.sorted { $0.key < $1.key }.map { Attribute($0.key, .string($0.value)) })))
        }
        if let w = m.maintenance {
            attrs.append(Attribute("maintenance_policy", .object([
                Attribute("day", .string(w.day)), Attribute("start_time", .string("\(pad(w.hour)):\(pad(w.minute)) UTC")),
            ])))
        }
        out.append(DesiredResource(type: "google_redis_instance", name: "main", attributes: attrs, forceNew: [
            "tier", "connect_mode", "transit_encryption_mode", "authorized_network", "name", "region", "project",
            "customer_managed_key",
        ]))
        out.append(DesiredResource(type: "google_secret_manager_secret", name: "redis_url", attributes: [
            Attribute("project", m.projectID.map { .string($0) } ?? .unknown),
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

    static func elasticache(_ spec: DeploymentSpec, _ e: ElastiCacheSpec, allOptional: Bool = false) -> [DesiredResource] {
        var out: [DesiredResource] = []
        out.append(DesiredResource(type: "aws_elasticache_subnet_group", name: "redis", attributes: [
            Attribute("name", .string("\(spec.projectName)-redis")),
            Attribute("description", .string("Private subnets for the \(spec.projectName) Redis replication group")),
            Attribute("subnet_ids", e.subnetIDs.isEmpty ? .unknown : strings(e.subnetIDs)),
            Attribute("tags_all", labels(spec)),
            Attribute("arn", .unknown),
        ], forceNew: ["name"]))
        var ingress: [AttributeValue] = []
        if !e.clientSecurityGroupIDs.isEmpty {
            ingress.append(.object([
                Attribute("description", .string("Redis from the application security groups")),
                Attribute("from_port", .int(e.port)), Attribute("to_port", .int(e.port)),
                Attribute("protocol", .string("tcp")), Attribute("security_groups", strings(e.clientSecurityGroupIDs)),
            ]))
        }
        if !e.clientCIDRBlocks.isEmpty {
            ingress.append(.object([
                Attribute("description", .string("Redis from the application subnets")),
                Attribute("from_port", .int(e.port)), Attribute("to_port", .int(e.port)),
                Attribute("protocol", .string("tcp")), Attribute("cidr_blocks", strings(e.clientCIDRBlocks)),
            ]))
        }
        if e.clientSecurityGroupIDs.isEmpty && e.clientCIDRBlocks.isEmpty {
            ingress.append(.object([
                Attribute("description", .string("Redis from inside the VPC")),
                Attribute("from_port", .int(e.port)), Attribute("to_port", .int(e.port)),
                Attribute("protocol", .string("tcp")), Attribute("cidr_blocks", .unknown),
            ]))
        }
        if e.securityGroupIDs.isEmpty { out.append(DesiredResource(type: "aws_security_group", name: "redis", attributes: [
            Attribute("name", .string("\(spec.projectName)-redis")),
            Attribute("description", .string("Redis for \(spec.projectName): inbound \(e.port)/tcp from clients only")),
            Attribute("vpc_id", e.vpcID.map { .string($0) } ?? .unknown),
            Attribute("ingress", .list(ingress)),
            Attribute("egress", .list([])),
            Attribute("tags_all", labels(spec)),
            Attribute("id", .unknown),
        ], forceNew: ["name", "description", "vpc_id"])) }
        var params: [Attribute] = []
        for (k, v) in e.parameters.sorted(by: { $0.key < $1.key }) { params.append(Attribute(k, .string(v))) }
        // A parameter group of our own only when infera.yaml sets parameters; otherwise the family's default group.
        if !e.parameters.isEmpty || allOptional { out.append(DesiredResource(type: "aws_elasticache_parameter_group", name: "redis", attributes: [
            Attribute("name", .string("\(spec.projectName)-redis\(e.parameterFamily.filter { $0.isNumber })")),
            Attribute("family", .string(e.parameterFamily)),
            Attribute("description", .string("Redis settings for \(spec.projectName) (managed by infera)")),
            Attribute("parameter", .object(params)),
            Attribute("tags_all", labels(spec)),
            Attribute("arn", .unknown),
        ], forceNew: ["name", "family", "description"])) }
        if e.authToken {
            out.append(DesiredResource(type: "random_password", name: "redis_auth", attributes: [
                Attribute("length", .int(32)), Attribute("special", .bool(false)),
                Attribute("result", .sensitive), Attribute("id", .unknown),
            ], forceNew: ["length", "special"]))
        }
        var rg: [Attribute] = [
            Attribute("replication_group_id", .string("\(spec.projectName)-redis")),
            Attribute("description", .string("Redis for \(spec.projectName) (\(spec.environment))")),
            Attribute("engine", .string(e.engine)),
            Attribute("engine_version", .string(e.engineVersion)),
            Attribute("node_type", .string(e.nodeType)),
            Attribute("num_cache_clusters", .int(e.nodeCount)),
            Attribute("port", .int(e.port)),
            Attribute("automatic_failover_enabled", .bool(e.automaticFailover)),
            Attribute("multi_az_enabled", .bool(e.multiAZ)),
            Attribute("transit_encryption_enabled", .bool(e.transitEncryption)),
            Attribute("at_rest_encryption_enabled", .bool(e.atRestEncryption)),
            Attribute("snapshot_retention_limit", .int(e.snapshotRetentionDays)),
            Attribute("auto_minor_version_upgrade", .bool(true)),
            Attribute("parameter_group_name", .string(e.parameterGroupName(project: spec.projectName))),
            Attribute("subnet_group_name", .string("\(spec.projectName)-redis")),
            Attribute("security_group_ids", e.securityGroupIDs.isEmpty ? .unknown : strings(e.securityGroupIDs)),
            Attribute("primary_endpoint_address", .unknown),
            Attribute("arn", .unknown),
            Attribute("tags_all", labels(spec)),
        ]
        if e.replicas > 0 { rg.append(Attribute("reader_endpoint_address", .unknown)) }
        if e.authToken { rg.append(Attribute("auth_token", .sensitive)) }
        if let k = e.kmsKeyARN { rg.append(Attribute("kms_key_id", .string(k))) }
        if let w = e.snapshotWindow { rg.append(Attribute("snapshot_window", .string(w))) }
        if let w = e.maintenanceWindow { rg.append(Attribute("maintenance_window", .string(w))) }
        rg.append(Attribute("apply_immediately", .bool(e.applyImmediately)))
        if e.snapshotRetentionDays > 0 { rg.append(Attribute("final_snapshot_identifier", .string("\(spec.projectName)-redis-final"))) }
        out.append(DesiredResource(type: "aws_elasticache_replication_group", name: "redis", attributes: rg, forceNew: [
            "replication_group_id", "engine", "port", "subnet_group_name", "at_rest_encryption_enabled", "kms_key_id",
        ]))
        var sec: [Attribute] = [
            Attribute("name", .string(spec.effectiveURLSecretName)),
            Attribute("description", .string("Redis connection URL for \(spec.projectName)")),
            Attribute("recovery_window_in_days", .int(7)),
            Attribute("arn", .unknown),
            Attribute("tags_all", labels(spec)),
        ]
        if let k = e.kmsKeyARN { sec.append(Attribute("kms_key_id", .string(k))) }
        out.append(DesiredResource(type: "aws_secretsmanager_secret", name: "redis_url", attributes: sec, forceNew: ["name"]))
        out.append(DesiredResource(type: "aws_secretsmanager_secret_version", name: "redis_url", attributes: [
            Attribute("secret_id", .unknown), Attribute("secret_string", .sensitive), Attribute("version_id", .unknown),
        ], forceNew: ["secret_id"]))
        return out
    }

    static func upstash(_ spec: DeploymentSpec, _ u: UpstashSpec) -> [DesiredResource] {
        var attrs: [Attribute] = [
            Attribute("database_name", .string("\(spec.projectName)-redis")),
            Attribute("region", .string("global")),
            Attribute("primary_region", .string(u.primaryRegion)),
            Attribute("tls", .bool(true)),
            Attribute("eviction", .bool(u.eviction)),
            Attribute("auto_scale", .bool(u.autoScale)),
            Attribute("prod_pack", .bool(u.prodPack)),
            Attribute("endpoint", .unknown),
            Attribute("port", .unknown),
            Attribute("database_id", .unknown),
            Attribute("password", .sensitive),
            Attribute("rest_token", .sensitive),
        ]
        if !u.readRegions.isEmpty { attrs.append(Attribute("read_regions", strings(u.readRegions.sorted()))) }
        if let b = u.budget { attrs.append(Attribute("budget", .int(b))) }
        if !u.ipAllowlist.isEmpty { attrs.append(Attribute("ip_allowlist", strings(u.ipAllowlist))) }
        return [DesiredResource(type: "upstash_redis_database", name: "main", attributes: attrs,
                                forceNew: ["database_name", "region", "primary_region", "tls"], clearable: ["read_regions"])]
    }
}
