import InferaDiagnostics

/// The schema of infera.yaml and the provider facts it is built from.
public enum ConfigSchema {
    // MARK: provider facts

    /// GCP regions where Memorystore for Redis is offered.
    public static let gcpRegions = [
        "africa-south1", "asia-east1", "asia-east2", "asia-northeast1", "asia-northeast2", "asia-northeast3", "asia-south1",
        "asia-south2", "asia-southeast1", "asia-southeast2", "australia-southeast1", "australia-southeast2", "europe-central2",
        "europe-north1", "europe-southwest1", "europe-west1", "europe-west10", "europe-west12", "europe-west2", "europe-west3",
        "europe-west4", "europe-west6", "europe-west8", "europe-west9", "me-central1", "me-central2", "me-west1",
        "northamerica-northeast1", "northamerica-northeast2", "southamerica-east1", "southamerica-west1", "us-central1",
        "us-east1", "us-east4", "us-east5", "us-south1", "us-west1", "us-west2", "us-west3", "us-west4",
    ]

    /// AWS commercial regions where ElastiCache is offered.
    public static let awsRegions = [
        "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
        "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ca-central-1", "ca-west-1", "eu-central-1",
        "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1",
        "me-central-1", "me-south-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    ]

    /// Upstash primary regions on AWS (Developer API `primary_region`).
    public static let upstashAWSRegions = [
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2",
        "sa-east-1", "ap-south-1", "ap-northeast-1", "ap-southeast-1", "ap-southeast-2", "af-south-1",
    ]

    /// Upstash primary regions on GCP.
    public static let upstashGCPRegions = ["us-central1", "us-east4", "europe-west1", "asia-northeast1"]

    /// Upstash read regions (AWS only, `af-south-1` excluded).
    public static let upstashReadRegions = upstashAWSRegions.filter { $0 != "af-south-1" }

    /// Current-generation ElastiCache node types.
    public static let elasticacheNodeTypes: [String] = {
        var types = ["cache.t3.micro", "cache.t3.small", "cache.t3.medium", "cache.t4g.micro", "cache.t4g.small", "cache.t4g.medium"]
        for family in ["m5", "r5"] {
            types += ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"].map { "cache.\(family).\($0)" }
        }
        for family in ["m6g", "m7g", "r6g", "r7g"] {
            types += ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"].map { "cache.\(family).\($0)" }
        }
        return types
    }()

    /// Previous-generation ElastiCache node types (still accepted, with a warning).
    public static let elasticachePreviousNodeTypes = [
        "cache.t1.micro", "cache.t2.micro", "cache.t2.small", "cache.t2.medium", "cache.m1.small", "cache.m1.medium",
        "cache.m1.large", "cache.m1.xlarge", "cache.m2.xlarge", "cache.m2.2xlarge", "cache.m2.4xlarge", "cache.m3.medium",
        "cache.m3.large", "cache.m3.xlarge", "cache.m3.2xlarge", "cache.m4.large", "cache.m4.xlarge", "cache.m4.2xlarge",
        "cache.m4.4xlarge", "cache.m4.10xlarge", "cache.c1.xlarge", "cache.r3.large", "cache.r3.xlarge", "cache.r3.2xlarge",
        "cache.r3.4xlarge", "cache.r3.8xlarge", "cache.r4.large", "cache.r4.xlarge", "cache.r4.2xlarge", "cache.r4.4xlarge",
        "cache.r4.8xlarge", "cache.r4.16xlarge",
    ]

    /// ElastiCache engine versions infera supports, per engine (newest first; the first is the default).
    public static func elasticacheVersions(for engine: ElastiCacheEngine) -> [String] {
        switch engine {
        case .redis: ["7.1", "7.0", "6.2", "6.0", "5.0.6", "4.0.10"]
        case .valkey: ["8.0", "8.1", "7.2"]
        }
    }

    // MARK: shared string rules

    static let regionRule = StringRule(pattern: "^[a-z]+(-[a-z]+)+-?[0-9]+$", patternDescription: "a region name such as us-central1 or us-east-1",
                                       knownValues: gcpRegions + awsRegions)
    static let projectNameRule = StringRule(minLength: 1, maxLength: 63, examples: ["my-api"])
    static let labelKeyRule = StringRule(pattern: "^[a-z][a-z0-9_-]*$",
                                         patternDescription: "1-63 lowercase letters, digits, '_' or '-', starting with a letter", maxLength: 63)
    static let labelValueRule = StringRule(pattern: "^[a-z0-9_-]*$", patternDescription: "at most 63 lowercase letters, digits, '_' or '-'", maxLength: 63)
    static let tagKeyRule = StringRule(pattern: "^[A-Za-z0-9 _.:/=+@-]+$",
                                       patternDescription: "1-128 letters, digits, spaces or _.:/=+-@", minLength: 1, maxLength: 128, forbiddenPrefixes: ["aws:"])
    static let tagValueRule = StringRule(pattern: "^[A-Za-z0-9 _.:/=+@-]*$", patternDescription: "at most 256 letters, digits, spaces or _.:/=+-@", maxLength: 256)
    static let timeRule = StringRule(pattern: "^([01]?[0-9]|2[0-3]):[0-5][0-9]$", patternDescription: "a UTC time HH:MM such as 03:00")
    static let cidrRule = StringRule(pattern: "^([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}$", patternDescription: "an IPv4 CIDR block such as 10.0.0.0/16")
    static let secretNameRule = StringRule(pattern: "^[A-Za-z0-9_./+=@-]+$",
                                           patternDescription: "1-255 letters, digits or _./+=@-", minLength: 1, maxLength: 255)
    static let envNameRule = StringRule(pattern: "^[A-Za-z_][A-Za-z0-9_]*$", patternDescription: "letters, digits and '_', not starting with a digit")

    static let evictionProperty = PropertySchema(
        "eviction_policy", .enumeration(EvictionPolicy.allCases.map(\.rawValue)),
        "Redis maxmemory-policy: what to evict when memory is full (allkeys-lru suits a pure cache).")

    static func enumeration<E: RawRepresentable & CaseIterable>(_ type: E.Type) -> SchemaType where E.RawValue == String {
        .enumeration(type.allCases.map(\.rawValue))
    }

    static func commonCacheProperties(_ provider: CacheProvider) -> [PropertySchema] {
        [
            PropertySchema("type", enumeration(CacheType.self), "Kind of cache. Only redis.", default: .string("redis")),
            PropertySchema("provider", enumeration(CacheProvider.self),
                           "Managed service: memorystore (GCP), elasticache (AWS) or upstash. Defaults from the top-level provider.",
                           default: nil),
            modeProperty,
            workloadProperty,
        ]
    }

    // MARK: Memorystore

    static let memorystore = ObjectSchema("GCP Memorystore for Redis instance.", commonCacheProperties(.memorystore) + [
        PropertySchema("instance", .object(ObjectSchema("Size and replication.", [
            PropertySchema("memory_size_gb", .integer(min: 1, max: 300), "Capacity in GB, 1-300.", default: .int(1)),
            PropertySchema("tier", enumeration(MemorystoreTier.self),
                           "BASIC (one node, no SLA) or STANDARD_HA (replicated, automatic failover).", default: .string("BASIC")),
            PropertySchema("replica_count", .integer(min: 0, max: 5),
                           "Replicas: 0 for BASIC; 1 for STANDARD_HA; 1-5 with read_replicas (default 2)."),
            PropertySchema("read_replicas", .boolean,
                           "Serve reads from replicas (READ_REPLICAS_ENABLED); STANDARD_HA and 5 GB or more only.", default: .bool(false)),
            shardsProperty(memorystoreClusterShards, "shardCount"),
            replicasPerShardProperty(memorystoreClusterReplicas, "replicaCount"),
            PropertySchema("node_type", .string(StringRule(
                pattern: "^REDIS_[A-Z0-9_]+$",
                patternDescription: "a Memorystore cluster node type such as REDIS_HIGHMEM_MEDIUM (cache.* node types are ElastiCache's)",
                knownValues: MemorystoreClusterNodeType.allCases.map(\.rawValue), unknownSeverity: .error)),
                           "Cluster mode: node type of every node (REDIS_SHARED_CORE_NANO 1.4 GB, REDIS_STANDARD_SMALL 6.5 GB, REDIS_HIGHMEM_MEDIUM 13 GB, REDIS_HIGHMEM_XLARGE 58 GB).",
                           default: .string(MemorystoreClusterNodeType.highmemMedium.rawValue)),
        ]))),
        PropertySchema("version", enumeration(MemorystoreVersion.self), "Redis version.", default: .string("REDIS_7_0")),
        PropertySchema("security", .object(ObjectSchema("Authentication and encryption.", [
            PropertySchema("auth_enabled", .boolean, "Require the AUTH string (kept in Secret Manager).", default: .bool(true)),
            PropertySchema("transit_encryption", .boolean, "TLS between clients and the instance (SERVER_AUTHENTICATION, port 6378).",
                           default: .bool(true)),
            PropertySchema("customer_managed_key", .string(StringRule(
                pattern: "^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$",
                patternDescription: "projects/P/locations/L/keyRings/R/cryptoKeys/K")),
                           "Cloud KMS key for customer-managed encryption (CMEK), optional."),
            PropertySchema("authorization_mode", enumeration(ClusterAuthorizationMode.self),
                           "Cluster mode: IAM_AUTH (clients send an IAM access token as the password) or DISABLED (default IAM_AUTH)."),
        ]))),
        PropertySchema("persistence", .object(ObjectSchema("RDB snapshots.", [
            PropertySchema("mode", enumeration(PersistenceMode.self), "DISABLED or RDB.", default: .string("DISABLED")),
            PropertySchema("snapshot_period", enumeration(SnapshotPeriod.self),
                           "How often to snapshot with mode RDB (default TWENTY_FOUR_HOURS)."),
            PropertySchema("snapshot_start_time", .string(timeRule), "UTC time of the first snapshot, HH:MM."),
        ]))),
        PropertySchema("networking", .object(ObjectSchema("VPC attachment.", [
            PropertySchema("network", .string(StringRule(pattern: "^[a-z]([-a-z0-9]*[a-z0-9])?$|^projects/[^/]+/global/networks/[^/]+$",
                                                         patternDescription: "a network name or projects/P/global/networks/N")),
                           "VPC network the instance joins.", default: .string("default")),
            PropertySchema("connect_mode", enumeration(ConnectMode.self), "DIRECT_PEERING or PRIVATE_SERVICE_ACCESS.",
                           default: .string("DIRECT_PEERING")),
            PropertySchema("reserved_ip_range", .string(cidrRule), "CIDR range for the instance, optional."),
            PropertySchema("vpc_connector", .boolean,
                           "Serverless clients reach the instance through the connector named in application.vpc_connector.",
                           default: .bool(false)),
            PropertySchema("subnetwork", .string(StringRule(pattern: "^[a-z]([-a-z0-9]*[a-z0-9])?$|^projects/[^/]+/regions/[^/]+/subnetworks/[^/]+$",
                                                            patternDescription: "a subnetwork name or projects/P/regions/R/subnetworks/S")),
                           "Cluster mode: subnetwork where Private Service Connect reserves the cluster's endpoint addresses (default: default)."),
        ]))),
        PropertySchema("maintenance", .object(ObjectSchema("Weekly one-hour maintenance window (UTC).", [
            PropertySchema("day", enumeration(DayOfWeek.self), "Day of the week.", required: true),
            PropertySchema("start_time", .string(timeRule), "Start, HH:MM UTC.", required: true),
        ]))),
        PropertySchema("labels", .map(key: labelKeyRule, value: .string(labelValueRule)), "GCP labels on the instance."),
        PropertySchema("deletion_protection", .boolean, "Cluster mode: refuse deletes of the cluster (default: on in production)."),
        evictionProperty,
        PropertySchema("redis_config", .map(key: StringRule(knownValues: MemorystoreRedisConfigKey.allCases.map(\.rawValue),
                                                            unknownSeverity: .error),
                                            value: .string(.any)),
                       "Other Redis settings Memorystore allows (notify-keyspace-events, activedefrag, lfu-*, stream-node-*)."),
    ])

    // MARK: ElastiCache

    static let elasticache = ObjectSchema("AWS ElastiCache replication group (cluster mode disabled).", commonCacheProperties(.elasticache) + [
        PropertySchema("engine", enumeration(ElastiCacheEngine.self), "redis (Redis OSS) or valkey.", default: .string("redis")),
        PropertySchema("version", .string(StringRule(
            pattern: "^([1-5](\\.[0-9]+){2}|6\\.x|[6-9]\\.[0-9]+)$", patternDescription: "a version such as 7.1 or 6.2",
            knownValues: Array(Set(elasticacheVersions(for: .redis) + elasticacheVersions(for: .valkey))).sorted())),
                       "Engine version: 7.1, 7.0, 6.2 for redis; 8.0, 8.1, 7.2 for valkey (default 7.1 / 8.0)."),
        PropertySchema("instance", .object(ObjectSchema("Nodes.", [
            PropertySchema("node_type", .string(StringRule(
                pattern: "^cache\\.[a-z0-9]+\\.[a-z0-9]+$", patternDescription: "a node type such as cache.t4g.micro",
                knownValues: elasticacheNodeTypes + elasticachePreviousNodeTypes, unknownSeverity: .error)),
                           "Node type, e.g. cache.t4g.micro, cache.r7g.large.", default: .string("cache.t4g.micro")),
            PropertySchema("replica_count", .integer(min: 0, max: 5), "Read replicas besides the primary, 0-5.", default: .int(1)),
            PropertySchema("automatic_failover", .boolean, "Promote a replica when the primary fails (default: on with replicas)."),
            PropertySchema("multi_az", .boolean, "Spread nodes over availability zones (default: on with replicas)."),
            shardsProperty(elasticacheClusterShards, "NumNodeGroups"),
            replicasPerShardProperty(elasticacheClusterReplicas, "ReplicasPerNodeGroup"),
        ]))),
        PropertySchema("security", .object(ObjectSchema("Authentication and encryption.", [
            PropertySchema("auth_token", .boolean,
                           "Generate an AUTH token and keep it in Secrets Manager (needs transit_encryption). Never write the token here.",
                           default: .bool(true)),
            PropertySchema("transit_encryption", .boolean, "TLS between clients and nodes.", default: .bool(true)),
            PropertySchema("at_rest_encryption", .boolean, "Encrypt data and snapshots on disk.", default: .bool(true)),
            PropertySchema("kms_key_id", .string(StringRule(
                pattern: "^(arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/.+|alias/.+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$",
                patternDescription: "a KMS key ARN, key id or alias/NAME")),
                           "Customer-managed KMS key for at-rest encryption, optional."),
        ]))),
        PropertySchema("snapshots", .object(ObjectSchema("Automatic backups.", [
            PropertySchema("retention_days", .integer(min: 0, max: 35), "Days to keep daily snapshots, 0-35 (0 disables).", default: .int(1)),
            PropertySchema("window", .string(StringRule(pattern: "^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$",
                                                        patternDescription: "HH:MM-HH:MM (UTC) such as 03:00-04:00")),
                           "Daily snapshot window, at least 60 minutes, UTC."),
        ]))),
        PropertySchema("maintenance", .object(ObjectSchema("Weekly maintenance window (UTC).", [
            PropertySchema("window", .string(StringRule(
                pattern: "^(sun|mon|tue|wed|thu|fri|sat):([01][0-9]|2[0-3]):[0-5][0-9]-(sun|mon|tue|wed|thu|fri|sat):([01][0-9]|2[0-3]):[0-5][0-9]$",
                patternDescription: "ddd:HH:MM-ddd:HH:MM such as sun:04:00-sun:05:00")),
                           "At least 60 minutes, UTC.", required: true),
        ]))),
        evictionProperty,
        PropertySchema("parameters", .map(key: StringRule(pattern: "^[a-z][a-z0-9-]*$", patternDescription: "a Redis parameter name such as notify-keyspace-events"),
                                          value: .string(.any)),
                       "Other parameter group settings (maxmemory-policy has its own key: eviction_policy)."),
        PropertySchema("apply_immediately", .boolean,
                       "Start in-place changes (node type, version, ...) at once instead of in the next maintenance window (ModifyReplicationGroup ApplyImmediately, as Terraform's apply_immediately).",
                       default: .bool(false)),
        PropertySchema("networking", .object(ObjectSchema("VPC placement; omit to let infera create it.", [
            PropertySchema("vpc_id", .string(StringRule(pattern: "^vpc-[0-9a-f]+$", patternDescription: "vpc- followed by 8-17 hex digits", minLength: 12, maxLength: 21)),
                           "Existing VPC."),
            PropertySchema("subnet_ids", .list(of: .string(StringRule(pattern: "^subnet-[0-9a-f]+$",
                                                                      patternDescription: "subnet- followed by 8-17 hex digits", minLength: 15, maxLength: 24)),
                                               minItems: 1, maxItems: 20, unique: true),
                           "Existing private subnets for the subnet group."),
            PropertySchema("security_group_ids", .list(of: .string(StringRule(pattern: "^sg-[0-9a-f]+$",
                                                                              patternDescription: "sg- followed by 8-17 hex digits", minLength: 11, maxLength: 20)),
                                                       minItems: 1, maxItems: 5, unique: true),
                           "Existing security groups to attach."),
            PropertySchema("allowed_cidrs", .list(of: .string(cidrRule), minItems: 1, maxItems: 50, unique: true),
                           "CIDR blocks allowed to reach port 6379 when infera creates the security group."),
        ]))),
        PropertySchema("tags", .map(key: tagKeyRule, value: .string(tagValueRule)), "AWS tags on every resource."),
    ])

    // MARK: Upstash

    static let upstash = ObjectSchema("Upstash global Redis database.", commonCacheProperties(.upstash) + [
        PropertySchema("primary_region", .enumeration(upstashAWSRegions + upstashGCPRegions),
                       "Primary region (defaults to the top-level region)."),
        PropertySchema("read_regions", .list(of: .enumeration(upstashReadRegions), minItems: 0, maxItems: 12, unique: true),
                       "Extra AWS regions serving reads."),
        PropertySchema("tls", .boolean, "TLS (always on for new databases).", default: .bool(true)),
        PropertySchema("eviction", .boolean, "Evict keys when the database is full instead of failing writes.", default: .bool(true)),
        PropertySchema("plan", enumeration(UpstashPlan.self), "free, payg (pay as you go) or a fixed size.", default: .string("payg")),
        PropertySchema("budget", .integer(min: 1, max: 1_000_000), "Monthly budget cap in USD (payg only)."),
        PropertySchema("networking", .object(ObjectSchema("Not supported.", [])), "Not supported: Upstash has no VPC.",
                       forbidden: ForbiddenKey(message: "Upstash has no VPC: 'networking' settings are not supported",
                                               hint: "remove the 'networking' section; Upstash is reached over TLS on the public internet")),
        PropertySchema("eviction_policy", .enumeration(EvictionPolicy.allCases.map(\.rawValue)), "Not supported on Upstash.",
                       forbidden: ForbiddenKey(message: "Upstash does not let you choose an eviction policy",
                                               hint: "use 'eviction: true' (Upstash evicts with its own policy)")),
    ])

    /// The `cache` variants by provider.
    public static let cacheVariants: [SchemaVariant] = [
        SchemaVariant(value: CacheProvider.memorystore.rawValue, schema: memorystore),
        SchemaVariant(value: CacheProvider.elasticache.rawValue, schema: elasticache),
        SchemaVariant(value: CacheProvider.upstash.rawValue, schema: upstash),
    ]

    /// The schema of one cache provider's `cache` section.
    public static func cacheSchema(for provider: CacheProvider) -> ObjectSchema {
        switch provider {
        case .memorystore: memorystore
        case .elasticache: elasticache
        case .upstash: upstash
        }
    }

    // MARK: application and root

    static let application = ObjectSchema("How the application reaches the cache.", [
        PropertySchema("service", enumeration(ApplicationService.self), "Where the application runs."),
        PropertySchema("vpc_connector", .string(StringRule(pattern: "^[a-z][-a-z0-9]*[a-z0-9]$",
                                                           patternDescription: "a connector name: 2-25 lowercase letters, digits or '-'", minLength: 2, maxLength: 25)),
                       "Serverless VPC Access connector used by Cloud Run / Cloud Functions (GCP)."),
        PropertySchema("env", .map(key: envNameRule, value: .stringOrObject(.any, ObjectSchema("A value kept in the secret manager.", [
            PropertySchema("from_secret", .string(secretNameRule), "Name of the secret holding the value.", required: true),
        ]))), "Environment variables for the application: a literal string or {from_secret: NAME}."),
    ])

    /// The whole file.
    public static let root = ObjectSchema("infera.yaml: the managed Redis for one application.", [
        PropertySchema("project_name", .string(projectNameRule),
                       "Base of every resource name (<project_name>-redis): lowercase letters, digits and '-'.", required: true),
        PropertySchema("provider", enumeration(CloudProvider.self), "Cloud the application runs on: gcp, aws or upstash.", required: true),
        PropertySchema("region", .string(regionRule),
                       "Region, e.g. us-central1 (GCP) or us-east-1 (AWS); else CLOUDSDK_COMPUTE_REGION / AWS_REGION / AWS_DEFAULT_REGION."),
        PropertySchema("environment", .string(StringRule(pattern: "^[a-z][a-z0-9-]*$",
                                                         patternDescription: "lowercase letters, digits and '-', such as production", maxLength: 31)),
                       "Environment label: production, staging, development, …", default: .string("production")),
        PropertySchema("gcp", .object(ObjectSchema("GCP account settings.", [
            PropertySchema("project_id", .string(StringRule(pattern: "^[a-z][a-z0-9-]*[a-z0-9]$",
                                                            patternDescription: "6-30 lowercase letters, digits or '-', starting with a letter", minLength: 6, maxLength: 30)),
                           "GCP project id; else GOOGLE_CLOUD_PROJECT, CLOUDSDK_CORE_PROJECT or GOOGLE_PROJECT."),
        ]))),
        PropertySchema("aws", .object(ObjectSchema("AWS account settings.", [
            PropertySchema("account_id", .string(StringRule(pattern: "^[0-9]{12}$", patternDescription: "12 digits (quote it)")),
                           "AWS account id, checked against the credentials before apply."),
            PropertySchema("profile", .string(StringRule(pattern: "^[A-Za-z0-9_.+-]+$", patternDescription: "a profile name", maxLength: 64)),
                           "Named profile from ~/.aws/config; else AWS_PROFILE."),
        ]))),
        PropertySchema("upstash", .object(ObjectSchema("Upstash account settings (the API key comes only from UPSTASH_API_KEY).", [
            PropertySchema("email", .string(StringRule(pattern: "^[^@ ]+@[^@ ]+\\.[^@ ]+$", patternDescription: "an email address")),
                           "Account email; else UPSTASH_EMAIL."),
            PropertySchema("api_key", .string(.any), "Never write the API key in the file.",
                           forbidden: ForbiddenKey(message: "the Upstash API key must not be written in infera.yaml",
                                                   hint: "remove it and export UPSTASH_API_KEY instead; rotate the key if this file was committed")),
        ]))),
        PropertySchema("cache", .variants(discriminator: "provider", cacheVariants), "The managed Redis.", required: true),
        PropertySchema("application", .object(application), "The application that uses the cache."),
    ])
}
