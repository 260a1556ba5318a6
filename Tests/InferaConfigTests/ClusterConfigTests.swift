import Foundation
import InferaConfig
import InferaDiagnostics
import Testing

/// `cache.mode: cluster`: the layout, the providers' rules, and the diagnostics (each with a place and a hint).
@Suite struct ClusterConfigTests {
    static func load(_ text: String) -> ConfigLoadResult {
        ConfigLoader.load(text: text, file: "infera.yaml", options: .init(environment: [:]))
    }

    static func gcp(_ cache: String, environment: String = "production") -> String {
        """
        project_name: feed
        provider: gcp
        region: us-central1
        environment: \(environment)
        gcp:
          project_id: feed-prod-123
        cache:
          provider: memorystore
        \(cache)
        """
    }

    static func aws(_ cache: String, environment: String = "production") -> String {
        """
        project_name: events
        provider: aws
        region: us-east-1
        environment: \(environment)
        cache:
          provider: elasticache
        \(cache)
        """
    }

    static func errors(_ r: ConfigLoadResult) -> [Diagnostic] { r.diagnostics.filter { $0.severity == .error } }

    @Test(arguments: ["gcp-memorystore-cluster", "aws-elasticache-cluster"])
    func examplesAreValidWithoutWarnings(_ name: String) throws {
        let result = ConfigLoader.load(path: ConfigLoaderTests.example(name), options: .init(environment: [:]))
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let config = try #require(result.config)
        #expect(config.cache.mode == .cluster)
        let c = try #require(config.cache.cluster)
        #expect(c.shards == 3 && c.replicasPerShard == 1 && c.nodeCount == 6)
        #expect(config.cache.workload != nil)
    }

    @Test func memorystoreClusterDefaults() throws {
        let r = Self.load(Self.gcp("  mode: cluster"))
        #expect(Self.errors(r).isEmpty, "\(r.diagnostics)")
        let c = try #require(r.config?.cache.cluster)
        #expect(c == ClusterSettings(shards: 3, replicasPerShard: 1, nodeType: "REDIS_HIGHMEM_MEDIUM", authorizationMode: .iamAuth,
                                     subnetwork: "default", deletionProtection: true))
        // Standalone stays the default and has no layout.
        let standalone = Self.load(Self.gcp("  instance: {tier: STANDARD_HA, memory_size_gb: 5}"))
        #expect(standalone.config?.cache.mode == .standalone && standalone.config?.cache.cluster == nil)
    }

    @Test func memorystoreInstanceKeysAreRejectedInClusterMode() throws {
        let r = Self.load(Self.gcp("""
          mode: cluster
          version: REDIS_7_2
          instance:
            memory_size_gb: 30
            tier: STANDARD_HA
            node_type: REDIS_HIGHMEM_MEDIUM
          security:
            auth_enabled: true
        """))
        let errors = Self.errors(r)
        let byMessage = Dictionary(errors.map { ($0.message, $0) }, uniquingKeysWith: { a, _ in a })
        let memory = try #require(byMessage["'memory_size_gb' does not apply to Memorystore for Redis Cluster"])
        #expect(memory.location?.line == 12)
        #expect(memory.hint?.contains("shards: 3 of REDIS_HIGHMEM_MEDIUM") == true, "\(memory.hint ?? "")")
        #expect(byMessage["'tier' does not apply to Memorystore for Redis Cluster"] != nil)
        #expect(byMessage["'version' does not apply to Memorystore for Redis Cluster"] != nil)
        let auth = try #require(byMessage["'auth_enabled' does not apply to Memorystore for Redis Cluster"])
        #expect(auth.hint?.contains("authorization_mode: IAM_AUTH") == true)
        #expect(errors.count == 4, "\(errors.map(\.message))")
        #expect(r.config == nil)
    }

    @Test func memorystoreClusterLimitsComeFromTheSchema() {
        let shards = Self.errors(Self.load(Self.gcp("  mode: cluster\n  instance: {shards: 251}")))
        #expect(shards.count == 1 && shards[0].location?.line == 10, "\(shards)")
        let replicas = Self.errors(Self.load(Self.gcp("  mode: cluster\n  instance: {replicas_per_shard: 3}")))
        #expect(replicas.count == 1 && replicas[0].message.contains("replicas_per_shard"), "\(replicas)")
        let node = Self.errors(Self.load(Self.gcp("  mode: cluster\n  instance: {node_type: REDIS_HIGHMEM_HUGE}")))
        #expect(node.count == 1 && node[0].message.contains("REDIS_HIGHMEM_HUGE"), "\(node)")
        let auth = Self.errors(Self.load(Self.gcp("  mode: cluster\n  security: {authorization_mode: PASSWORD}")))
        #expect(auth.count == 1 && auth[0].message.contains("PASSWORD"), "\(auth)")
    }

    @Test func productionWarnings() {
        let r = Self.load(Self.gcp("  mode: cluster\n  instance: {replicas_per_shard: 0, node_type: REDIS_SHARED_CORE_NANO}\n  security: {authorization_mode: DISABLED}"))
        let codes = Set(r.diagnostics.filter { $0.severity == .warning }.map(\.code))
        #expect(codes == ["config.rule.cluster-production-replicas", "config.rule.cluster-nano-production", "config.rule.production-auth"], "\(r.diagnostics)")
        #expect(r.config?.cache.cluster?.authorizationMode == .disabled)
        let dev = Self.load(Self.gcp("  mode: cluster\n  instance: {replicas_per_shard: 0, node_type: REDIS_SHARED_CORE_NANO}", environment: "development"))
        #expect(dev.diagnostics.isEmpty, "\(dev.diagnostics)")
        #expect(dev.config?.cache.cluster?.deletionProtection == false)
    }

    @Test func clusterKeysNeedClusterMode() throws {
        let r = Self.load(Self.gcp("  instance: {tier: STANDARD_HA, memory_size_gb: 5, shards: 4}\n  networking: {subnetwork: apps}"))
        let errors = Self.errors(r)
        #expect(errors.map(\.code) == ["config.rule.cluster-only", "config.rule.cluster-only"], "\(errors)")
        #expect(errors[0].message == "'shards' applies only to cluster mode, but cache.mode is standalone")
        #expect(errors[0].hint == "add 'mode: cluster' under cache for a sharded deployment, or remove 'shards'")
        let aws = Self.errors(Self.load(Self.aws("  instance: {replicas_per_shard: 2}")))
        #expect(aws.map(\.code) == ["config.rule.cluster-only"])
    }

    @Test func elasticacheClusterMode() throws {
        let r = Self.load(Self.aws("  mode: cluster\n  instance: {node_type: cache.r7g.large, shards: 4, replicas_per_shard: 2}"))
        #expect(Self.errors(r).isEmpty, "\(r.diagnostics)")
        let config = try #require(r.config)
        #expect(config.cache.cluster == ClusterSettings(shards: 4, replicasPerShard: 2, nodeType: "cache.r7g.large"))
        let e = try #require(config.cache.elasticache)
        #expect(e.replicaCount == 2 && e.automaticFailover, "replicas per shard drive the node settings; failover is always on")
    }

    @Test func elasticacheClusterRules() throws {
        let r = Self.load(Self.aws("""
          mode: cluster
          instance:
            replica_count: 2
            automatic_failover: false
          parameters:
            cluster-enabled: "no"
        """))
        let errors = Self.errors(r)
        #expect(Set(errors.map(\.code)) == ["config.rule.cluster-key", "config.rule.cluster-failover", "config.rule.cluster-parameter"], "\(errors)")
        let failover = try #require(errors.first { $0.code == "config.rule.cluster-failover" })
        #expect(failover.location?.line == 10 && failover.hint == "remove automatic_failover (it is always on in cluster mode)")
        let quota = Self.load(Self.aws("  mode: cluster\n  instance: {shards: 40, replicas_per_shard: 2}"))
        #expect(quota.diagnostics.map(\.code) == ["config.rule.cluster-node-quota"], "\(quota.diagnostics)")
        #expect(quota.diagnostics.first?.message.contains("120 nodes") == true)
    }

    @Test func upstashHasNoClusterMode() throws {
        let r = Self.load("""
        project_name: edge
        provider: upstash
        cache:
          provider: upstash
          primary_region: us-east-1
          mode: cluster
        """)
        let e = try #require(Self.errors(r).first)
        #expect(Self.errors(r).count == 1)
        #expect(e.code == "config.rule.upstash-cluster" && e.location?.line == 6)
        #expect(e.message.hasPrefix("Upstash has no cluster mode"))
        #expect(e.hint?.contains("cache.provider: memorystore") == true && e.hint?.contains("cache.provider: elasticache") == true)
        // Standalone is accepted (and is what Upstash always is).
        let ok = Self.load("project_name: edge\nprovider: upstash\ncache:\n  provider: upstash\n  primary_region: us-east-1\n  mode: standalone\n")
        #expect(ok.diagnostics.isEmpty && ok.config?.cache.mode == .standalone)
    }

    @Test func schemaDescribesTheNewKeys() throws {
        let json = JSONSchemaGenerator.document().rendered()
        for key in ["\"mode\"", "\"shards\"", "\"replicas_per_shard\"", "\"authorization_mode\"", "\"subnetwork\"", "\"workload\"", "\"ops_per_sec\""] {
            #expect(json.contains(key), "\(key) missing from the JSON schema")
        }
    }
}
