import Foundation
import InferaPlan
import InferaTerraform
import Testing

/// Cluster mode in the plan: resources, changes (online scaling vs. replacement), cost, checks, generated module.
@Suite struct ClusterPlanTests {
    static let gcpCluster = DeploymentSpec(
        projectName: "feed", environment: "production", region: "us-central1",
        provider: .memorystore(MemorystoreSpec(projectID: "feed-prod-123", persistenceMode: "RDB", snapshotPeriod: "ONE_HOUR")),
        cluster: ClusterSpec(shards: 3, replicasPerShard: 1, nodeType: "REDIS_HIGHMEM_MEDIUM", authorizationMode: "AUTH_MODE_IAM_AUTH",
                             subnetwork: "default", deletionProtection: true))

    static let awsCluster = DeploymentSpec(
        projectName: "events", environment: "production", region: "us-east-1",
        provider: .elasticache(ElastiCacheSpec(nodeType: "cache.r7g.large", replicas: 1, snapshotRetentionDays: 7, maintenanceWindow: "sun:05:00-sun:06:00")),
        cluster: ClusterSpec(shards: 3, replicasPerShard: 1, nodeType: "cache.r7g.large"))

    static func resource(_ spec: DeploymentSpec, _ address: String) throws -> DesiredResource {
        try #require(DesiredState.resources(for: spec).first { $0.address == address })
    }

    @Test func memorystoreClusterResources() throws {
        let addresses = DesiredState.resources(for: Self.gcpCluster).map(\.address)
        #expect(addresses.contains("google_redis_cluster.main"))
        #expect(addresses.contains("google_network_connectivity_service_connection_policy.redis"))
        #expect(!addresses.contains("google_redis_instance.main"))
        let c = try Self.resource(Self.gcpCluster, "google_redis_cluster.main")
        #expect(c["shard_count"] == .int(3) && c["replica_count"] == .int(1))
        #expect(c["authorization_mode"] == .string("AUTH_MODE_IAM_AUTH"))
        #expect(c["transit_encryption_mode"] == .string("TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION"))
        #expect(!c.forceNew.contains("shard_count") && !c.forceNew.contains("replica_count"), "shards and replicas scale online")
        let policy = try Self.resource(Self.gcpCluster, "google_network_connectivity_service_connection_policy.redis")
        #expect(policy["service_class"] == .string("gcp-memorystore-redis"))
    }

    @Test func elasticacheClusterReplicationGroup() throws {
        let rg = try Self.resource(Self.awsCluster, "aws_elasticache_replication_group.redis")
        #expect(rg["num_node_groups"] == .int(3) && rg["replicas_per_node_group"] == .int(1))
        #expect(rg["num_cache_clusters"] == nil && rg["primary_endpoint_address"] == nil)
        #expect(rg["automatic_failover_enabled"] == .bool(true) && rg["cluster_mode"] == .string("enabled"))
        #expect(rg.forceNew.contains("cluster_mode"))
        let pg = try Self.resource(Self.awsCluster, "aws_elasticache_parameter_group.redis")
        #expect(pg["parameter"] == .object([Attribute("cluster-enabled", .string("yes"))]))
    }

    static func observed(_ spec: DeploymentSpec, _ edit: (inout [String: AttributeValue]) -> Void) -> ObservedState {
        var state = ObservedState(source: "test")
        for r in DesiredState.resources(for: spec) {
            var attrs: [String: AttributeValue] = [:]
            for a in r.attributes { attrs[a.name] = a.value.isKnown ? a.value : .string("x") }
            if r.type == "aws_elasticache_replication_group" || r.type == "google_redis_cluster" { edit(&attrs) }
            state.resources[r.address] = ObservedResource(type: r.type, name: r.name, attributes: attrs)
        }
        return state
    }

    @Test func reshardingIsAnInPlaceChangeWithItsDuration() throws {
        for spec in [Self.gcpCluster, Self.awsCluster] {
            let shardsKey = spec.providerName == "memorystore" ? "shard_count" : "num_node_groups"
            let plan = Planner.plan(spec, observed: Self.observed(spec) { $0[shardsKey] = .int(2) })
            let change = try #require(plan.changes.first { $0.action != .noop })
            #expect(change.action == .update, "\(change.changedAttributes)")
            #expect(plan.summary.change == 1 && plan.summary.add == 0 && plan.summary.destroy == 0)
            let text = PlanTextRenderer.render(plan, color: false)
            #expect(text.contains("# online resharding 2 → 3 shards: expect 10-20 minutes"), "\(text)")
        }
    }

    @Test func replicaChangesAreInPlace() throws {
        let plan = Planner.plan(Self.awsCluster, observed: Self.observed(Self.awsCluster) { $0["replicas_per_node_group"] = .int(2) })
        let change = try #require(plan.changes.first { $0.action != .noop })
        #expect(change.action == .update)
        #expect(PlanTextRenderer.render(plan, color: false).contains("# replicas per shard 2 → 1, online (DecreaseReplicaCount)"))
    }

    @Test func clusterModeOffReplaces() throws {
        // The live group runs in cluster mode; the spec turns it off: -/+ on the replication group.
        var standalone = Self.awsCluster
        standalone.cluster = nil
        var state = ObservedState(source: "test")
        for r in DesiredState.resources(for: standalone) {
            var attrs: [String: AttributeValue] = [:]
            for a in r.attributes { attrs[a.name] = a.value.isKnown ? a.value : .string("x") }
            if r.type == "aws_elasticache_replication_group" { attrs["cluster_mode"] = .string("enabled") }
            state.resources[r.address] = ObservedResource(type: r.type, name: r.name, attributes: attrs)
        }
        let plan = Planner.plan(standalone, observed: state)
        let rg = try #require(plan.changes.first { $0.address == "aws_elasticache_replication_group.redis" })
        #expect(rg.action == .replace)
        #expect(rg.changedAttributes.contains { $0.name == "cluster_mode" && $0.forcesReplacement })
        // And on: a standalone group observed, cluster mode wanted.
        let on = Planner.plan(Self.awsCluster, observed: Self.observed(Self.awsCluster) { $0["cluster_mode"] = .string("disabled") })
        #expect(on.changes.first { $0.address == "aws_elasticache_replication_group.redis" }?.action == .replace)
    }

    @Test func costIsNodesTimesRate() throws {
        let aws = Planner.plan(Self.awsCluster).cost
        // 3 shards × (1 + 1) nodes × cache.r7g.large $0.219/h × 730 h (shared/reference/pricing.json).
        #expect(aws.totalMonthlyUSD == 959.22)
        #expect(aws.lines.first?.description == "3 shards × 2 nodes × cache.r7g.large × $0.219/node-hour")
        var bigger = Self.awsCluster
        bigger.cluster?.replicasPerShard = 2
        #expect(Planner.plan(bigger).cost.totalMonthlyUSD == 1438.83)
        let gcp = Planner.plan(Self.gcpCluster).cost
        #expect(gcp.lines.first?.monthlyUSD == nil, "no sourced Memorystore cluster rate: not priced, never guessed")
        #expect(gcp.caveats.contains { $0.contains("6 × REDIS_HIGHMEM_MEDIUM") })
    }

    @Test func sizingCheckRecommendsClusterMode() throws {
        var one = SampleSpecs.elasticacheHA
        one.workload = ExpectedWorkload(dataGB: 500, opsPerSecond: 250_000)
        let r = try #require(Planner.plan(one).checks.first { $0.id == "INF015" })
        #expect(r.status == .failed)
        #expect(r.messages.count == 2 && r.messages[0].contains("largest ElastiCache node") && r.messages[1].contains("about 3 shards"), "\(r.messages)")
        // Without a workload the check is left out entirely.
        #expect(!Planner.plan(SampleSpecs.elasticacheHA).checks.contains { $0.id == "INF015" })
        // A cluster that is big enough passes; one that is too small says how many shards.
        var cl = Self.awsCluster
        cl.workload = ExpectedWorkload(dataGB: 30, opsPerSecond: 120_000)
        #expect(Planner.plan(cl).checks.first { $0.id == "INF015" }?.status == .passed)
        cl.workload = ExpectedWorkload(dataGB: 60)
        let small = try #require(Planner.plan(cl).checks.first { $0.id == "INF015" })
        #expect(small.status == .failed && small.messages == ["3 shard(s) × 13.1 GB = 39.2 GB, less than the expected 60 GB: at least 5 shards"])
    }

    @Test func clusterModeWarnsAboutDetectFindings() throws {
        let findings = [
            ExternalFinding(ruleID: "redis.cluster-cross-slot", severity: .note, message: "m", location: "app/users.py:4"),
            ExternalFinding(ruleID: "redis.cluster-cross-slot", severity: .note, message: "m", location: "app/carts.py:9"),
            ExternalFinding(ruleID: "redis.select-database", severity: .note, message: "m", location: "app/reports.py:4"),
        ]
        let r = try #require(Planner.plan(Self.gcpCluster, findings: findings).checks.first { $0.id == "INF016" })
        #expect(r.status == .failed && r.severity == .warning)
        #expect(r.messages == ["2 multi-key command(s) over keys without a common hash tag (CROSSSLOT in cluster mode), first at app/carts.py:9",
                               "1 use(s) of a database other than 0 (SELECT fails in cluster mode), first at app/reports.py:4"])
        // Standalone: the same code is fine, the check does not apply.
        #expect(!Planner.plan(SampleSpecs.memorystoreHA, findings: findings).checks.contains { $0.id == "INF016" })
    }

    @Test func standingChecksReadTheClusterSettings() throws {
        var spec = Self.gcpCluster
        spec.cluster?.replicasPerShard = 0
        spec.cluster?.authorizationMode = "AUTH_MODE_DISABLED"
        let checks = Planner.plan(spec).checks
        #expect(checks.first { $0.id == "INF003" }?.messages.first?.contains("no replica per shard") == true)
        #expect(checks.first { $0.id == "INF001" }?.messages.first?.contains("authorization_mode is DISABLED") == true)
        #expect(checks.first { $0.id == "INF007" }?.status == .passed, "an instance's memory size means nothing for a cluster")
        #expect(Planner.plan(Self.gcpCluster).checks.first { $0.id == "INF003" }?.status == .passed)
    }

    @Test func planJSONRoundTripsTheLayout() throws {
        let plan = Planner.plan(Self.gcpCluster)
        let decoded = try PlanJSON.decode(try PlanJSON.encode(plan))
        #expect(decoded.spec.cluster == Self.gcpCluster.cluster)
        #expect(try PlanJSON.encode(plan).contains("\"replicas_per_shard\" : 1"))
    }

    @Test func moduleUsesTheClusterTemplates() throws {
        let gcp = try TerraformRenderer().renderModule(Self.gcpCluster)
        let main = try #require(gcp.first { $0.path == "main.tf" }?.contents)
        #expect(main.contains("resource \"google_redis_cluster\" \"main\"") && main.contains("resource \"google_network_connectivity_service_connection_policy\" \"redis\""))
        #expect(!main.contains("google_redis_instance"))
        let aws = try TerraformRenderer().renderModule(Self.awsCluster)
        let awsMain = try #require(aws.first { $0.path == "main.tf" }?.contents)
        #expect(awsMain.contains("num_node_groups            = var.num_node_groups") && !awsMain.contains("num_cache_clusters"))
        #expect(awsMain.contains("name  = \"cluster-enabled\"") && awsMain.contains("configuration_endpoint_address"))
        for lang in ["node", "python", "go"] {
            let s = try TerraformRenderer().renderSnippet(Self.awsCluster, language: lang).contents
            #expect(s.contains("Cluster") || s.contains("cluster"), "\(lang) snippet must use a cluster client")
        }
        #expect(try TerraformRenderer().renderSnippet(Self.gcpCluster, language: "python").contents.contains("RedisCluster.from_url("))
    }
}
