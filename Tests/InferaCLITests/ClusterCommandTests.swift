import Foundation
@testable import InferaCLI
import Testing

/// End-to-end on the cluster examples through the built binary: validate, plan (module, cost, notes, --app),
/// the Upstash refusal, and apply refusing cluster mode instead of creating a standalone instance.
@Suite struct ClusterCommandTests {
    typealias V = ValidateCommandTests

    @Test(arguments: ["gcp-memorystore-cluster", "aws-elasticache-cluster"])
    func examplesValidateAndPlan(_ name: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: V.binary.path), "build infera first")
        let v = try V.run(["validate", "-f", "Examples/\(name)/infera.yaml"])
        #expect(v.status == 0 && v.stdout.contains("(cluster mode): 3 shards × (1 + 1 replica)"), "\(v.stdout)\(v.stderr)")
        let out = NSTemporaryDirectory() + "infera-cluster-plan-\(name)-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let p = try V.run(["plan", "-f", "Examples/\(name)/infera.yaml", "--out", out, "--offline", "--format", "json", "--app", "Examples/apps/python-flask-redis"])
        #expect(p.status == 0, "\(p.stderr)")
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(p.stdout.utf8)) as? [String: Any])
        let spec = try #require(plan["spec"] as? [String: Any])
        let cluster = try #require(spec["cluster"] as? [String: Any])
        #expect(cluster["shards"] as? Int == 3 && cluster["replicas_per_shard"] as? Int == 1)
        let checks = try #require(plan["checks"] as? [[String: Any]])
        let inf016 = try #require(checks.first { $0["id"] as? String == "INF016" })
        #expect(inf016["status"] as? String == "failed")
        #expect((inf016["messages"] as? [String])?.contains { $0.contains("app/reports.py:4") } == true)
        let main = try String(contentsOfFile: out + "/main.tf", encoding: .utf8)
        #expect(main.contains(name.hasPrefix("gcp") ? "resource \"google_redis_cluster\" \"main\"" : "cluster_mode               = \"enabled\""), "\(main)")
    }

    @Test func upstashClusterModeIsAClearError() throws {
        try #require(FileManager.default.isExecutableFile(atPath: V.binary.path))
        let dir = NSTemporaryDirectory() + "infera-upstash-cluster-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "project_name: edge\nprovider: upstash\ncache:\n  provider: upstash\n  primary_region: us-east-1\n  mode: cluster\n"
            .write(toFile: dir + "/infera.yaml", atomically: true, encoding: .utf8)
        let r = try V.run(["validate", "-f", dir + "/infera.yaml"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("infera.yaml:6:9: error: Upstash has no cluster mode") || r.stderr.contains("infera.yaml:6:9: error: Upstash has no cluster mode"), "\(r.stdout)\(r.stderr)")
    }

    /// A provider without cluster mode (`ProviderFactory.supportsClusterMode` false) refuses before any request; one
    /// with it (ElastiCache) goes to the provider: here an endpoint nobody listens on, so it fails as unreachable.
    @Test(arguments: [("gcp-memorystore-cluster", "memorystore"), ("aws-elasticache-cluster", "elasticache")])
    func applyRefusesClusterModeOnlyWhereTheProviderLacksIt(_ example: String, _ provider: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: V.binary.path))
        let dir = NSTemporaryDirectory() + "infera-cluster-apply-\(provider)-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try String(contentsOfFile: V.root.path + "/Examples/\(example)/infera.yaml", encoding: .utf8)
            .write(toFile: dir + "/infera.yaml", atomically: true, encoding: .utf8)
        // An endpoint nobody listens on: a request would fail differently (unreachable), so the refusal comes first.
        let r = try V.run(["apply", "-f", dir + "/infera.yaml", "--auto-approve"],
                          environment: ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "not-a-secret", "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
                                        "AWS_EC2_METADATA_DISABLED": "true", "INFERA_HTTP_TIMEOUT": "1", "INFERA_RETRY_BASE_DELAY": "0.01",
                                        "GOOGLE_APPLICATION_CREDENTIALS": "/nonexistent/infera-test-credentials.json"])
        #expect(r.status == 1)
        let supported = try #require(ProviderCatalog.registry.factory(for: provider)).supportsClusterMode
        #expect(r.stderr.contains("infera apply cannot provision cache.mode: cluster yet") == !supported, "\(r.stderr)")
    }
}
