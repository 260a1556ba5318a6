import Foundation
import InferaAWS
@testable import InferaElastiCache
import InferaPlan
import InferaTestSupport
import Testing

/// `cache.mode: cluster` on ElastiCache through the real `infera` binary against the strict AWS fake (moto 5.2.1 has
/// no ModifyReplicationGroupShardConfiguration, Increase/DecreaseReplicaCount or status transitions): create in cluster
/// mode, online resharding and replica changes one at a time, kill -9 mid-resharding, throttling, status/output, destroy.
@Suite(.serialized) struct ElastiCacheClusterModeTests {
    static func yaml(shards: Int, replicas: Int, nodeType: String = "cache.t4g.small", cluster: Bool = true) -> String {
        let layout = cluster ? "  mode: cluster\n" : ""
        let instance = cluster ? "    shards: \(shards)\n    replicas_per_shard: \(replicas)\n" : "    replica_count: \(replicas)\n"
        return """
        project_name: shop
        provider: aws
        region: us-east-1
        environment: staging
        cache:
          type: redis
          provider: elasticache
        \(layout)  version: "7.1"
          instance:
            node_type: \(nodeType)
        \(instance)  security:
            auth_token: true
            transit_encryption: true
            at_rest_encryption: true
          snapshots:
            retention_days: 7
            window: "03:00-04:00"
          maintenance:
            window: "sun:05:00-sun:06:00"
          networking:
            subnet_ids: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]
            allowed_cidrs: ["10.0.0.0/16"]

        """
    }

    static func project(shards: Int = 2, replicas: Int = 1) throws -> AWSProject {
        let p = try AWSProject()
        try write(p, shards: shards, replicas: replicas)
        return p
    }

    static func write(_ p: AWSProject, shards: Int, replicas: Int, nodeType: String = "cache.t4g.small", cluster: Bool = true) throws {
        try yaml(shards: shards, replicas: replicas, nodeType: nodeType, cluster: cluster).write(toFile: p.config, atomically: true, encoding: .utf8)
    }

    func group(_ fake: LocalServer) async throws -> [String: Any]? { (try await fake.state()["replication_groups"] as? [[String: Any]])?.first }
    func counts(_ fake: LocalServer) async throws -> [String: Int] { (try await fake.stats()["creates"] as? [String: Int]) ?? [:] }
    func reshards(_ fake: LocalServer) async throws -> [[String: Any]] { (try await fake.stats()["reshards"] as? [[String: Any]]) ?? [] }

    @Test func createReshardReplicasStatusOutputAndDestroy() async throws {
        let fake = try LocalServer.fake()
        defer { fake.stop() }
        let project = try Self.project()
        defer { project.remove() }
        let infera = AWSInfera(project, fake)
        var printed = ""
        func run(_ args: String...) throws -> InferaRunner.Result {
            let r = try InferaRunner.run(args, cwd: project.dir, env: infera.env, timeout: 60)
            printed += r.combined
            return r
        }

        // Live plan (not the offline note), then create in cluster mode.
        var r = try run("plan")
        #expect(r.status == 0 && !r.stderr.contains("offline plan") && r.stdout.contains("Plan: 7 to add"), "\(r.combined)")
        r = try run("apply", "--auto-approve")
        #expect(r.status == 0 && r.stdout.contains("Apply complete! Resources: 7 added, 0 changed, 0 destroyed."), "\(r.combined)")
        var g = try #require(try await group(fake))
        #expect(g["cluster"] as? Bool == true && g["shards"] as? [String] == ["0001", "0002"] && g["replicas"] as? Int == 1, "\(g)")
        #expect(g["failover"] as? Bool == true && g["param_group"] as? String == "shop-redis7" && g["status"] as? String == "available")
        let pgs = try await fake.state()["parameter_groups"] as? [[String: Any]]
        #expect((pgs?.first?["params"] as? [String: String])?["cluster-enabled"] == "yes")

        r = try run("apply", "--auto-approve")
        #expect(r.status == 0 && r.stdout.contains("No changes.") && r.stdout.contains("Resources: 0 added, 0 changed, 0 destroyed."), "\(r.combined)")

        // 2 → 4 shards: an in-place change with the expected duration, then ModifyReplicationGroupShardConfiguration.
        try Self.write(project, shards: 4, replicas: 1)
        r = try run("plan")
        #expect(r.stdout.contains("~ num_node_groups = 2 -> 4") && r.stdout.contains("online resharding 2 → 4 shards"), "\(r.stdout)")
        #expect(r.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."))
        r = try run("apply", "--auto-approve")
        #expect(r.status == 0 && r.stdout.contains("aws_elasticache_replication_group.redis: Modifying..."), "\(r.combined)")
        #expect(try await group(fake)?["shards"] as? [String] == ["0001", "0002", "0003", "0004"])

        // 4 → 3 shards and 1 → 2 replicas in one apply: two operations, one after the other (the fake refuses a second
        // while the group is modifying); the highest-numbered shard goes.
        try Self.write(project, shards: 3, replicas: 2)
        r = try run("apply", "--auto-approve")
        #expect(r.stdout.contains("~ replicas_per_node_group = 1 -> 2") && r.stdout.contains("IncreaseReplicaCount"), "\(r.stdout)")
        #expect(r.status == 0 && r.stdout.contains("Resources: 0 added, 1 changed, 0 destroyed."), "\(r.combined)")
        g = try #require(try await group(fake))
        #expect(g["shards"] as? [String] == ["0001", "0002", "0003"] && g["replicas"] as? Int == 2, "\(g)")
        #expect(try await reshards(fake).last?["removed"] as? [String] == ["0004"])
        let made = try await counts(fake)
        #expect(made["reshard"] == 2 && made["replica_change"] == 1, "\(made)")
        r = try run("plan")
        #expect(r.stdout.contains("No changes."), "\(r.stdout)")

        // Replicas 2 → 1: DecreaseReplicaCount.
        try Self.write(project, shards: 3, replicas: 1)
        r = try run("apply", "--auto-approve")
        #expect(r.status == 0 && r.stdout.contains("DecreaseReplicaCount"), "\(r.combined)")
        #expect(try await group(fake)?["replicas"] as? Int == 1)

        r = try run("status")
        #expect(r.status == 0 && r.stdout.contains("cache.t4g.small x6 (3 shards × 2 nodes)"), "\(r.stdout)")
        #expect(r.stdout.contains("clustercfg.shop-redis.fake1.use1.cache.amazonaws.com:6379") && r.stdout.contains("cluster_mode:"))
        #expect(r.stdout.split(separator: "\n").contains { $0.contains("shards:") && $0.hasSuffix(" 3") })
        r = try run("output")
        #expect(r.stdout.contains("configuration_endpoint = \"clustercfg.shop-redis.fake1.use1.cache.amazonaws.com:6379\""), "\(r.stdout)")
        #expect(r.stdout.contains("cluster_mode") && r.stdout.contains("redis_url") && r.stdout.contains("<sensitive>"))
        #expect(r.stdout.split(separator: "\n").contains { $0.hasPrefix("auth_secret_arn ") && $0.contains("\"arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/redis-auth-") }, "\(r.stdout)")
        #expect(!r.stdout.contains("auth_token"), "the token itself is no output: \(r.stdout)")

        // The URL (only with --show-secrets) points at the configuration endpoint; its token is printed nowhere else.
        let url = try InferaRunner.run(["output", "redis_url", "--show-secrets"], cwd: project.dir, env: infera.env, timeout: 60)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(url.hasPrefix("rediss://:") && url.hasSuffix("@clustercfg.shop-redis.fake1.use1.cache.amazonaws.com:6379"), "\(url)")
        let token = String(url.dropFirst("rediss://:".count).prefix { $0 != "@" })
        #expect(token.count == 32)

        // Cluster mode off is a replacement: refused without --allow-replace.
        try Self.write(project, shards: 3, replicas: 1, cluster: false)
        r = try run("plan")
        #expect(r.stdout.contains("cluster_mode") && r.stdout.contains("\"enabled\" -> \"disabled\" # forces replacement"), "\(r.stdout)")
        r = try run("apply", "--auto-approve")
        #expect(r.status == 1 && r.stderr.contains("--allow-replace"), "\(r.combined)")
        #expect(try await group(fake)?["cluster"] as? Bool == true)
        // With --allow-replace: off, then on again (a new group each time, the same AUTH token).
        r = try run("apply", "--auto-approve", "--allow-replace")
        #expect(r.status == 0 && r.stdout.contains("Resources: 1 added, 0 changed, 2 destroyed."), "the group and the cluster-enabled parameter group go: \(r.combined)")
        #expect(try await group(fake)?["cluster"] as? Bool == false)
        // Without cluster mode too, a node type and a replica count change in one apply run one after the other.
        try Self.write(project, shards: 3, replicas: 2, nodeType: "cache.t4g.medium", cluster: false)
        r = try run("apply", "--auto-approve")
        #expect(r.status == 0 && r.stdout.contains("~ num_cache_clusters = 2 -> 3"), "\(r.combined)")
        g = try #require(try await group(fake))
        #expect(g["num"] as? Int == 3 && (g["pending"] as? [String: String])?["CacheNodeType"] == "cache.t4g.medium", "\(g)")
        try Self.write(project, shards: 3, replicas: 1)
        r = try run("plan")
        #expect(r.stdout.contains("\"disabled\" -> \"enabled\" # forces replacement"), "\(r.stdout)")
        r = try run("apply", "--auto-approve", "--allow-replace")
        #expect(r.status == 0 && r.stdout.contains("Resources: 2 added, 0 changed, 1 destroyed."), "\(r.combined)")
        g = try #require(try await group(fake))
        #expect(g["cluster"] as? Bool == true && g["shards"] as? [String] == ["0001", "0002", "0003"] && g["replicas"] as? Int == 1, "\(g)")
        let again = try InferaRunner.run(["output", "redis_url", "--show-secrets"], cwd: project.dir, env: infera.env, timeout: 60).stdout
        #expect(again.contains(":\(token)@clustercfg."), "the token is re-used")

        r = try run("destroy", "--auto-approve")
        #expect(r.status == 0 && r.stdout.contains("Destroy complete! Resources: 7 destroyed."), "\(r.combined)")
        #expect(try await group(fake) == nil)
        #expect(try await counts(fake)["replication_group"] == 3)
        #expect(try await fake.violations().isEmpty)
        #expect(!printed.contains(token), "the AUTH token never reaches stdout/stderr")
        #expect(!project.journal().contains(token) && !project.journal().contains("\"pending\""))
    }

    @Test func killNineDuringReshardingThenRerunConverges() async throws {
        let fake = try LocalServer.fake()
        defer { fake.stop() }
        let project = try Self.project()
        defer { project.remove() }
        let infera = AWSInfera(project, fake)
        var r = try infera.run("apply", "--auto-approve", timeout: 60)
        #expect(r.status == 0, "\(r.combined)")

        // Slow transitions, a change of both shards and replicas, kill -9 while the resharding runs.
        try await fake.configure(#"{"transition_polls": 100000}"#)
        try Self.write(project, shards: 3, replicas: 2)
        let running = try InferaRunner.start(["apply", "--auto-approve"], cwd: project.dir, env: infera.env)
        let deadline = Date().addingTimeInterval(30)
        while !project.journal().contains("layout:shop-redis:3:2:1") && Date() < deadline { usleep(20_000) }
        #expect(project.journal().contains("layout:shop-redis:3:2:1"), "the target layout is journaled: \(project.journal())")
        running.kill9()
        #expect(try await group(fake)?["status"] as? String == "modifying")
        #expect(try await counts(fake)["reshard"] == 1)

        // The re-run waits for the journaled resharding, then makes the replica change it still owes.
        try await fake.configure(#"{"transition_polls": 3}"#)
        r = try infera.run("apply", "--auto-approve", timeout: 60)
        #expect(r.status == 0, "\(r.combined)")
        let g = try #require(try await group(fake))
        #expect(g["shards"] as? [String] == ["0001", "0002", "0003"] && g["replicas"] as? Int == 2 && g["status"] as? String == "available", "\(g)")
        let c = try await counts(fake)
        #expect(c["reshard"] == 1 && c["replica_change"] == 1 && c["replication_group"] == 1, "one operation each: \(c)")
        #expect(!project.journal().contains("\"pending\""))
        r = try infera.run("plan")
        #expect(r.stdout.contains("No changes."), "\(r.stdout)")
        #expect(try await fake.violations().isEmpty)
    }

    @Test func throttlingIsRetriedAndConvergesToOneGroup() async throws {
        let fake = try LocalServer.fake(seed: 11)
        defer { fake.stop() }
        try await fake.configure(#"{"fault_rate": 0.3, "fault_kinds": ["throttle"]}"#)
        let project = try Self.project()
        defer { project.remove() }
        let infera = AWSInfera(project, fake)
        func converge() throws -> Bool {
            for _ in 0..<6 {
                let r = try infera.run("apply", "--auto-approve", timeout: 60)
                #expect(!r.combined.contains("Fatal error"))
                if r.status == 0 { return true }
                #expect(r.stderr.contains("Throttling") && r.stderr.contains("hint"), "\(r.stderr)")
            }
            return false
        }
        #expect(try converge())
        try Self.write(project, shards: 3, replicas: 1)
        #expect(try converge())
        let throttled = ((try await fake.stats()["faults"] as? [String: Int]) ?? [:])["throttle"] ?? 0
        #expect(throttled > 5, "throttling was injected: \(throttled)")
        try await fake.configure(#"{"fault_rate": 0}"#)
        let r = try infera.run("apply", "--auto-approve")
        #expect(r.status == 0 && r.stdout.contains("0 added, 0 changed, 0 destroyed"), "\(r.combined)")
        let c = try await counts(fake)
        #expect(c["replication_group"] == 1 && c["reshard"] == 1, "\(c)")
        #expect(try await group(fake)?["shards"] as? [String] == ["0001", "0002", "0003"])
        #expect(try await fake.violations().isEmpty)
    }
}

/// The pieces of cluster mode that need no server: reading a cluster-mode group, the journaled target, shard removal.
@Suite struct ElastiCacheClusterModeUnitTests {
    @Test func readsNodeGroupsConfigurationEndpointAndSlotMigration() throws {
        let xml = """
        <ReplicationGroup><ReplicationGroupId>shop-redis</ReplicationGroupId><Status>modifying</Status>
        <PendingModifiedValues><Resharding><SlotMigration><ProgressPercentage>42.5</ProgressPercentage></SlotMigration></Resharding></PendingModifiedValues>
        <MemberClusters><ClusterId>shop-redis-0001-001</ClusterId><ClusterId>shop-redis-0001-002</ClusterId><ClusterId>shop-redis-0002-001</ClusterId><ClusterId>shop-redis-0002-002</ClusterId><ClusterId>shop-redis-0002-003</ClusterId></MemberClusters>
        <NodeGroups>
          <NodeGroup><NodeGroupId>0001</NodeGroupId><Status>available</Status><Slots>0-8191</Slots><NodeGroupMembers><NodeGroupMember><CacheClusterId>shop-redis-0001-001</CacheClusterId></NodeGroupMember><NodeGroupMember><CacheClusterId>shop-redis-0001-002</CacheClusterId></NodeGroupMember></NodeGroupMembers></NodeGroup>
          <NodeGroup><NodeGroupId>0002</NodeGroupId><Status>available</Status><Slots>8192-16383</Slots><NodeGroupMembers><NodeGroupMember><CacheClusterId>a</CacheClusterId></NodeGroupMember><NodeGroupMember><CacheClusterId>b</CacheClusterId></NodeGroupMember><NodeGroupMember><CacheClusterId>c</CacheClusterId></NodeGroupMember></NodeGroupMembers></NodeGroup>
        </NodeGroups>
        <ConfigurationEndpoint><Address>clustercfg.shop-redis.abc.use1.cache.amazonaws.com</Address><Port>6380</Port></ConfigurationEndpoint>
        <ClusterEnabled>true</ClusterEnabled><CacheNodeType>cache.r7g.large</CacheNodeType></ReplicationGroup>
        """
        let g = ReplicationGroup(try XMLReader.parse(xml))
        #expect(g.clusterEnabled && g.nodeGroups.map(\.id) == ["0001", "0002"] && g.nodeGroups.map(\.slots) == ["0-8191", "8192-16383"])
        #expect(g.replicasPerShard == 1, "the shard still short of replicas counts")
        #expect(g.configurationEndpoint == "clustercfg.shop-redis.abc.use1.cache.amazonaws.com" && g.port == 6380 && g.primaryEndpoint == nil)
        #expect(g.slotMigrationPercent == 42.5 && g.pending["Resharding"] == nil)
        let a = ElastiCacheProvider.clusterAttributes(g)
        #expect(a["num_node_groups"] == .int(2) && a["replicas_per_node_group"] == .int(1) && a["cluster_mode"] == .string("enabled"))
        let standalone = ReplicationGroup(try XMLReader.parse("<ReplicationGroup><ClusterEnabled>false</ClusterEnabled><NodeGroups><NodeGroup><NodeGroupId>0001</NodeGroupId><PrimaryEndpoint><Address>master.x</Address><Port>6379</Port></PrimaryEndpoint></NodeGroup></NodeGroups></ReplicationGroup>"))
        #expect(!standalone.clusterEnabled && standalone.primaryEndpoint == "master.x" && standalone.configurationEndpoint == nil)
    }

    @Test func scalingInRemovesTheHighestNumberedShards() {
        #expect(ElastiCacheProvider.nodeGroupsToRemove(["0001", "0010", "0002", "0003"], keep: 2) == ["0003", "0010"])
        #expect(ElastiCacheProvider.nodeGroupsToRemove(["0003", "0001", "0002", "0004"], keep: 3) == ["0004"])
        #expect(ElastiCacheProvider.nodeGroupsToRemove(["0001"], keep: 1).isEmpty)
    }

    @Test func theTargetLayoutRoundTripsThroughTheJournalToken() {
        let t = ElastiCacheProvider.LayoutTarget(id: "shop-redis", shards: 4, replicas: 2, started: 1)
        #expect(t.token == "layout:shop-redis:4:2:1" && ElastiCacheProvider.LayoutTarget(token: t.token) == t)
        #expect(ElastiCacheProvider.LayoutTarget(token: "describe:shop-redis") == nil)
        #expect(ElastiCacheProvider.LayoutTarget(token: "layout:shop-redis:x:2:1") == nil)
    }
}
