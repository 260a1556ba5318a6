import Foundation
import InferaPlan
import Testing
@testable import InferaGCP

/// The desired cluster, the PATCH masks (scaling fields one per operation) and the replacement reasons, without a network.
@Suite struct MemorystoreClusterDiffTests {
    static let memorystore = MemorystoreSpec(projectID: "p", transitEncryption: true, persistenceMode: "RDB", snapshotPeriod: "ONE_HOUR",
                                             redisConfigs: ["maxmemory-policy": "volatile-lru"])
    static let cluster = ClusterSpec(shards: 3, replicasPerShard: 1, nodeType: "REDIS_HIGHMEM_MEDIUM", authorizationMode: "AUTH_MODE_IAM_AUTH")

    func desired(_ change: (inout ClusterSpec, inout MemorystoreSpec) -> Void = { _, _ in }) -> RedisCluster {
        var c = Self.cluster, m = Self.memorystore
        change(&c, &m)
        let spec = DeploymentSpec(projectName: "feed", environment: "staging", region: "us-central1", provider: .memorystore(m))
        return MemorystoreClusterDiff.desired(spec, m, c, project: "p")
    }

    /// What the API reports for `desired()` after create (plus output fields).
    func live() -> RedisCluster {
        var c = desired()
        c.name = "projects/p/locations/us-central1/clusters/feed-redis"
        c.state = "ACTIVE"
        c.discoveryEndpoints = [DiscoveryEndpoint(address: "10.1.1.5", port: 6379)]
        c.sizeGb = 39
        return c
    }

    @Test func desiredBodyHasTheClusterFieldsAndNoOutputFields() throws {
        let body = try #require(String(data: Data(try JSONCoding.encode(desired().withoutOutputFields)), encoding: .utf8))
        #expect(body == #"{"authorizationMode":"AUTH_MODE_IAM_AUTH","deletionProtectionEnabled":false,"nodeType":"REDIS_HIGHMEM_MEDIUM","#
            + #""persistenceConfig":{"mode":"RDB","rdbConfig":{"rdbSnapshotPeriod":"ONE_HOUR"}},"pscConfigs":[{"network":"projects/p/global/networks/default"}],"#
            + #""redisConfigs":{"maxmemory-policy":"volatile-lru"},"replicaCount":1,"shardCount":3,"#
            + #""transitEncryptionMode":"TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION"}"#)
    }

    @Test func noChangeWhenLiveMatches() {
        let c = MemorystoreClusterDiff.compare(desired: desired(), live: live())
        #expect(c.masks.isEmpty && c.replaceReasons.isEmpty)
    }

    @Test func scalingFieldsGoOnePerOperationAfterTheOthers() {
        let d = desired { c, m in
            c.shards = 5
            c.replicasPerShard = 2
            c.deletionProtection = true
            m.snapshotPeriod = "SIX_HOURS"
        }
        let change = MemorystoreClusterDiff.compare(desired: d, live: live())
        #expect(change.masks == [["persistenceConfig", "deletionProtectionEnabled"], ["shardCount"], ["replicaCount"]])
        #expect(MemorystoreClusterDiff.masked(d, ["shardCount"]) == { var r = RedisCluster(); r.shardCount = 5; return r }())
        #expect(MemorystoreClusterDiff.describe(["shardCount"], desired: d, live: live()) == "resharding 3 → 5 shards")
    }

    @Test func immutableFieldsNeedAReplacement() {
        let d = desired { c, m in
            c.authorizationMode = "AUTH_MODE_DISABLED"
            m.transitEncryption = false
        }
        let change = MemorystoreClusterDiff.compare(desired: d, live: live())
        #expect(change.replaceReasons.count == 2)
        #expect(change.replaceReasons.first?.hasPrefix("authorizationMode AUTH_MODE_IAM_AUTH → AUTH_MODE_DISABLED") == true)
    }

    @Test func urlIsRedissWithTransitEncryptionAndHasNoPassword() {
        var c = live()
        #expect(MemorystoreProvider.clusterURL(c) == "rediss://10.1.1.5:6379")
        c.transitEncryptionMode = "TRANSIT_ENCRYPTION_MODE_DISABLED"
        #expect(MemorystoreProvider.clusterURL(c) == "redis://10.1.1.5:6379")
        c.discoveryEndpoints = nil
        #expect(MemorystoreProvider.clusterURL(c) == nil)
    }

    @Test func observedClusterDiffsCleanlyAgainstTheDesiredResource() {
        let m = Self.memorystore
        let spec = DeploymentSpec(projectName: "feed", environment: "staging", region: "us-central1", provider: .memorystore(m), cluster: Self.cluster)
        var observed = ObservedState(source: "test")
        observed.resources[MemorystoreProvider.clusterAddress] = MemorystoreProvider.observedCluster(live(), spec: spec, project: "p")
        let desired = DesiredState.resources(for: spec).filter { $0.type == "google_redis_cluster" }
        let changes = Differ.diff(desired: desired, observed: observed)
        #expect(changes.map(\.action) == [.noop], "\(changes.map(\.changedAttributes))")
    }
}
