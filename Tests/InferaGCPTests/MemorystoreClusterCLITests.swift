import Foundation
import InferaTestSupport
import Testing

/// `cache.mode: cluster` on GCP (Memorystore for Redis Cluster) through the real binary against the strict GCP fake:
/// live plan, apply (service connection policy, then the cluster), resharding with one PATCH per scaling change,
/// status / output, deletion protection, destroy, kill -9 during an operation, injected faults.
@Suite(.serialized) struct MemorystoreClusterCLITests {
    struct Deployment {
        let dir: String
        var shards = 3
        var replicas = 1
        var authorization = "IAM_AUTH"
        var deletionProtection = false
        var environment = "staging"

        init() {
            dir = NSTemporaryDirectory() + "infera-gcp-cluster-\(UUID().uuidString)"
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }

        func write() throws {
            let yaml = """
            project_name: feed
            provider: gcp
            region: us-central1
            environment: \(environment)
            gcp:
              project_id: \(GCPFake.project)
            cache:
              type: redis
              provider: memorystore
              mode: cluster
              instance:
                shards: \(shards)
                replicas_per_shard: \(replicas)
                node_type: REDIS_STANDARD_SMALL
              security:
                authorization_mode: \(authorization)
                transit_encryption: true
              persistence:
                mode: RDB
                snapshot_period: ONE_HOUR
              networking:
                network: default
                subnetwork: default
              deletion_protection: \(deletionProtection)
            application:
              service: cloud_run
              env:
                REDIS_URL:
                  from_secret: feed-redis-url
            """
            try yaml.write(toFile: dir + "/infera.yaml", atomically: true, encoding: .utf8)
        }

        func journal() -> String { (try? String(contentsOfFile: dir + "/.infera/feed/journal.json", encoding: .utf8)) ?? "" }
    }

    static let clusterName = "projects/\(GCPFake.project)/locations/us-central1/clusters/feed-redis"
    static let policyName = "projects/\(GCPFake.project)/locations/us-central1/serviceConnectionPolicies/feed-redis-psc"

    func run(_ d: Deployment, _ args: [String], _ fake: GCPFake, extra: [String: String] = [:]) throws -> InferaRunner.Result {
        try InferaRunner.run(args + ["-f", "infera.yaml"], cwd: d.dir, env: InferaRunner.environment(fake.environment.merging(extra) { $1 }), timeout: 60)
    }

    func clusters(_ fake: GCPFake) async throws -> [String: [String: Any]] {
        (try await fake.state()["clusters"] as? [String: [String: Any]]) ?? [:]
    }

    func policies(_ fake: GCPFake) async throws -> [String: [String: Any]] {
        (try await fake.state()["policies"] as? [String: [String: Any]]) ?? [:]
    }

    func patches(_ fake: GCPFake) async throws -> [[String: Any]] {
        try await fake.requests().filter { $0["method"] as? String == "PATCH" && ($0["path"] as? String)?.contains("/clusters/") == true }
    }

    @Test func applyReshardStatusOutputDestroy() async throws {
        let fake = try GCPFake(polls: 2)
        var d = Deployment()
        try d.write()
        var printed: [String] = []

        let plan = try run(d, ["plan", "--out", "infra"], fake)
        printed.append(plan.combined)
        #expect(plan.status == 0, "\(plan.combined)")
        #expect(plan.stdout.contains("Observed state: GCP project infera-test-project"), "\(plan.combined)")
        #expect(!plan.combined.contains("offline plan"))
        #expect(plan.stdout.contains("+ resource \"google_redis_cluster\" \"main\""))
        #expect(plan.stdout.contains("+ resource \"google_network_connectivity_service_connection_policy\" \"redis\""))

        let apply = try run(d, ["apply", "--auto-approve"], fake)
        printed.append(apply.combined)
        #expect(apply.status == 0, "\(apply.combined)")
        #expect(apply.stdout.contains("Apply complete! Resources: 8 added, 0 changed, 0 destroyed."), "\(apply.stdout)")
        #expect(apply.stdout.contains("discovery_endpoint = \"10.1.1.5:6379\""), "\(apply.stdout)")
        #expect(apply.stdout.contains("redis_url          = \"rediss://10.1.1.5:6379\""), "\(apply.stdout)")
        // The policy exists before the cluster is created (the fake refuses a cluster without one).
        let order = apply.stdout.components(separatedBy: "\n").filter { $0.hasSuffix(": Creating...") }
        let policyAt = try #require(order.firstIndex { $0.hasPrefix("google_network_connectivity_service_connection_policy.redis") })
        let clusterAt = try #require(order.firstIndex { $0.hasPrefix("google_redis_cluster.main") })
        #expect(policyAt < clusterAt)
        let live = try #require(try await clusters(fake)[Self.clusterName])
        #expect(live["shardCount"] as? Int == 3 && live["replicaCount"] as? Int == 1 && live["authorizationMode"] as? String == "AUTH_MODE_IAM_AUTH")
        #expect((live["pscConfigs"] as? [[String: String]])?.first?["network"] == "projects/infera-test-project/global/networks/default")
        let policy = try #require(try await policies(fake)[Self.policyName])
        #expect(policy["serviceClass"] as? String == "gcp-memorystore-redis")
        #expect((policy["pscConfig"] as? [String: Any])?["subnetworks"] as? [String] == ["projects/infera-test-project/regions/us-central1/subnetworks/default"])

        let noop = try run(d, ["apply", "--auto-approve"], fake)
        printed.append(noop.combined)
        #expect(noop.status == 0 && noop.stdout.contains("No changes."), "\(noop.combined)")
        let again = try run(d, ["plan", "--detailed-exitcode", "--out", "infra"], fake)
        #expect(again.status == 0, "\(again.combined)")

        // 3 → 5 shards: `~` with the note, then exactly one PATCH updateMask=shardCount carrying only that field.
        d.shards = 5
        try d.write()
        let replan = try run(d, ["plan", "--out", "infra"], fake)
        printed.append(replan.combined)
        #expect(replan.stdout.contains("~ resource \"google_redis_cluster\" \"main\""), "\(replan.stdout)")
        #expect(replan.stdout.contains("~ shard_count = 3 -> 5"))
        #expect(replan.stdout.contains("online resharding 3 → 5 shards: expect 20-40 minutes"))
        try await fake.configure(#"{"clear_requests": true}"#)
        let reshard = try run(d, ["apply", "--auto-approve"], fake, extra: ["INFERA_LOG": "debug"])
        printed.append(reshard.combined)
        #expect(reshard.status == 0, "\(reshard.combined)")
        #expect(reshard.stdout.contains("Apply complete! Resources: 0 added, 1 changed, 0 destroyed."))
        #expect(reshard.stdout.contains("google_redis_cluster.main: resharding 3 → 5 shards (PATCH updateMask=shardCount), online: expect 20-40 minutes"), "\(reshard.stdout)")
        var sent = try await patches(fake)
        #expect(sent.count == 1)
        #expect((sent.first?["query"] as? [String: String])?["updateMask"] == "shardCount")
        #expect((sent.first?["body"] as? [String: Int]) == ["shardCount": 5])
        #expect(try await clusters(fake)[Self.clusterName]?["shardCount"] as? Int == 5)

        // Shards and replicas together: two operations, one scaling field each.
        d.shards = 4
        d.replicas = 2
        try d.write()
        try await fake.configure(#"{"clear_requests": true}"#)
        let both = try run(d, ["apply", "--auto-approve"], fake)
        #expect(both.status == 0, "\(both.combined)")
        sent = try await patches(fake)
        #expect(sent.compactMap { ($0["query"] as? [String: String])?["updateMask"] } == ["shardCount", "replicaCount"])
        #expect(sent.compactMap { $0["body"] as? [String: Int] } == [["shardCount": 4], ["replicaCount": 2]])

        let status = try run(d, ["status"], fake)
        printed.append(status.combined)
        #expect(status.status == 0, "\(status.combined)")
        for line in ["state:               ACTIVE", "endpoint:            10.1.1.5:6379", "shards:              4", "replicas_per_shard:  2",
                     "authorization:       AUTH_MODE_IAM_AUTH", "node_type:           REDIS_STANDARD_SMALL", "created_by:     infera", "connections:    1"] {
            #expect(status.stdout.contains(line), "\(line) in \(status.stdout)")
        }
        let output = try run(d, ["output"], fake)
        printed.append(output.combined)
        #expect(output.stdout.contains("redis_url          = \"rediss://10.1.1.5:6379\""), "\(output.stdout)")
        #expect(output.stdout.contains("the password is an IAM access token"))
        #expect(output.stdout.contains("-----BEGIN CERTIFICATE-----"))
        let url = try run(d, ["output", "discovery_endpoint"], fake)
        #expect(url.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "10.1.1.5:6379", "\(url.combined)")
        let stored = (try await fake.state()["secrets"] as? [String: [String: Any]])?["projects/infera-test-project/secrets/feed-redis-url"]?["versions"] as? [String]
        #expect(stored?.compactMap { Data(base64Encoded: $0).map { String(decoding: $0, as: UTF8.self) } } == ["rediss://10.1.1.5:6379"])

        // An immutable field: -/+, refused without --allow-replace.
        d.authorization = "DISABLED"
        try d.write()
        let immutable = try run(d, ["plan", "--out", "infra"], fake)
        #expect(immutable.stdout.contains("-/+ resource \"google_redis_cluster\" \"main\""), "\(immutable.stdout)")
        let refused = try run(d, ["apply", "--auto-approve"], fake)
        #expect(refused.status == 1 && refused.stderr.contains("--allow-replace"), "\(refused.combined)")
        d.authorization = "IAM_AUTH"

        // Deletion protection: destroy refuses before deleting anything, with the way out.
        d.deletionProtection = true
        try d.write()
        #expect(try run(d, ["apply", "--auto-approve"], fake).status == 0)
        let blocked = try run(d, ["destroy", "--auto-approve"], fake)
        printed.append(blocked.combined)
        #expect(blocked.status == 1, "\(blocked.combined)")
        #expect(blocked.stderr.contains("has deletion protection on"), "\(blocked.stderr)")
        #expect(blocked.stderr.contains("cache.deletion_protection: false"))
        #expect(try await clusters(fake).count == 1)
        #expect((try await fake.state()["secrets"] as? [String: Any])?.isEmpty == false, "the URL secret went while the cluster stayed")

        d.deletionProtection = false
        try d.write()
        #expect(try run(d, ["apply", "--auto-approve"], fake).status == 0)
        let destroy = try run(d, ["destroy", "--auto-approve"], fake)
        printed.append(destroy.combined)
        #expect(destroy.status == 0, "\(destroy.combined)")
        #expect(destroy.stdout.contains("Destroy complete! Resources: 8 destroyed."), "\(destroy.stdout)")
        #expect(try await clusters(fake).isEmpty)
        #expect(try await policies(fake).isEmpty)

        for p in printed + [d.journal()] { #expect(!p.contains(GCPFake.staticToken)) }
    }

    /// kill -9 while the create operation runs; the re-run waits for the same operation. A policy that exists already
    /// (named as infera names it) is adopted, and destroy keeps it while another service's endpoint uses it.
    @Test func killDuringTheClusterCreateResumesAndASharedPolicyIsKept() async throws {
        let fake = try GCPFake(polls: 100_000)
        let d = Deployment()
        try d.write()
        let other = "projects/infera-test-project/locations/us-central1/instances/other-team"
        try await fake.configure(#"""
        {"seed_policies": [{"project": "infera-test-project", "region": "us-central1", "name": "feed-redis-psc",
          "network": "projects/infera-test-project/global/networks/default", "description": "Private Service Connect for the feed Redis cluster",
          "subnetworks": ["projects/infera-test-project/regions/us-central1/subnetworks/default"], "users": ["\#(other)"]}]}
        """#)
        let env = InferaRunner.environment(fake.environment.merging(["INFERA_POLL_INTERVAL": "0.02"]) { $1 })
        let running = try InferaRunner.start(["apply", "--auto-approve", "-f", "infera.yaml"], cwd: d.dir, env: env)
        var token: String?
        for _ in 0..<1000 where token == nil {
            usleep(20_000)
            let j = d.journal().replacingOccurrences(of: "\\/", with: "/")
            if let r = j.range(of: ##"op:projects/infera-test-project/locations/us-central1/operations/[^"#]+"##, options: .regularExpression) { token = String(j[r]) }
        }
        let op = try #require(token, "the journal never showed the pending operation")
        running.kill9()
        // status is read-only: it shows the cluster being created and the operation in flight.
        let creating = try run(d, ["status"], fake)
        #expect(creating.stdout.contains("state:               CREATING"), "\(creating.combined)")
        #expect(creating.stdout.contains("operation:           create \(String(op.dropFirst(3)))"), "\(creating.combined)")
        try await fake.configure(#"{"finish_ops_after": 2, "polls": 2, "clear_requests": true}"#)
        let resumed = try run(d, ["apply", "--auto-approve"], fake)
        #expect(resumed.status == 0, "\(resumed.combined)")
        #expect(resumed.stdout.contains("google_redis_cluster.main: Waiting for the create started by an earlier, interrupted run"), "\(resumed.combined)")
        let reqs = try await fake.requests()
        #expect(reqs.contains { $0["path"] as? String == "/v1/" + String(op.dropFirst(3)) })
        #expect(!reqs.contains { $0["method"] as? String == "POST" && (($0["path"] as? String)?.hasSuffix("/clusters") == true || ($0["path"] as? String)?.hasSuffix("/serviceConnectionPolicies") == true) },
                "the re-run created something again")
        #expect(try await clusters(fake).count == 1)
        #expect(!d.journal().contains("\"pending\""))
        _ = try run(d, ["plan", "--out", "infra"], fake) // writes the Terraform files once
        let noop = try run(d, ["plan", "--detailed-exitcode", "--out", "infra"], fake)
        #expect(noop.status == 0, "\(noop.combined)")

        // kill -9 during resharding: status shows the target, the re-run waits for the same PATCH operation.
        var d2 = d
        d2.shards = 5
        try d2.write()
        try await fake.configure(#"{"polls": 100000}"#)
        let resharding = try InferaRunner.start(["apply", "--auto-approve", "-f", "infera.yaml"], cwd: d.dir, env: env)
        var patched = false
        for _ in 0..<1000 where !patched {
            usleep(20_000)
            patched = try await fake.requests().contains { $0["method"] as? String == "PATCH" }
        }
        #expect(patched, "the reshard never started")
        resharding.kill9()
        let updating = try run(d, ["status"], fake)
        #expect(updating.stdout.contains("state:               UPDATING") && updating.stdout.contains("updating_to:         5 shards"), "\(updating.combined)")
        try await fake.configure(#"{"finish_ops_after": 2, "polls": 2, "clear_requests": true}"#)
        let reshardResumed = try run(d, ["apply", "--auto-approve"], fake)
        #expect(reshardResumed.status == 0, "\(reshardResumed.combined)")
        #expect(try await patches(fake).isEmpty, "the re-run patched again")
        #expect(try await clusters(fake)[Self.clusterName]?["shardCount"] as? Int == 5)

        let destroy = try run(d, ["destroy", "--auto-approve"], fake)
        #expect(destroy.status == 0, "\(destroy.combined)")
        #expect(destroy.stdout.contains("google_network_connectivity_service_connection_policy.redis: kept: \(Self.policyName) is still used by 1 Private Service Connect endpoint(s) of other services (\(other))"),
                "\(destroy.stdout)")
        #expect(try await clusters(fake).isEmpty)
        #expect(try await policies(fake)[Self.policyName] != nil)
    }

    /// Injected 429 / 503 / resets / 503-after-commit / FAILED_PRECONDITION on PATCH: re-runs converge to one cluster
    /// in the wanted shape, never two.
    @Test func injectedFaultsAreRetriedAndConverge() async throws {
        let fake = try GCPFake(seed: 4, faultRate: 0.25, polls: 2)
        var d = Deployment()
        try d.write()
        var ok = false
        var runs = 0
        for _ in 0..<12 where !ok {
            runs += 1
            ok = try run(d, ["apply", "--auto-approve"], fake).status == 0
        }
        #expect(ok, "apply never converged under faults")
        d.shards = 5
        try d.write()
        var resharded = false
        for _ in 0..<12 where !resharded {
            resharded = try run(d, ["apply", "--auto-approve"], fake).status == 0
        }
        #expect(resharded, "resharding never converged under faults")
        let faults = try await fake.requests().compactMap { $0["fault"] }
        #expect(faults.contains { ($0 as? Int) == 503 } && faults.contains { ($0 as? Int) == 429 }, "no 503/429 was injected: \(faults)")
        try await fake.configure(#"{"fault_rate": 0}"#)
        _ = try run(d, ["plan", "--out", "infra"], fake) // writes the Terraform files once
        let final = try run(d, ["plan", "--detailed-exitcode", "--out", "infra"], fake)
        #expect(final.status == 0, "\(final.combined)")
        let all = try await clusters(fake)
        #expect(all.count == 1 && all.first?.value["shardCount"] as? Int == 5)
        #expect(try await policies(fake).count == 1)
    }
}
