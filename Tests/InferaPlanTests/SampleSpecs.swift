import InferaPlan

/// Hand-built specs: minimal, production HA and everything-optional per provider.
enum SampleSpecs {
    static let all: [(name: String, spec: DeploymentSpec)] = [
        ("memorystore-minimal", memorystoreMinimal),
        ("memorystore-production-ha", memorystoreHA),
        ("memorystore-everything", memorystoreEverything),
        ("elasticache-minimal", elasticacheMinimal),
        ("elasticache-production-ha", elasticacheHA),
        ("elasticache-everything", elasticacheEverything),
        ("upstash-minimal", upstashMinimal),
        ("upstash-production-ha", upstashHA),
        ("upstash-everything", upstashEverything),
    ]

    static let memorystoreMinimal = DeploymentSpec(
        projectName: "demo", environment: "development", region: "us-central1",
        provider: .memorystore(MemorystoreSpec(projectID: "demo-project")))

    static let memorystoreHA = DeploymentSpec(
        projectName: "my-api", environment: "production", region: "us-central1", usage: [.cache, .session],
        provider: .memorystore(MemorystoreSpec(
            projectID: "my-gcp-project", tier: "STANDARD_HA", memorySizeGB: 5, replicaCount: 1, readReplicas: true,
            redisVersion: "REDIS_7_0", persistenceMode: "RDB", snapshotPeriod: "ONE_HOUR",
            maintenance: MaintenanceWindow(day: "SUNDAY", hour: 3), connectMode: "PRIVATE_SERVICE_ACCESS",
            redisConfigs: ["maxmemory-policy": "volatile-lru"])))

    static let memorystoreEverything = DeploymentSpec(
        projectName: "shop-core", environment: "staging", region: "europe-west1", usage: [.queue, .cache],
        labels: ["team": "payments", "cost-center": "42"], urlEnvVar: "CACHE_URL", urlSecretName: "shop-cache-url",
        provider: .memorystore(MemorystoreSpec(
            projectID: "shop-prod-1234", tier: "STANDARD_HA", memorySizeGB: 16, replicaCount: 3, readReplicas: true,
            redisVersion: "REDIS_7_2", persistenceMode: "RDB", snapshotPeriod: "SIX_HOURS",
            maintenance: MaintenanceWindow(day: "TUESDAY", hour: 23, minute: 30), network: "shop-vpc",
            connectMode: "PRIVATE_SERVICE_ACCESS",
            redisConfigs: ["maxmemory-policy": "noeviction", "notify-keyspace-events": "Ex"],
            kmsKey: "projects/shop-prod-1234/locations/europe-west1/keyRings/redis/cryptoKeys/redis-cmek",
            reservedIPRange: "10.30.0.0/29")))

    static let elasticacheMinimal = DeploymentSpec(
        projectName: "demo", environment: "development", region: "us-east-1",
        provider: .elasticache(ElastiCacheSpec()))

    static let elasticacheHA = DeploymentSpec(
        projectName: "my-api", environment: "production", region: "us-east-1", usage: [.cache],
        provider: .elasticache(ElastiCacheSpec(
            nodeType: "cache.r7g.large", replicas: 2, engineVersion: "7.1", snapshotRetentionDays: 7,
            snapshotWindow: "03:00-04:00", maintenanceWindow: "sun:05:00-sun:06:00",
            parameters: ["maxmemory-policy": "allkeys-lru"], vpcID: "vpc-0abc1234",
            subnetIDs: ["subnet-0aaa1111", "subnet-0bbb2222", "subnet-0ccc3333"], clientSecurityGroupIDs: ["sg-0app1234"])))

    static let elasticacheEverything = DeploymentSpec(
        projectName: "orders", environment: "production", region: "eu-west-1", usage: [.queue, .session],
        labels: ["Team": "orders", "CostCenter": "7"], urlEnvVar: "REDIS_URL", urlSecretName: "orders/prod/redis-url",
        provider: .elasticache(ElastiCacheSpec(
            nodeType: "cache.r6g.xlarge", replicas: 2, engineVersion: "7.0",
            kmsKeyARN: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            snapshotRetentionDays: 14, snapshotWindow: "02:00-03:00", maintenanceWindow: "sat:23:30-sun:00:30",
            parameters: ["maxmemory-policy": "volatile-lfu", "timeout": "300"], vpcID: "vpc-0def5678",
            subnetIDs: ["subnet-0aaa1111", "subnet-0bbb2222"], clientSecurityGroupIDs: ["sg-0app1234", "sg-0wrk5678"],
            clientCIDRBlocks: ["10.20.0.0/16"], port: 6380)))

    static let upstashMinimal = DeploymentSpec(
        projectName: "demo", environment: "development", region: "us-east-1",
        provider: .upstash(UpstashSpec()))

    static let upstashHA = DeploymentSpec(
        projectName: "my-api", environment: "production", region: "us-east-1", usage: [.cache],
        provider: .upstash(UpstashSpec(primaryRegion: "us-east-1", readRegions: ["us-west-2", "eu-west-1"], eviction: true,
                                       plan: "fixed_1gb", prodPack: true)))

    static let upstashEverything = DeploymentSpec(
        projectName: "edge-app", environment: "staging", region: "eu-central-1", usage: [.ratelimit, .session],
        provider: .upstash(UpstashSpec(primaryRegion: "eu-central-1", readRegions: ["eu-west-1"], eviction: false,
                                       plan: "payg", budget: 50, prodPack: false, autoScale: true,
                                       ipAllowlist: ["203.0.113.0/24"], expectedMonthlyCommands: 3_000_000, expectedStorageGB: 2.5)))
}
