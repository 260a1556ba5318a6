import Foundation
import InferaTestSupport
import Testing

/// Private services access, network replacement and `status` during an operation, through the real
/// binary against the strict GCP fake (Compute global addresses + Service Networking served too).
@Suite(.serialized) struct MemorystorePSATests {
    struct Deployment {
        let dir: String
        var connectMode = "PRIVATE_SERVICE_ACCESS"
        var network = "default"
        var memory = 1

        init() {
            dir = NSTemporaryDirectory() + "infera-gcp-psa-\(UUID().uuidString)"
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }

        func write() throws {
            let yaml = """
            project_name: shop
            provider: gcp
            region: us-central1
            environment: staging
            gcp:
              project_id: \(GCPFake.project)
            cache:
              type: redis
              provider: memorystore
              instance:
                memory_size_gb: \(memory)
                tier: BASIC
              networking:
                network: \(network)
                connect_mode: \(connectMode)
            application:
              service: gke
              env:
                REDIS_URL:
                  from_secret: shop-redis-url
            """
            try yaml.write(toFile: dir + "/infera.yaml", atomically: true, encoding: .utf8)
        }

        func journal() -> String { (try? String(contentsOfFile: dir + "/.infera/shop/journal.json", encoding: .utf8)) ?? "" }
    }

    static let range = "projects/infera-test-project/global/addresses/shop-redis-psa"
    static let peeringNetwork = "projects/100000/global/networks/default"

    func run(_ d: Deployment, _ args: [String], _ fake: GCPFake, extra: [String: String] = [:]) throws -> InferaRunner.Result {
        try InferaRunner.run(args + ["-f", "infera.yaml"], cwd: d.dir, env: InferaRunner.environment(fake.environment.merging(extra) { $1 }))
    }

    func state(_ fake: GCPFake, _ key: String) async throws -> [String: [String: Any]] {
        (try await fake.state()[key] as? [String: [String: Any]]) ?? [:]
    }

    @Test func privateServiceAccessIsCreatedOverRESTAndDestroyedWhenInferaOwnsIt() async throws {
        let fake = try GCPFake(polls: 2)
        let d = Deployment()
        try d.write()
        let plan = try run(d, ["plan", "--out", "infra"], fake)
        #expect(plan.status == 0, "\(plan.combined)")
        #expect(plan.stdout.contains("+ resource \"google_compute_global_address\" \"redis_range\""), "\(plan.stdout)")
        #expect(plan.stdout.contains("+ resource \"google_service_networking_connection\" \"redis\""))

        let apply = try run(d, ["apply", "--auto-approve"], fake)
        #expect(apply.status == 0, "\(apply.combined)")
        #expect(apply.stdout.contains("google_compute_global_address.redis_range: Creation complete"), "\(apply.stdout)")
        #expect(apply.stdout.contains("google_service_networking_connection.redis: Creation complete"))
        let range = try #require(try await state(fake, "addresses")[Self.range])
        #expect(range["purpose"] as? String == "VPC_PEERING" && range["addressType"] as? String == "INTERNAL" && range["prefixLength"] as? Int == 24)
        #expect(range["status"] as? String == "RESERVED")
        #expect((range["description"] as? String)?.hasPrefix("Managed by infera") == true)
        let conn = try #require(try await state(fake, "connections")[Self.peeringNetwork], "no connection on the project-number network path")
        #expect(conn["reservedPeeringRanges"] as? [String] == ["shop-redis-psa"])
        let instance = try #require(try await state(fake, "instances").first?.value)
        #expect(instance["connectMode"] as? String == "PRIVATE_SERVICE_ACCESS")

        // The exact bodies sent (the fake validated them against the Compute / Service Networking schemas too).
        let reqs = try await fake.requests()
        let insert = try #require(reqs.first { $0["method"] as? String == "POST" && $0["path"] as? String == "/compute/v1/projects/infera-test-project/global/addresses" })
        #expect(Set(((insert["body"] as? [String: Any]) ?? [:]).keys) == ["name", "description", "prefixLength", "addressType", "purpose", "network"])
        #expect((insert["body"] as? [String: Any])?["network"] as? String == "projects/infera-test-project/global/networks/default")
        let create = try #require(reqs.first { $0["method"] as? String == "POST" && $0["path"] as? String == "/v1/services/servicenetworking.googleapis.com/connections" })
        #expect((create["body"] as? [String: Any])?["network"] as? String == Self.peeringNetwork)
        // Both operations were polled to done, the compute one on its global operations path.
        #expect(reqs.contains { ($0["path"] as? String)?.hasPrefix("/compute/v1/projects/infera-test-project/global/operations/operation-") == true })
        #expect(reqs.contains { ($0["path"] as? String)?.hasPrefix("/v1/operations/pssn.") == true })

        let again = try run(d, ["plan", "--detailed-exitcode", "--out", "infra"], fake)
        #expect(again.status == 0, "\(again.combined)")
        let status = try run(d, ["status"], fake)
        for pattern in [#"google_compute_global_address\.redis_range\n  state: +RESERVED"#, #"created_by: +infera"#, #"range: +10\.20\.0\.0/24"#,
                        #"google_service_networking_connection\.redis\n  state: +connected"#, #"ranges: +shop-redis-psa"#] {
            #expect(status.stdout.range(of: pattern, options: .regularExpression) != nil, "\(pattern) in \(status.stdout)")
        }

        let destroy = try run(d, ["destroy", "--auto-approve"], fake)
        #expect(destroy.status == 0, "\(destroy.combined)")
        #expect(try await state(fake, "instances").isEmpty)
        #expect(try await state(fake, "connections").isEmpty, "infera made the connection and only its range is on it: deleted")
        #expect(try await state(fake, "addresses").isEmpty, "infera's range is deleted once no connection lists it")
        #expect(!destroy.stdout.contains("kept:"))
    }

    @Test func aSharedConnectionGetsInferasRangeAddedAndIsKeptOnDestroy() async throws {
        let fake = try GCPFake(polls: 1)
        try await fake.configure("""
        {"seed_addresses": [{"project": "\(GCPFake.project)", "name": "sql-range", "network": "projects/\(GCPFake.project)/global/networks/default"}],
         "seed_connections": [{"network": "\(Self.peeringNetwork)", "reservedPeeringRanges": ["sql-range"]}]}
        """)
        let d = Deployment()
        try d.write()
        let apply = try run(d, ["apply", "--auto-approve"], fake)
        #expect(apply.status == 0, "\(apply.combined)")
        let patch = try #require(try await fake.requests().first { $0["method"] as? String == "PATCH" && ($0["path"] as? String)?.contains("/connections/") == true })
        #expect((patch["query"] as? [String: String])?["updateMask"] == "reservedPeeringRanges")
        #expect((patch["query"] as? [String: String])?["force"] == nil)
        #expect(try await state(fake, "connections")[Self.peeringNetwork]?["reservedPeeringRanges"] as? [String] == ["sql-range", "shop-redis-psa"])
        _ = try run(d, ["plan", "--out", "infra"], fake) // writes the Terraform files once
        let noop = try run(d, ["plan", "--detailed-exitcode", "--out", "infra"], fake)
        #expect(noop.status == 0, "\(noop.combined)")

        let destroy = try run(d, ["destroy", "--auto-approve"], fake)
        #expect(destroy.status == 0, "\(destroy.combined)")
        #expect(destroy.stdout.contains("kept: the connection of projects/infera-test-project/global/networks/default is shared (ranges sql-range)"), "\(destroy.stdout)")
        #expect(destroy.stdout.contains("kept: \(Self.range) is still allocated"))
        #expect(try await state(fake, "instances").isEmpty)
        #expect(try await state(fake, "connections")[Self.peeringNetwork]?["reservedPeeringRanges"] as? [String] == ["sql-range", "shop-redis-psa"])
        #expect(try await state(fake, "addresses").count == 2)
    }

    @Test func aRangeInferaDidNotCreateIsAdoptedButNotDeleted() async throws {
        let fake = try GCPFake(polls: 1)
        try await fake.configure("""
        {"seed_addresses": [{"project": "\(GCPFake.project)", "name": "shop-redis-psa", "prefixLength": 24, "network": "projects/\(GCPFake.project)/global/networks/default"}]}
        """)
        let d = Deployment()
        try d.write()
        #expect(try run(d, ["apply", "--auto-approve"], fake).status == 0)
        #expect(try await fake.requests().filter { $0["method"] as? String == "POST" && ($0["path"] as? String)?.hasSuffix("/global/addresses") == true }.isEmpty)
        let destroy = try run(d, ["destroy", "--auto-approve"], fake)
        #expect(destroy.status == 0, "\(destroy.combined)")
        #expect(destroy.stdout.contains("kept: \(Self.range) was not created by infera"), "\(destroy.stdout)")
        #expect(try await state(fake, "addresses")[Self.range] != nil)
        #expect(try await state(fake, "connections").isEmpty)
    }

    @Test func killDuringTheRangeOperationResumesTheSameOperation() async throws {
        let fake = try GCPFake(polls: 100_000)
        let d = Deployment()
        try d.write()
        let env = InferaRunner.environment(fake.environment.merging(["INFERA_POLL_INTERVAL": "0.02"]) { $1 })
        let running = try InferaRunner.start(["apply", "--auto-approve", "-f", "infera.yaml"], cwd: d.dir, env: env)
        var op: String?
        for _ in 0..<500 where op == nil {
            usleep(20_000)
            let j = d.journal().replacingOccurrences(of: "\\/", with: "/")
            if let r = j.range(of: ##"op:operation-[^"#]+"##, options: .regularExpression) { op = String(j[r].dropFirst(3)) }
        }
        running.kill9()
        let name = try #require(op, "the journal never showed the range's operation")
        try await fake.configure(#"{"finish_ops_after": 2, "polls": 1, "clear_requests": true}"#)
        let resumed = try run(d, ["apply", "--auto-approve"], fake)
        #expect(resumed.status == 0, "\(resumed.combined)")
        let reqs = try await fake.requests()
        #expect(reqs.contains { $0["path"] as? String == "/compute/v1/projects/infera-test-project/global/operations/" + name }, "the re-run did not poll \(name)")
        #expect(!reqs.contains { $0["method"] as? String == "POST" && ($0["path"] as? String)?.hasSuffix("/global/addresses") == true },
                "the re-run reserved the range again")
        #expect(try await state(fake, "addresses").count == 1)
        #expect(try await state(fake, "connections")[Self.peeringNetwork] != nil)
    }

    @Test func servicenetworkingDisabledIsOneClearMessage() async throws {
        let fake = try GCPFake()
        try await fake.configure(#"{"disabled_services": ["servicenetworking.googleapis.com"]}"#)
        let d = Deployment()
        try d.write()
        let r = try run(d, ["apply", "--auto-approve"], fake)
        #expect(r.status == 1, "\(r.combined)")
        #expect(r.stderr.contains("servicenetworking.googleapis.com is not enabled in project infera-test-project"), "\(r.stderr)")
        #expect(r.stderr.contains("gcloud services enable servicenetworking.googleapis.com --project=infera-test-project"))
        #expect(!d.journal().contains("pending"))
        #expect(try await state(fake, "addresses").isEmpty)
    }

    @Test func faultsConvergeToOneRangeAndOneConnection() async throws {
        for seed in 4...5 {
            let fake = try GCPFake(seed: seed, faultRate: 0.3, polls: 2)
            let d = Deployment()
            try d.write()
            var ok = false
            for _ in 0..<12 where !ok { ok = try run(d, ["apply", "--auto-approve"], fake).status == 0 }
            #expect(ok, "seed \(seed): apply never converged")
            #expect(try await state(fake, "addresses").count == 1, "seed \(seed)")
            #expect(try await state(fake, "connections")[Self.peeringNetwork]?["reservedPeeringRanges"] as? [String] == ["shop-redis-psa"], "seed \(seed)")
            #expect(try await state(fake, "instances").count == 1, "seed \(seed)")
        }
    }

    @Test func aNetworkChangeIsPlannedAsAReplacementAndRefused() async throws {
        let fake = try GCPFake(polls: 1, extra: ["--network", "other"])
        var d = Deployment()
        d.connectMode = "DIRECT_PEERING"
        try d.write()
        #expect(try run(d, ["apply", "--auto-approve"], fake).status == 0)
        // The same network spelled as a full path is no change.
        d.network = "projects/\(GCPFake.project)/global/networks/default"
        try d.write()
        _ = try run(d, ["plan", "--out", "infra"], fake) // writes the Terraform files once
        let same = try run(d, ["plan", "--detailed-exitcode", "--out", "infra"], fake)
        #expect(same.status == 0, "\(same.combined)")
        d.network = "other"
        try d.write()
        let plan = try run(d, ["plan", "--out", "infra"], fake)
        #expect(plan.stdout.contains("-/+ resource \"google_redis_instance\" \"main\""), "\(plan.stdout)")
        #expect(plan.stdout.contains(#"~ authorized_network"#) && plan.stdout.contains(#""projects/infera-test-project/global/networks/default" -> "projects/infera-test-project/global/networks/other" # forces replacement"#),
                "\(plan.stdout)")
        let refused = try run(d, ["apply", "--auto-approve"], fake)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("authorized_network forces replacement") && refused.stderr.contains("--allow-replace"), "\(refused.stderr)")
        #expect(try await state(fake, "instances").first?.value["authorizedNetwork"] as? String == "projects/infera-test-project/global/networks/default")
    }

    @Test func statusShowsTheOperationInProgress() async throws {
        let fake = try GCPFake(polls: 1)
        var d = Deployment()
        d.connectMode = "DIRECT_PEERING"
        try d.write()
        #expect(try run(d, ["apply", "--auto-approve"], fake).status == 0)
        try await fake.configure(#"{"polls": 100000}"#)
        d.memory = 2
        try d.write()
        let env = InferaRunner.environment(fake.environment.merging(["INFERA_POLL_INTERVAL": "0.05"]) { $1 })
        let running = try InferaRunner.start(["apply", "--auto-approve", "-f", "infera.yaml"], cwd: d.dir, env: env)
        defer { running.kill9() }
        var pending = false
        for _ in 0..<500 where !pending {
            usleep(20_000)
            pending = try await state(fake, "instances").first?.value["state"] as? String == "UPDATING"
        }
        #expect(pending, "the apply never started its PATCH")
        let status = try run(d, ["status"], fake)
        #expect(status.status == 0, "\(status.combined)")
        #expect(status.stdout.contains("state:"), "\(status.stdout)")
        #expect(status.stdout.contains("UPDATING"), "\(status.stdout)")
        #expect(status.stdout.range(of: #"operation: +update projects/infera-test-project/locations/us-central1/operations/operation-"#,
                                    options: .regularExpression) != nil, "\(status.stdout)")
        let json = try run(d, ["status", "--format", "json"], fake)
        #expect(json.stdout.contains(#""operation""#) && json.stdout.contains("UPDATING"), "\(json.stdout)")
    }
}
