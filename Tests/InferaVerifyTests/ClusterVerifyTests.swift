import Foundation
import InferaPlan
import InferaTestSupport
import RedisEngine
import Testing
@testable import InferaVerify

/// `infera verify` for a cluster deployment: the engine runs as a cluster and what a Redis Cluster
/// refuses is reported with counts and the first key.
@Suite("Verify for clusters")
struct ClusterVerifyTests {
    static let patterns = [VerifyPaths.python, VerifyPaths.repoRoot + "/Tests/RedisClients/cluster_patterns.py"]
    static let appDir = VerifyPaths.apps + "/python-cluster-mget"

    @Test("the shard count comes from the plan's cluster layout, else from cluster-enabled yes")
    func shardCount() {
        var sharded = Specs.elasticache()
        sharded.cluster = ClusterSpec(shards: 5, replicasPerShard: 1, nodeType: "cache.r7g.large")
        #expect(ClusterVerify.shards(of: sharded) == 5)
        #expect(VerifySettings(spec: sharded).clusterShards == 5)
        #expect(ClusterVerify.shards(of: Specs.elasticache()) == nil)
        #expect(VerifySettings(spec: Specs.elasticache()).clusterShards == nil)
        let clustered = VerifySettings(spec: Specs.elasticache(params: ["cluster-enabled": "yes"]))
        #expect(clustered.clusterShards == 3 && clustered.databases == 1)
    }

    @Test("CROSSSLOT commands, MULTI blocks and scripts, SELECT n are incompatible; undeclared script keys, KEYS/SCAN, other shards' keys are warnings")
    func findings() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: VerifyPaths.python), "run `make setup` for .venv (redis-py)")
        var o = AppRunTests.options(Self.patterns)
        o.appEnv = []
        let r = try await VerifyRun.run(spec: Specs.elasticache(params: ["cluster-enabled": "yes"]), options: o)
        let app = try #require(r.app)
        #expect(app.exitStatus == 0)
        func incompatible(_ cmd: String) -> CommandFinding? { app.incompatible.first { $0.command == cmd } }
        func warning(_ cmd: String, _ kind: String) -> CommandFinding? { app.restricted.first { $0.command == cmd && $0.kind == kind } }
        let mget = try #require(incompatible("MGET"), "\(app.incompatible)")
        #expect(mget.kind == "CROSSSLOT" && mget.count == 2 && mget.firstClient.contains("'user:1'"))
        let exec = try #require(incompatible("EXEC"), "\(app.incompatible)")
        #expect(exec.kind == "CROSSSLOT" && exec.count == 1 && exec.firstClient.contains("'cart:1'"))
        let eval = try #require(incompatible("EVAL"), "\(app.incompatible)")
        #expect(eval.kind == "CROSSSLOT" && eval.count == 2)   // declared keys a, b; then {s}:1 and session:42
        let select = try #require(incompatible("SELECT"), "\(app.incompatible)")
        #expect(select.count == 1 && select.firstClient.contains("SELECT 2"))
        let undeclared = try #require(warning("EVAL", "script-undeclared-key"), "\(app.restricted)")
        #expect(undeclared.firstClient.contains("'session:42'"))
        #expect(warning("KEYS", "keys-scan") != nil && warning("SCAN", "keys-scan") != nil, "\(app.restricted)")
        #expect(app.restricted.contains { $0.kind == "MOVED" })
        #expect(r.exitStatus(failOnIncompatible: true) == 2)
        let text = VerifyRenderer.text(r)
        #expect(text.contains("would fail on ElastiCache: MGET (2×) — CROSSSLOT"), "\(text)")

        // The same application on one primary: nothing to report.
        let standalone = try await VerifyRun.run(spec: Specs.elasticache(), options: o)
        let sa = try #require(standalone.app)
        #expect(sa.incompatible.isEmpty, "\(sa.incompatible)")
        #expect(!sa.restricted.contains { ["CROSSSLOT", "MOVED", "keys-scan", "script-undeclared-key"].contains($0.kind) })
        #expect(standalone.exitStatus(failOnIncompatible: true) == 0)
    }

    func verify(_ config: String, _ appArgs: [String]) throws -> (Int32?, String) {
        let exe = try ServerProcess.inferaExecutable()
        return try ChildProcess.run(exe, ["verify", "-f", Self.appDir + "/" + config, "--checks", "none", "--fail-on", "incompatible", "--",
                                          VerifyPaths.python, Self.appDir + "/app.py"] + appArgs, timeout: .seconds(60))
    }

    @Test("infera verify --fail-on incompatible -- python app.py: MGET user:1 user:2 is CROSSSLOT (exit 2) on a cluster, fine standalone; {user} hash tags pass")
    func throughTheBinary() throws {
        try #require(FileManager.default.isExecutableFile(atPath: VerifyPaths.python), "run `make setup` for .venv (redis-py)")
        let (clusterStatus, clusterOut) = try verify("infera.cluster.yaml", [])
        #expect(clusterStatus == 2, "\(clusterOut)")
        #expect(clusterOut.contains("would fail on ElastiCache: MGET (1×) — CROSSSLOT"), "\(clusterOut)")
        #expect(clusterOut.contains("MGET with key 'user:1' (3-shard cluster)"), "\(clusterOut)")
        let (taggedStatus, taggedOut) = try verify("infera.cluster.yaml", ["--hash-tags"])
        #expect(taggedStatus == 0, "\(taggedOut)")
        #expect(!taggedOut.contains("— CROSSSLOT") && taggedOut.contains("profiles: ['profile-1', 'profile-2']"), "\(taggedOut)")
        let (standaloneStatus, standaloneOut) = try verify("infera.standalone.yaml", [])
        #expect(standaloneStatus == 0, "\(standaloneOut)")
        #expect(!standaloneOut.contains("CROSSSLOT") && !standaloneOut.contains("cluster mode"), "\(standaloneOut)")
    }
}
