import Foundation
import InferaTestSupport
import Testing

/// `infera plan / apply / status / output / destroy` through the real binary against the strict GCP fake.
@Suite(.serialized) struct MemorystoreCLITests {
    struct Deployment {
        let dir: String
        var memory = 1
        var tier = "BASIC"
        var version = "REDIS_7_0"
        var project: String? = GCPFake.project
        var region = "us-central1"

        init() {
            dir = NSTemporaryDirectory() + "infera-gcp-e2e-\(UUID().uuidString)"
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }

        func write() throws {
            let yaml = """
            project_name: shop
            provider: gcp
            region: \(region)
            environment: staging
            \(project.map { "gcp:\n  project_id: \($0)\n" } ?? "")cache:
              type: redis
              provider: memorystore
              instance:
                memory_size_gb: \(memory)
                tier: \(tier)
              version: "\(version)"
              security:
                auth_enabled: true
                transit_encryption: true
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

    func run(_ d: Deployment, _ args: [String], _ fake: GCPFake, extra: [String: String] = [:], timeout: TimeInterval = 60) throws -> InferaRunner.Result {
        try InferaRunner.run(args + ["-f", "infera.yaml"], cwd: d.dir, env: InferaRunner.environment(fake.environment.merging(extra) { $1 }),
                             timeout: timeout)
    }

    func instances(_ fake: GCPFake) async throws -> [String: [String: Any]] {
        (try await fake.state()["instances"] as? [String: [String: Any]]) ?? [:]
    }

    func versions(_ fake: GCPFake) async throws -> [String] {
        let secrets = (try await fake.state()["secrets"] as? [String: [String: Any]]) ?? [:]
        return (secrets["projects/infera-test-project/secrets/shop-redis-url"]?["versions"] as? [String]) ?? []
    }

    /// Every secret value the fake holds (AUTH strings, URLs), for the leak check.
    func secretValues(_ fake: GCPFake) async throws -> [String] {
        try await versions(fake).compactMap { Data(base64Encoded: $0).map { String(decoding: $0, as: UTF8.self) } }
    }

    @Test func fullCycle() async throws {
        let fake = try GCPFake(polls: 3)
        var d = Deployment()
        try d.write()
        var outputs: [String] = []

        let plan = try run(d, ["plan", "--out", "infra"], fake)
        outputs.append(plan.combined)
        #expect(plan.status == 0, "\(plan.combined)")
        #expect(plan.stdout.contains("Observed state: GCP project infera-test-project"))
        #expect(plan.stdout.contains("+ resource \"google_redis_instance\" \"main\""))

        let apply = try run(d, ["apply", "--auto-approve"], fake)
        outputs.append(apply.combined)
        #expect(apply.status == 0, "\(apply.combined)")
        #expect(apply.stdout.contains("Apply complete! Resources: 5 added, 0 changed, 0 destroyed."))
        #expect(apply.stdout.contains("redis_url      = <sensitive>"))
        #expect(try await instances(fake).count == 1)
        #expect(try await versions(fake).count == 1)

        let status = try run(d, ["status"], fake)
        outputs.append(status.combined)
        #expect(status.status == 0)
        for line in ["state:          READY", "endpoint:       10.0.1.3:6378", "size:           1 GB", "version:        REDIS_7_0", "TLS:            on"] {
            #expect(status.stdout.contains(line), "\(status.stdout)")
        }

        let again = try run(d, ["plan", "--detailed-exitcode", "--out", "infra"], fake)
        outputs.append(again.combined)
        #expect(again.status == 0, "\(again.combined)")
        let noop = try run(d, ["apply", "--auto-approve"], fake)
        outputs.append(noop.combined)
        #expect(noop.status == 0)
        #expect(noop.stdout.contains("No changes."), "\(noop.stdout)")

        // Memory: an in-place PATCH with exactly updateMask=memorySizeGb and only that field in the body.
        d.memory = 2
        try d.write()
        try await fake.configure(#"{"clear_requests": true}"#)
        let patch = try run(d, ["apply", "--auto-approve"], fake)
        outputs.append(patch.combined)
        #expect(patch.status == 0, "\(patch.combined)")
        #expect(patch.stdout.contains("Apply complete! Resources: 0 added, 1 changed, 0 destroyed."))
        let patches = try await fake.requests().filter { $0["method"] as? String == "PATCH" }
        #expect(patches.count == 1)
        #expect((patches.first?["query"] as? [String: String])?["updateMask"] == "memorySizeGb")
        #expect((patches.first?["body"] as? [String: Int]) == ["memorySizeGb": 2])
        #expect(try await instances(fake).first?.value["memorySizeGb"] as? Int == 2)
        #expect(try await versions(fake).count == 1) // same URL: no new version

        // Version upgrade: :upgrade, not PATCH.
        d.version = "REDIS_7_2"
        try d.write()
        let up = try run(d, ["apply", "--auto-approve"], fake)
        #expect(up.status == 0, "\(up.combined)")
        #expect(try await fake.requests().contains { ($0["path"] as? String)?.hasSuffix(":upgrade") == true })

        // Tier: -/+ with the reason, refused without --allow-replace.
        d.tier = "STANDARD_HA"
        try d.write()
        let replan = try run(d, ["plan", "--out", "infra"], fake)
        outputs.append(replan.combined)
        #expect(replan.stdout.contains("-/+ resource \"google_redis_instance\" \"main\""), "\(replan.stdout)")
        #expect(replan.stdout.contains("~ tier") && replan.stdout.contains("# forces replacement"))
        let refused = try run(d, ["apply", "--auto-approve"], fake)
        outputs.append(refused.combined)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--allow-replace"))
        #expect(try await instances(fake).first?.value["tier"] as? String == "BASIC")

        let secrets = try await secretValues(fake)
        let destroy = try run(d, ["destroy", "--auto-approve"], fake)
        outputs.append(destroy.combined)
        #expect(destroy.status == 0, "\(destroy.combined)")
        #expect(try await instances(fake).isEmpty)
        let second = try run(d, ["destroy", "--auto-approve"], fake)
        #expect(second.status == 0)
        #expect(second.stdout.contains("0 destroyed") || second.stdout.contains("No changes") || second.stdout.contains("Nothing to destroy"), "\(second.stdout)")

        // No AUTH string or URL anywhere in what infera printed or wrote.
        #expect(!secrets.isEmpty)
        for s in secrets {
            let auth = s.components(separatedBy: "@").first?.components(separatedBy: ":").last ?? s
            for o in outputs + [d.journal()] { #expect(!o.contains(s) && !o.contains(auth)) }
        }
    }

    @Test func outputShowsSecretsOnlyWhenAsked() async throws {
        let fake = try GCPFake(polls: 1)
        let d = Deployment()
        try d.write()
        #expect(try run(d, ["apply", "--auto-approve"], fake).status == 0)
        let masked = try run(d, ["output", "redis_url"], fake)
        #expect(!masked.stdout.contains("rediss://"))
        let shown = try run(d, ["output", "redis_url", "--show-secrets"], fake)
        let url = try #require(try await secretValues(fake).first)
        #expect(shown.stdout.contains(url), "\(shown.combined)")
        #expect(url.hasPrefix("rediss://:") && url.hasSuffix("@10.0.1.3:6378"))
    }

    @Test func debugLogNeverShowsTheAuthStringOrURL() async throws {
        let fake = try GCPFake(polls: 1)
        var d = Deployment()
        try d.write()
        var logs: [String] = []
        logs.append(try run(d, ["apply", "--auto-approve"], fake, extra: ["INFERA_LOG": "debug"]).combined)
        d.memory = 2
        try d.write()
        for args in [["plan", "--out", "infra"], ["status"], ["output"], ["apply", "--auto-approve"]] {
            logs.append(try run(d, args, fake, extra: ["INFERA_LOG": "debug"]).combined)
        }
        #expect(logs.joined().contains("[DEBUG] infera: HTTP request"))
        let stored = (try await fake.state()["secrets"] as? [String: [String: Any]])?.values.flatMap { ($0["versions"] as? [String]) ?? [] } ?? []
        #expect(!stored.isEmpty)
        for b64 in stored {
            let url = String(decoding: Data(base64Encoded: b64) ?? Data(), as: UTF8.self)
            let auth = url.components(separatedBy: "@").first?.components(separatedBy: ":").last ?? url
            for l in logs { #expect(!l.contains(b64) && !l.contains(url) && !l.contains(auth)) }
        }
        for l in logs { #expect(!l.contains(GCPFake.staticToken)) }
    }

    @Test func thirtyPercentFaultsConvergeToOneInstanceAndOneVersionPerValue() async throws {
        for seed in 1...3 {
            let fake = try GCPFake(seed: seed, faultRate: 0.3, polls: 2)
            var d = Deployment()
            try d.write()
            var ok = false
            for _ in 0..<12 where !ok {
                ok = try run(d, ["apply", "--auto-approve"], fake).status == 0
            }
            #expect(ok, "seed \(seed): apply never converged")
            // A replacement (new AUTH string, so a new URL) under faults too.
            d.tier = "STANDARD_HA"
            try d.write()
            var replaced = false
            for _ in 0..<12 where !replaced {
                replaced = try run(d, ["apply", "--auto-approve", "--allow-replace"], fake).status == 0
            }
            #expect(replaced, "seed \(seed): replacement never converged")
            try await fake.configure(#"{"fault_rate": 0}"#)
            _ = try run(d, ["plan", "--out", "infra"], fake) // writes the Terraform files once
            let final = try run(d, ["plan", "--detailed-exitcode", "--out", "infra"], fake)
            #expect(final.status == 0, "seed \(seed): \(final.combined)")
            let all = try await instances(fake)
            #expect(all.count == 1 && all.first?.value["tier"] as? String == "STANDARD_HA", "seed \(seed)")
            let values = try await versions(fake)
            #expect(Set(values).count == values.count, "seed \(seed): a value was stored twice: \(values.count) versions")
            #expect(values.count == 2, "seed \(seed): \(values.count) versions")
        }
    }

    @Test func killDuringTheOperationWaitResumesTheSameOperation() async throws {
        let fake = try GCPFake(polls: 100_000)
        let d = Deployment()
        try d.write()
        let env = InferaRunner.environment(fake.environment.merging(["INFERA_POLL_INTERVAL": "0.02"]) { $1 })
        let running = try InferaRunner.start(["apply", "--auto-approve", "-f", "infera.yaml"], cwd: d.dir, env: env)
        var token: String?
        for _ in 0..<1000 where token == nil {
            usleep(20_000)
            let j = d.journal().replacingOccurrences(of: "\\/", with: "/")
            if let r = j.range(of: ##"op:projects/[^"#]+"##, options: .regularExpression) { token = String(j[r]) }
        }
        let op = try #require(token, "the journal never showed the pending operation")
        running.kill9()
        try await fake.configure(#"{"finish_ops_after": 3, "clear_requests": true}"#)
        let resumed = try run(d, ["apply", "--auto-approve"], fake)
        #expect(resumed.status == 0, "\(resumed.combined)")
        let name = String(op.dropFirst(3))
        let reqs = try await fake.requests()
        #expect(reqs.contains { $0["path"] as? String == "/v1/" + name }, "the re-run did not poll \(name)")
        #expect(!reqs.contains { $0["method"] as? String == "POST" && ($0["path"] as? String)?.hasSuffix("/instances") == true },
                "the re-run created the instance again")
        #expect(try await instances(fake).count == 1)
        #expect(try await versions(fake).count == 1)
    }

    // MARK: bad input: one clear message with the fix, exit 1, a consistent journal

    func expectFailure(_ r: InferaRunner.Result, _ message: String, _ hint: String, journal: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 1, "\(r.combined)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(message), "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(hint), "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(!r.combined.contains("Fatal error") && !r.combined.contains("Stack dump"), sourceLocation: sourceLocation)
        #expect(!journal.contains(#""state" : "pending""#) && !journal.contains(#""state":"pending""#), "\(journal)", sourceLocation: sourceLocation)
    }

    @Test func missingProject() async throws {
        let fake = try GCPFake()
        var d = Deployment()
        d.project = nil
        try d.write()
        let r = try run(d, ["apply", "--auto-approve"], fake)
        expectFailure(r, "no GCP project id", "GOOGLE_CLOUD_PROJECT", journal: d.journal())
    }

    @Test func zoneInsteadOfRegion() async throws {
        let fake = try GCPFake()
        var d = Deployment()
        d.region = "us-central1-a"
        try d.write()
        let r = try run(d, ["apply", "--auto-approve"], fake)
        #expect(r.status == 1, "\(r.combined)")
        #expect(r.stderr.contains("us-central1-a"), "\(r.stderr)")
        #expect(r.stderr.contains("us-central1"), "\(r.stderr)")
        expectFailure(r, "invalid value 'us-central1-a' for 'region' (did you mean 'us-central1'?)", "hint: expected a region name", journal: d.journal())
        #expect(try await instances(fake).isEmpty)
    }

    @Test func regionMemorystoreDoesNotOffer() async throws {
        let fake = try GCPFake()
        var d = Deployment()
        d.region = "europe-north1" // a GCP region, but not one the fake's Memorystore offers
        try d.write()
        let r = try run(d, ["apply", "--auto-approve"], fake)
        expectFailure(r, "Location 'europe-north1' is not supported", "check the value named in the message", journal: d.journal())
        #expect(try await instances(fake).isEmpty)
    }

    @Test func expiredUserCredentials() async throws {
        let fake = try GCPFake()
        try await fake.configure(#"{"expired_refresh_tokens": ["user-refresh-token"]}"#)
        let d = Deployment()
        try d.write()
        try #"{"type":"authorized_user","client_id":"user-client-id","client_secret":"user-client-secret","refresh_token":"user-refresh-token","token_uri":"\#(fake.baseURL)/token"}"#
            .write(toFile: d.dir + "/adc.json", atomically: true, encoding: .utf8)
        var env = fake.endpoints
        env["GOOGLE_APPLICATION_CREDENTIALS"] = d.dir + "/adc.json"
        let r = try InferaRunner.run(["apply", "--auto-approve", "-f", "infera.yaml"], cwd: d.dir, env: InferaRunner.environment(env))
        expectFailure(r, "Token has been expired or revoked.", "gcloud auth application-default login", journal: d.journal())
        #expect(!r.combined.contains("user-refresh-token") && !r.combined.contains("user-client-secret"))
    }

    @Test func expiredAccessToken() async throws {
        let fake = try GCPFake()
        let d = Deployment()
        try d.write()
        let r = try run(d, ["apply", "--auto-approve"], fake, extra: ["GOOGLE_OAUTH_ACCESS_TOKEN": "ya29.expired-token"])
        expectFailure(r, "the access token from GOOGLE_OAUTH_ACCESS_TOKEN was rejected (401 UNAUTHENTICATED); it has expired or was revoked",
                      "set GOOGLE_OAUTH_ACCESS_TOKEN to a fresh token from `gcloud auth print-access-token`", journal: d.journal())
        #expect(!r.combined.contains("ya29.expired-token"))
        #expect(try await instances(fake).isEmpty)
    }

    @Test func permissionDenied() async throws {
        let fake = try GCPFake()
        try await fake.configure(#"{"deny": ["redis.instances.create"]}"#)
        let d = Deployment()
        try d.write()
        let r = try run(d, ["apply", "--auto-approve"], fake)
        expectFailure(r, "Permission 'redis.instances.create' denied", "roles/redis.admin", journal: d.journal())
        #expect(r.stderr.contains("permission denied (403 PERMISSION_DENIED)"))
    }

    @Test func revokedKey() async throws {
        let fake = try GCPFake()
        try await fake.configure(#"{"revoked_keys": ["\#(GCPFake.keyID)"]}"#)
        let d = Deployment()
        try d.write()
        try fake.writeServiceAccountKey(to: d.dir + "/key.json")
        var env = fake.endpoints
        env["GOOGLE_APPLICATION_CREDENTIALS"] = d.dir + "/key.json"
        let r = try InferaRunner.run(["apply", "--auto-approve", "-f", "infera.yaml"], cwd: d.dir, env: InferaRunner.environment(env))
        expectFailure(r, "Invalid JWT Signature.", "gcloud iam service-accounts keys create", journal: d.journal())
    }

    @Test func disabledAPI() async throws {
        let fake = try GCPFake()
        try await fake.configure(#"{"disabled_services": ["redis.googleapis.com"]}"#)
        let d = Deployment()
        try d.write()
        let r = try run(d, ["apply", "--auto-approve"], fake)
        expectFailure(r, "redis.googleapis.com is not enabled in project infera-test-project",
                      "gcloud services enable redis.googleapis.com --project=infera-test-project", journal: d.journal())
        // Without Service Usage (no permission): the API's own SERVICE_DISABLED answer, quoted.
        try await fake.configure(#"{"deny": [], "disabled_services": ["redis.googleapis.com"]}"#)
        let r2 = try run(d, ["apply", "--auto-approve"], fake, extra: ["CLOUDSDK_API_ENDPOINT_OVERRIDES_SERVICEUSAGE": "http://127.0.0.1:1/"])
        expectFailure(r2, "has not been used in project 100000 before or it is disabled",
                      "gcloud services enable redis.googleapis.com --project=infera-test-project", journal: d.journal())
    }
}
